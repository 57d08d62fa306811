// The slash-command endpoint behind API Gateway (HTTP API, payload v2). Slack needs an answer
// within 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt), so
// this function only verifies the request, answers `help` and malformed commands itself, and
// hands everything else to the worker through SNS. It imports node:crypto, node:zlib (the Exempt
// dialog's metadata) and the AWS SDK clients the Lambda runtime provides (SNS, DynamoDB, KMS
// through secrets.ts), and no HTTP client (Slack is called with the runtime's fetch): cold start
// matters.
// It serves two routes: slash commands, and clicks on alert buttons (interactions, same checks),
// which include Exempt's reason dialog: opened here with views.open, its submission queued here.
// Steps: verify -> parse -> authorize -> queue (refuse a replay, then publish), each answering
// Slack itself when it ends the request. Every AWS call runs under one deadline that ends well
// inside Slack's 3 s, so the ack always answers, and says so when nothing ran.
import type { ExemptionDays } from "../../shared/alertActions";
import { ENV } from "../../shared/constants";
import { deadlineFrom, LambdaClock, withReserve } from "../../shared/deadline";
import { secretCache } from "../../shared/secrets";
import { createSeenStore, SeenStore } from "../../shared/seenStore";
import { authorizeRequest } from "./authorize";
import { parseCommand, parseForm } from "./parse";
import { commandMessage, queueCommand, SnsClients } from "./queue";
import { AckResponse } from "./reply";
import { readRequest } from "./request";
import { DEFAULT_TOLERANCE_SECONDS } from "./signature";
import { verifyRequest } from "./verify";
import { parseInteraction } from "./interaction";
import { modalOpener } from "./openModal";
import { queueClick } from "./queueClick";
import { answerUncheckedInteraction } from "./tellUser";
import { parseSubmission } from "./submission";

/** The interactivity request URL's path: clicks on alert buttons (and only those) arrive here. */
export const INTERACTIONS_PATH = "/slack/interactions";

export type { AckResponse } from "./reply";

export interface AckSettings {
  /** Allowed clock difference for X-Slack-Request-Timestamp, in seconds (Slack: 5 minutes). */
  toleranceSeconds?: number;
  /** The slash command this endpoint serves ("/guard"); other commands are refused. */
  commandName?: string;
  /**
   * Slack user ids with operator access in the chat-ops config: only they get Exempt's reason
   * dialog, and only their submissions of it are queued (the worker checks every action again).
   */
  operators?: string[];
  /** Exempt's expiry in days: offered in the dialog, and the longest accepted. */
  exemptionDays?: ExemptionDays;
  now?: never;
}

export interface AckOptions {
  /** Current time in milliseconds (tests pin the clock). */
  now?: () => number;
  /** Time from the start of a request by which every AWS call has given up (default ANSWER_BUDGET_MS). */
  answerBudgetMs?: number;
}

/**
 * Slack waits 3 s for the answer, including its own network time to API Gateway and back; 2 s for
 * the ack's AWS calls (KMS on a cold start, DynamoDB, SNS) leaves the rest for that trip.
 */
export const ANSWER_BUDGET_MS = 2000;
/** Kept back from the Lambda's own timeout to build the answer and log, if that comes first. */
const RESERVE_MS = 300;
/**
 * Kept back from a click's AWS calls to post its outcome to response_url (Slack's hooks answer in
 * well under this): a hung dependency then still ends in a note the user sees.
 */
export const TELL_USER_RESERVE_MS = 600;

export function createAckHandler(
  settings: AckSettings,
  env: NodeJS.ProcessEnv = process.env,
  options: AckOptions = {},
): (event: unknown, context?: LambdaClock) => Promise<AckResponse> {
  const tolerance = settings.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? (() => Date.now());
  const budgetMs = options.answerBudgetMs ?? ANSWER_BUDGET_MS;
  const secret = secretCache(
    { ciphertextVar: ENV.signingSecretCiphertext, plainVar: ENV.signingSecretPlain },
    env,
  );
  // Per-container state (captured objects: module-level `let` would not survive serialization).
  const clients: SnsClients = {};
  const replayTable = env[ENV.replayTableName];
  const operators = settings.operators ?? [];
  const modal = modalOpener(operators, env, settings.exemptionDays);
  const seen: SeenStore | undefined = replayTable
    ? createSeenStore({ tableName: replayTable, windowSeconds: 2 * tolerance + 1, now })
    : undefined;

  return async (event: unknown, context?: LambdaClock): Promise<AckResponse> => {
    const lambdaLeft =
      typeof context?.getRemainingTimeInMillis === "function"
        ? context.getRemainingTimeInMillis() - RESERVE_MS
        : Infinity;
    const deadline = deadlineFrom(undefined, 0, Math.min(budgetMs, lambdaLeft));
    const req = readRequest(event);
    const isInteraction = req.path.endsWith(INTERACTIONS_PATH);
    const localRun = env[ENV.localRun] === "1";
    // A click is answered only through its response_url: its AWS calls give up early enough to
    // leave time for that post (a command's answer is the response body itself).
    const work = isInteraction
      ? withReserve(deadline, Math.min(TELL_USER_RESERVE_MS, deadline.remainingMs() / 3))
      : deadline;
    const verified = await verifyRequest(req, secret, now(), tolerance, work);
    if (!verified.ok) {
      if (isInteraction && "timedOut" in verified)
        return answerUncheckedInteraction(req, verified.timedOut, deadline, localRun);
      return verified.answer;
    }
    const replayWindowSeconds = Number(req.timestamp) + tolerance + 1 - Math.floor(now() / 1000);
    if (isInteraction) {
      const interaction = parseInteraction(req.rawBody, req.eventId, now(), localRun);
      if (!interaction.ok) return interaction.answer;
      const submission = interaction.value.kind === "submission";
      const click =
        interaction.value.kind === "click"
          ? { ok: true as const, value: interaction.value.click }
          : parseSubmission(
              interaction.value.payload,
              req.eventId,
              now(),
              localRun,
              operators,
              settings.exemptionDays,
            );
      if (!click.ok) return click.answer;
      return queueClick({
        req,
        click: click.value,
        modal,
        submission,
        topicArn: env[ENV.commandTopicArn],
        clients,
        defaultRegion: env.AWS_REGION,
        seen,
        replayWindowSeconds,
        deadline: work,
        tellDeadline: deadline,
      });
    }
    const form = parseForm(req.rawBody, req.eventId);
    if (!form.ok) return form.answer;
    const allowed = authorizeRequest(form.value, settings.commandName, env[ENV.localRun] === "1");
    if (!allowed.ok) return allowed.answer;
    const command = parseCommand(form.value);
    if (!command.ok) return command.answer;
    return queueCommand({
      req,
      form: form.value,
      command: command.value,
      message: commandMessage(form.value, now()),
      topicArn: env[ENV.commandTopicArn],
      clients,
      defaultRegion: env.AWS_REGION,
      seen,
      replayWindowSeconds,
      deadline,
    });
  };
}
