// Event builders for the chat-ops tests: signed API Gateway HTTP API (payload v2) requests and
// SNS Lambda events carrying the ack's message.
import { createHmac } from "crypto";
import { SlashCommandMessage } from "../../../handlers/chatops/shared/command";

/** Slack's documented signing example (https://api.slack.com/authentication/verifying-requests-from-slack). */
export const SLACK_EXAMPLE = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};

export function sign(secret: string, timestamp: string, body: string): string {
  return "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
}

export function httpEvent(args: {
  body: string;
  headers?: Record<string, string>;
  base64?: boolean;
  requestId?: string;
  path?: string;
}): Record<string, unknown> {
  const path = args.path ?? "/slack/command";
  return {
    version: "2.0",
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      ...(args.headers ?? {}),
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      http: {
        method: "POST",
        path,
        protocol: "HTTP/1.1",
        sourceIp: "3.1.2.3",
        userAgent: "Slackbot",
      },
      requestId: args.requestId ?? "req-1",
      routeKey: `POST ${path}`,
      stage: "$default",
      time: "12/Jul/2018:18:36:58 +0000",
      timeEpoch: 1531420618000,
    },
    body: args.base64 ? Buffer.from(args.body, "utf8").toString("base64") : args.body,
    isBase64Encoded: args.base64 ?? false,
  };
}

/** A correctly signed request for `text` at `timestamp` (Unix seconds). */
export function signedCommand(args: {
  secret: string;
  timestamp: number;
  text: string;
  responseUrl: string;
  userId?: string;
  /** Display name; null leaves the field out (Slack is phasing it out). */
  userName?: string | null;
  command?: string;
  base64?: boolean;
}): Record<string, unknown> {
  const fields: Record<string, string> = {
    token: "ignored-legacy-token",
    team_id: "T0001",
    team_domain: "example",
    channel_id: "C0001",
    channel_name: "ops",
    user_id: args.userId ?? "U0OPERATOR",
    user_name: args.userName ?? "alice",
    command: args.command ?? "/guard",
    text: args.text,
    response_url: args.responseUrl,
    trigger_id: "1.2.3",
  };
  if (args.userName === null) delete fields.user_name;
  const body = new URLSearchParams(fields).toString();
  const ts = String(args.timestamp);
  return httpEvent({
    body,
    base64: args.base64,
    headers: { "x-slack-request-timestamp": ts, "x-slack-signature": sign(args.secret, ts, body) },
  });
}

export function snsEvent(
  messages: Array<{ id: string; message: SlashCommandMessage | string }>,
): Record<string, unknown> {
  return {
    Records: messages.map(({ id, message }) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: "arn:aws:sns:us-east-1:123456789012:security-guard-chatops-commands:0c4b9e1e",
      Sns: {
        Type: "Notification",
        MessageId: id,
        TopicArn: "arn:aws:sns:us-east-1:123456789012:security-guard-chatops-commands",
        Subject: null,
        Message: typeof message === "string" ? message : JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        SignatureVersion: "1",
        MessageAttributes: {},
      },
    })),
  };
}

export function commandMessage(
  text: string,
  responseUrl: string,
  overrides: Partial<SlashCommandMessage> = {},
): SlashCommandMessage {
  return {
    version: 1,
    receivedAt: new Date().toISOString(),
    userId: "U0OPERATOR",
    userName: "alice",
    teamId: "T0001",
    channelId: "C0001",
    command: "/guard",
    text,
    responseUrl,
    ...overrides,
  };
}

/** A block_actions payload as Slack posts it for a click on one of an alert's buttons. */
export function blockActionsPayload(args: {
  actionId: string;
  value: string;
  responseUrl: string;
  message?: unknown;
  userId?: string;
  userName?: string;
}): Record<string, unknown> {
  return {
    type: "block_actions",
    user: { id: args.userId ?? "U0OPERATOR", username: args.userName ?? "alice", team_id: "T0001" },
    api_app_id: "A0GUARD",
    token: "ignored-legacy-token",
    container: {
      type: "message_attachment",
      message_ts: "1764380000.000100",
      attachment_id: 1,
      channel_id: "C0ALERTS",
    },
    trigger_id: "1.2.3",
    team: { id: "T0001", domain: "example" },
    channel: { id: "C0ALERTS", name: "security-alerts" },
    message: args.message,
    response_url: args.responseUrl,
    actions: [
      {
        action_id: args.actionId,
        block_id: "guard_alert_actions",
        text: { type: "plain_text", text: "button" },
        value: args.value,
        type: "button",
        action_ts: "1764380010.000200",
      },
    ],
  };
}

/** A signed POST /slack/interactions request: the payload JSON in the `payload` form field. */
export function signedInteraction(args: {
  secret: string;
  timestamp: number;
  payload: unknown;
  requestId?: string;
}): Record<string, unknown> {
  const body = new URLSearchParams({ payload: JSON.stringify(args.payload) }).toString();
  const ts = String(args.timestamp);
  return httpEvent({
    body,
    path: "/slack/interactions",
    requestId: args.requestId,
    headers: { "x-slack-request-timestamp": ts, "x-slack-signature": sign(args.secret, ts, body) },
  });
}

/**
 * A view_submission payload as Slack posts it when a user submits a modal
 * (https://api.slack.com/reference/interaction-payloads/views#view_submission): the view as it was
 * opened (callback_id, private_metadata, blocks) plus the typed values in view.state.
 */
export function viewSubmissionPayload(args: {
  view: Record<string, unknown>;
  values: Record<string, Record<string, string | null>>;
  userId?: string;
  userName?: string;
  viewId?: string;
}): Record<string, unknown> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [block, inputs] of Object.entries(args.values))
    values[block] = Object.fromEntries(
      Object.entries(inputs).map(([action, value]) => [action, { type: "plain_text_input", value }]),
    );
  return {
    type: "view_submission",
    team: { id: "T0001", domain: "example" },
    user: {
      id: args.userId ?? "U0OPERATOR",
      username: args.userName ?? "alice",
      name: args.userName ?? "alice",
      team_id: "T0001",
    },
    api_app_id: "A0GUARD",
    token: "ignored-legacy-token",
    trigger_id: "4.5.6",
    view: {
      id: args.viewId ?? "V00000001",
      team_id: "T0001",
      app_id: "A0GUARD",
      bot_id: "B0STANDIN",
      hash: "1764380011.abcdef",
      root_view_id: args.viewId ?? "V00000001",
      previous_view_id: null,
      ...args.view,
      state: { values },
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}
