// The worker's one accept step: an SNS message body in, a typed and validated message out (a click on
// an alert's button or a slash command), or one error naming every bad field. The worker dispatches
// on `type`; nothing after this step reads the raw body.
//
// Schemas are built per call, never held at module level: Pulumi's closure serializer would copy a
// module-level schema object (and valibot's internals with it) into the package by value.
import * as v from "valibot";
import { ALERT_ACTIONS, AlertAction } from "../../shared/alertActions";
import { responseUrlProblem, SlashCommandMessage } from "../shared/command";
import { ALERT_ACTION_MESSAGE_TYPE, AlertActionMessage } from "../shared/interaction";

export const COMMAND_MESSAGE_TYPE = "command";

export type CommandMessage = SlashCommandMessage & { type: typeof COMMAND_MESSAGE_TYPE };
export type WorkerMessage = AlertActionMessage | CommandMessage;

export type Accepted = { ok: true; message: WorkerMessage } | { ok: false; error: string };

/**
 * SNS's own limit on a message. Clicks queued by an earlier ack carry Slack's copy of the alert
 * (up to about 150 KB), so they still fit; anything larger never came through SNS.
 */
export const MAX_MESSAGE_BYTES = 262_144;

function nonEmpty(key: string) {
  const message = `${key} must be a non-empty string`;
  return v.pipe(v.string(message), v.nonEmpty(message));
}

function optionalString(key: string) {
  return v.optional(v.string(`${key} must be a string`));
}

function version() {
  return v.literal(1, (issue) => `version must be 1 (got ${JSON.stringify(issue.input)})`);
}

function receivedAt() {
  return v.pipe(
    nonEmpty("receivedAt"),
    v.check(
      (s) => !Number.isNaN(Date.parse(s)),
      (issue) => `receivedAt is not a date: ${JSON.stringify(issue.input)}`,
    ),
  );
}

/** response_url: Slack's hosts only (any http(s) URL in local runs). */
function responseUrl(localRun: boolean) {
  return v.pipe(
    nonEmpty("responseUrl"),
    v.check(
      (url) => responseUrlProblem(url, localRun) === undefined,
      (issue) => responseUrlProblem(issue.input, localRun) ?? "",
    ),
  );
}

/** A required key that is absent is reported by the object schema, with the key as its path. */
function missing(issue: v.BaseIssue<unknown>): string {
  const key = v.getDotPath(issue);
  return key ? `${key} is missing` : "message is not a JSON object";
}

function alertActionSchema(localRun: boolean) {
  const actions = Object.keys(ALERT_ACTIONS) as AlertAction[];
  const days = "expiryDays must be a whole number of days >= 1";
  return v.object(
    {
      version: version(),
      type: v.literal(ALERT_ACTION_MESSAGE_TYPE),
      receivedAt: receivedAt(),
      userId: nonEmpty("userId"),
      userName: optionalString("userName"),
      teamId: nonEmpty("teamId"),
      channelId: optionalString("channelId"),
      action: v.picklist(actions, `action must be one of ${actions.join(", ")}`),
      value: nonEmpty("value"),
      reason: optionalString("reason"),
      expiryDays: v.optional(v.pipe(v.number(days), v.integer(days), v.minValue(1, days))),
      modalSkipped: optionalString("modalSkipped"),
      responseUrl: responseUrl(localRun),
      // Unknown keys are dropped: clicks queued by an earlier ack carry Slack's copy of the alert
      // (`message`), which is not used.
    },
    missing,
  );
}

function commandSchema(localRun: boolean) {
  return v.object(
    {
      version: version(),
      // The ack's command messages carry no type (older ones never did).
      type: v.optional(v.literal(COMMAND_MESSAGE_TYPE)),
      receivedAt: receivedAt(),
      userId: nonEmpty("userId"),
      userName: optionalString("userName"),
      teamId: nonEmpty("teamId"),
      channelId: nonEmpty("channelId"),
      command: nonEmpty("command"),
      text: v.string("text must be a string"),
      responseUrl: responseUrl(localRun),
    },
    missing,
  );
}

// The schemas' output is the contract the ack writes (shared/interaction.ts, shared/command.ts):
// the compiler checks they agree both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const clickAgrees: Same<v.InferOutput<ReturnType<typeof alertActionSchema>>, AlertActionMessage> = true;
const commandAgrees: Same<
  Omit<v.InferOutput<ReturnType<typeof commandSchema>>, "type">,
  SlashCommandMessage
> = true;
void clickAgrees;
void commandAgrees;

function problems(what: string, issues: readonly v.BaseIssue<unknown>[]): string {
  return `invalid ${what} message: ${issues.map((i) => i.message).join("; ")}`;
}

/**
 * Reads an SNS message body: a click (`type` "alert-action") or a slash command (no `type`, or
 * "command"). `localRun` lets response_url be any http(s) URL (tests and local runs).
 */
export function acceptMessage(body: unknown, options: { localRun: boolean }): Accepted {
  if (typeof body !== "string") return { ok: false, error: "record has no Sns.Message" };
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_MESSAGE_BYTES)
    return {
      ok: false,
      error: `message is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES} an SNS message can hold`,
    };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, error: `message is not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, error: "message is not a JSON object" };
  const type = (value as { type?: unknown }).type;
  if (type === ALERT_ACTION_MESSAGE_TYPE) {
    const r = v.safeParse(alertActionSchema(options.localRun), value);
    return r.success
      ? { ok: true, message: r.output }
      : { ok: false, error: problems("alert action", r.issues) };
  }
  if (type === undefined || type === COMMAND_MESSAGE_TYPE) {
    const r = v.safeParse(commandSchema(options.localRun), value);
    return r.success
      ? { ok: true, message: { ...r.output, type: COMMAND_MESSAGE_TYPE } }
      : { ok: false, error: problems("command", r.issues) };
  }
  return {
    ok: false,
    error: `type must be "${ALERT_ACTION_MESSAGE_TYPE}" or "${COMMAND_MESSAGE_TYPE}" (got ${JSON.stringify(type)})`,
  };
}
