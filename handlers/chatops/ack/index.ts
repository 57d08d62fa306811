// The slash-command endpoint behind API Gateway (HTTP API, payload v2). Slack needs an answer
// within 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt), so
// this function only verifies the request, answers `help` and malformed commands itself, and
// hands everything else to the worker through SNS. It imports node:crypto and the SNS client
// (plus KMS through secrets.ts for the signing secret), and no HTTP client: cold start matters.
// Steps: verify -> parse -> authorize -> queue, each answering Slack itself when it ends the request.
import { ENV } from "../../shared/constants";
import { secretCache } from "../../shared/secrets";
import { authorizeRequest } from "./authorize";
import { parseCommand, parseForm } from "./parse";
import { commandMessage, queueCommand, SnsClients } from "./queue";
import { AckResponse } from "./reply";
import { readRequest } from "./request";
import { DEFAULT_TOLERANCE_SECONDS } from "./signature";
import { verifyRequest } from "./verify";

export type { AckResponse } from "./reply";

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
  const clients: SnsClients = {};

  return async (event: unknown): Promise<AckResponse> => {
    const req = readRequest(event);
    const verified = await verifyRequest(req, secret, now(), tolerance);
    if (!verified.ok) return verified.answer;
    const form = parseForm(req.rawBody, req.eventId);
    if (!form.ok) return form.answer;
    const allowed = authorizeRequest(form.value, settings.commandName, env[ENV.localRun] === "1");
    if (!allowed.ok) return allowed.answer;
    const command = parseCommand(form.value);
    if (!command.ok) return command.answer;
    return queueCommand({
      form: form.value,
      command: command.value,
      message: commandMessage(form.value, now()),
      topicArn: env[ENV.commandTopicArn],
      clients,
      defaultRegion: env.AWS_REGION,
      eventId: req.eventId,
    });
  };
}
