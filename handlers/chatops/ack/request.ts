// The parts of an API Gateway HTTP API (payload v2) event the ack reads. Anything else (or an
// event that is not an HTTP request at all) reads as a request without headers or body.

export interface SlackRequest {
  /** API Gateway's request id, used as the log's eventId and shown to the user on failures. */
  eventId?: string;
  /** The exact bytes Slack signed. */
  rawBody: Buffer;
  timestamp?: string;
  signature?: string;
  /** The request path ("/slack/commands", "/slack/interactions"): one function serves both routes. */
  path: string;
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name && typeof v === "string") return v;
  }
  return undefined;
}

export function readRequest(event: unknown): SlackRequest {
  const e = (typeof event === "object" && event !== null ? event : {}) as {
    headers?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
    rawPath?: unknown;
    requestContext?: { requestId?: unknown; http?: { path?: unknown } };
  };
  const requestId = e.requestContext?.requestId;
  return {
    eventId: typeof requestId === "string" ? requestId : undefined,
    rawBody:
      typeof e.body === "string"
        ? Buffer.from(e.body, e.isBase64Encoded === true ? "base64" : "utf8")
        : Buffer.alloc(0),
    timestamp: header(e.headers, "x-slack-request-timestamp"),
    signature: header(e.headers, "x-slack-signature"),
    path:
      typeof e.rawPath === "string"
        ? e.rawPath
        : typeof e.requestContext?.http?.path === "string"
          ? e.requestContext.http.path
          : "",
  };
}
