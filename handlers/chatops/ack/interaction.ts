// A click on an alert's button, as Slack posts it to the interactivity request URL: a form body
// whose `payload` field is the JSON interaction payload
// (https://api.slack.com/interactivity/handling#payloads). Verified like a slash command (the
// signature covers the raw form body), then parsed here, then queued for the worker. Slack only
// needs a 200 within 3 s for block_actions; the outcome reaches the user through response_url.
// The submission of the Exempt dialog (view_submission) arrives here too (submission.ts).
import { log } from "../../shared/log";
import { responseUrlProblem } from "../shared/command";
import { ALERT_ACTION_MESSAGE_TYPE, AlertActionMessage, actionOf } from "../shared/interaction";
import { plainText, Step } from "./reply";

export interface ClickForm {
  message: AlertActionMessage;
  logFields: Record<string, unknown>;
  /** Opens a dialog within 3 s of the click (Exempt's reason). */
  triggerId?: string;
  /** The alert's ts, when Slack sent it (container.message_ts). */
  messageTs?: string;
}

/** A verified interaction: a click on a button, or the submission of the Exempt dialog. */
export type Interaction =
  { kind: "click"; click: ClickForm } | { kind: "submission"; payload: Record<string, unknown> };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function refuse<T>(eventId: string | undefined, problem: string): Step<T> {
  log("warn", "chatops ack: interaction refused", { eventId, problem });
  return { ok: false, answer: plainText(400, problem) };
}

/** The interaction payload by its type (block_actions, view_submission), or the answer that ends the request. */
export function parseInteraction(
  rawBody: Buffer,
  eventId: string | undefined,
  nowMs: number,
  localRun: boolean,
): Step<Interaction> {
  const bad = (problem: string) => refuse<Interaction>(eventId, problem);
  const raw = new URLSearchParams(rawBody.toString("utf8")).get("payload");
  if (!raw) return bad("missing form field: payload");
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return bad("payload is not JSON");
  }
  if (!isObj(payload)) return bad("payload is not a JSON object");
  if (payload.type === "view_submission") return { ok: true, value: { kind: "submission", payload } };
  if (payload.type !== "block_actions")
    return bad(`unsupported interaction type ${JSON.stringify(payload.type)}`);
  const click = parseClick(payload, eventId, nowMs, localRun);
  return click.ok ? { ok: true, value: { kind: "click", click: click.value } } : click;
}

/** The click as the worker's message, or the answer that ends the request. */
export function parseClick(
  payload: Record<string, unknown>,
  eventId: string | undefined,
  nowMs: number,
  localRun: boolean,
): Step<ClickForm> {
  const bad = (problem: string) => refuse<ClickForm>(eventId, problem);
  const user = isObj(payload.user) ? payload.user : {};
  const team = isObj(payload.team) ? payload.team : {};
  const channel = isObj(payload.channel) ? payload.channel : {};
  const userId = text(user.id);
  const teamId = text(team.id) ?? text(user.team_id);
  const responseUrl = text(payload.response_url);
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const first = isObj(actions[0]) ? actions[0] : {};
  const missing = [
    !userId && "user.id",
    !teamId && "team.id",
    !responseUrl && "response_url",
    actions.length !== 1 && "exactly one action",
  ].filter(Boolean);
  if (missing.length) return bad(`payload lacks ${missing.join(", ")}`);
  const action = actionOf(first.action_id);
  const logFields = { eventId, userId, actionId: first.action_id };
  if (!action) return bad(`unknown action_id ${JSON.stringify(first.action_id)}`);
  const value = text(first.value);
  if (!value) return bad("the button has no value");
  const problem = responseUrlProblem(responseUrl!, localRun);
  if (problem) return bad(problem);
  const userName = text(user.username) ?? text(user.name);
  const container = isObj(payload.container) ? payload.container : {};
  const triggerId = text(payload.trigger_id);
  const messageTs = text(container.message_ts);
  return {
    ok: true,
    value: {
      ...(triggerId ? { triggerId } : {}),
      ...(messageTs ? { messageTs } : {}),
      message: {
        version: 1,
        type: ALERT_ACTION_MESSAGE_TYPE,
        receivedAt: new Date(nowMs).toISOString(),
        userId: userId!,
        ...(userName ? { userName } : {}),
        teamId: teamId!,
        ...(text(channel.id) ? { channelId: text(channel.id) } : {}),
        action,
        value,
        responseUrl: responseUrl!,
      },
      logFields: { ...logFields, action },
    },
  };
}
