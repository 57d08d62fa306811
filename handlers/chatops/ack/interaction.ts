// A click on an alert's button, as Slack posts it to the interactivity request URL: a form body
// whose `payload` field is the JSON interaction payload
// (https://api.slack.com/interactivity/handling#payloads). Verified like a slash command (the
// signature covers the raw form body), then parsed here, then queued for the worker. Slack only
// needs a 200 within 3 s for block_actions; the outcome reaches the user through response_url.
import { log } from "../../shared/log";
import { responseUrlProblem } from "../shared/command";
import { ALERT_ACTION_MESSAGE_TYPE, AlertActionMessage, actionOf } from "../shared/interaction";
import { plainText, Step } from "./reply";

export interface ClickForm {
  message: AlertActionMessage;
  logFields: Record<string, unknown>;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The click as the worker's message, or the answer that ends the request. */
export function parseClick(
  rawBody: Buffer,
  eventId: string | undefined,
  nowMs: number,
  localRun: boolean,
): Step<ClickForm> {
  const bad = (problem: string): Step<ClickForm> => {
    log("warn", "chatops ack: interaction refused", { eventId, problem });
    return { ok: false, answer: plainText(400, problem) };
  };
  const raw = new URLSearchParams(rawBody.toString("utf8")).get("payload");
  if (!raw) return bad("missing form field: payload");
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return bad("payload is not JSON");
  }
  if (!isObj(payload)) return bad("payload is not a JSON object");
  if (payload.type !== "block_actions")
    return bad(`unsupported interaction type ${JSON.stringify(payload.type)}`);
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
  return {
    ok: true,
    value: {
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
        ...(isObj(payload.message) ? { message: payload.message } : {}),
      },
      logFields: { ...logFields, action },
    },
  };
}
