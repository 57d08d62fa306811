// The ack's answers to Slack: an ephemeral message (only the user who typed the command sees it),
// or a bare status for requests that are not Slack's or not well-formed
// (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).

export interface AckResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** The outcome of a step: its value, or the answer that ends the request here. */
export type Step<T> = { ok: true; value: T } | { ok: false; answer: AckResponse };

export function ephemeral(text: string): AckResponse {
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", text }),
  };
}

export function plainText(statusCode: number, body = ""): AckResponse {
  return { statusCode, headers: { "content-type": "text/plain" }, body };
}

/** Not verifiably Slack's: nothing more is said. */
export const UNAUTHORIZED: AckResponse = plainText(401);

/**
 * Keeps a dialog open with an error under one of its input blocks (view_submission's
 * response_action "errors": https://api.slack.com/surfaces/modals#displaying_errors).
 */
export function dialogError(blockId: string, text: string): AckResponse {
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_action: "errors", errors: { [blockId]: text } }),
  };
}
