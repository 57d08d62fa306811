// The slash-command endpoint behind API Gateway (HTTP API, payload v2). Slack needs an answer
// within 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt), so
// this function only verifies the request, answers `help` and malformed commands itself, and
// hands everything else to the worker through SNS. It imports node:crypto and the SNS client
// (plus KMS through secrets.ts for the signing secret), and no HTTP client: cold start matters.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ENV } from "../../shared/constants";
import { errorMessage, log } from "../../shared/log";
import { secretCache } from "../../shared/secrets";
import {
  describeCommand,
  helpText,
  parseCommandText,
  responseUrlProblem,
  SlashCommandMessage,
} from "../shared/command";
import { DEFAULT_TOLERANCE_SECONDS, verifySlackSignature } from "./signature";

export interface AckSettings {
  /** Allowed clock difference for X-Slack-Request-Timestamp, in seconds (Slack: 5 minutes). */
  toleranceSeconds?: number;
  /** The slash command this endpoint serves ("/guard"); other commands are refused. */
  commandName?: string;
  now?: never;
}

export interface AckOptions {
  /** Current time in milliseconds (tests pin the clock). */
  now?: () => number;
}

export interface AckResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

// Budget for the SNS publish so the whole answer stays under Slack's 3 s.
const SNS_TIMEOUTS = { connectionTimeout: 1000, requestTimeout: 1000 };

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name && typeof v === "string") return v;
  }
  return undefined;
}

function ephemeral(text: string): AckResponse {
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", text }),
  };
}

const UNAUTHORIZED: AckResponse = { statusCode: 401, headers: { "content-type": "text/plain" }, body: "" };

function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[2] === "sns" ? parts[3] : undefined;
}

export function createAckHandler(
  settings: AckSettings,
  env: NodeJS.ProcessEnv = process.env,
  options: AckOptions = {},
): (event: unknown) => Promise<AckResponse> {
  const tolerance = settings.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? (() => Date.now());
  const secret = secretCache(
    { ciphertextVar: ENV.signingSecretCiphertext, plainVar: ENV.signingSecretPlain },
    env,
  );
  // Per-container state (a captured object: module-level `let` would not survive serialization).
  const state: { sns?: SNSClient; snsRegion?: string } = {};

  const snsFor = (topicArn: string): SNSClient => {
    const region = regionOfArn(topicArn) ?? env.AWS_REGION;
    if (!state.sns || state.snsRegion !== region) {
      state.sns = new SNSClient({ region, maxAttempts: 2, requestHandler: SNS_TIMEOUTS });
      state.snsRegion = region;
    }
    return state.sns;
  };

  return async (event: unknown): Promise<AckResponse> => {
    const e = (typeof event === "object" && event !== null ? event : {}) as {
      headers?: unknown;
      body?: unknown;
      isBase64Encoded?: unknown;
      requestContext?: { requestId?: string };
    };
    const eventId = e.requestContext?.requestId;

    // 1. Signature first: nothing else looks at the request before it is verified.
    const rawBody =
      typeof e.body === "string"
        ? Buffer.from(e.body, e.isBase64Encoded === true ? "base64" : "utf8")
        : Buffer.alloc(0);
    let signingSecret: string;
    try {
      signingSecret = await secret.get();
    } catch (err) {
      log("error", "chatops ack: signing secret unavailable", { eventId, error: errorMessage(err) });
      return { statusCode: 500, headers: { "content-type": "text/plain" }, body: "" };
    }
    const check = verifySlackSignature({
      secret: signingSecret,
      timestamp: header(e.headers, "x-slack-request-timestamp"),
      signature: header(e.headers, "x-slack-signature"),
      rawBody,
      nowSeconds: Math.floor(now() / 1000),
      toleranceSeconds: tolerance,
    });
    if (!check.ok) {
      log("warn", "chatops ack: request rejected", { eventId, reason: check.reason });
      return UNAUTHORIZED;
    }

    // 2. The verified form body.
    const form = new URLSearchParams(rawBody.toString("utf8"));
    // Slack checks the certificate of a slash command URL with ssl_check=1; it wants a 200.
    if (form.get("ssl_check") === "1") return { statusCode: 200, body: "" };
    const missing = ["user_id", "team_id", "channel_id", "command", "response_url"].filter(
      (k) => !form.get(k),
    );
    if (missing.length) {
      log("warn", "chatops ack: form fields missing", { eventId, missing });
      return {
        statusCode: 400,
        headers: { "content-type": "text/plain" },
        body: `missing form fields: ${missing.join(", ")}`,
      };
    }
    const command = form.get("command")!;
    const text = form.get("text") ?? "";
    const userId = form.get("user_id")!;
    const logFields = { eventId, userId, userName: form.get("user_name"), command, text };
    if (settings.commandName && command !== settings.commandName) {
      log("warn", "chatops ack: unexpected command", logFields);
      return ephemeral(`This endpoint serves \`${settings.commandName}\`, not \`${command}\`.`);
    }
    const urlProblem = responseUrlProblem(form.get("response_url")!, env[ENV.localRun] === "1");
    if (urlProblem) {
      log("warn", "chatops ack: bad response_url", { ...logFields, problem: urlProblem });
      return { statusCode: 400, headers: { "content-type": "text/plain" }, body: urlProblem };
    }

    // 3. help and malformed commands are answered here; the rest goes to the worker.
    const parsed = parseCommandText(text);
    if (!parsed.ok) {
      log("info", "chatops ack: malformed command", {
        ...logFields,
        outcome: "invalid",
        error: parsed.error,
      });
      return ephemeral(`Sorry, ${parsed.error}\n\n${helpText(command)}`);
    }
    if (parsed.command.kind === "help") {
      log("info", "chatops ack: help", { ...logFields, outcome: "help" });
      return ephemeral(helpText(command));
    }
    const topicArn = env[ENV.commandTopicArn];
    const message: SlashCommandMessage = {
      version: 1,
      receivedAt: new Date(now()).toISOString(),
      userId,
      userName: form.get("user_name") ?? "",
      teamId: form.get("team_id")!,
      channelId: form.get("channel_id")!,
      command,
      text,
      responseUrl: form.get("response_url")!,
    };
    try {
      if (!topicArn) throw new Error(`${ENV.commandTopicArn} is not set`);
      const out = await snsFor(topicArn).send(
        new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(message) }),
      );
      log("info", "chatops ack: command queued", {
        ...logFields,
        outcome: "queued",
        messageId: out.MessageId,
      });
    } catch (err) {
      log("error", "chatops ack: could not queue command", {
        ...logFields,
        outcome: "error",
        error: errorMessage(err),
      });
      return ephemeral(
        `Sorry, \`${describeCommand(parsed.command)}\` could not be handed to the worker; nothing was run. ` +
          `Please try again (request id ${eventId ?? "unknown"}).`,
      );
    }
    return ephemeral(`Working on \`${describeCommand(parsed.command)}\`…`);
  };
}
