// The Exempt dialog's submission (view_submission,
// https://api.slack.com/reference/interaction-payloads/views#view_submission): verified like any
// interaction, then read here. A missing or too long reason, a user who is not an operator, or
// private_metadata that does not read back keeps the dialog open with the error under the reason
// (response_action "errors"); nothing is queued. What it points at (account, region, group) is
// checked by the worker exactly like a click's button value.
import { log } from "../../shared/log";
import {
  DEFAULT_EXEMPTION_DAYS,
  EXEMPT_DAYS_ACTION,
  EXEMPT_DAYS_BLOCK,
  EXEMPT_MODAL_CALLBACK_ID,
  EXEMPT_REASON_ACTION,
  EXEMPT_REASON_BLOCK,
  MAX_EXEMPT_REASON_CHARS,
  ExemptionDays,
} from "../../shared/alertActions";
import { responseUrlProblem } from "../shared/command";
import { ALERT_ACTION_MESSAGE_TYPE } from "../shared/interaction";
import { decodeDialogState } from "./exemptModal";
import { ClickForm } from "./interaction";
import { dialogError, plainText, Step } from "./reply";

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The submission as the worker's Exempt message (with the typed reason), or the answer that ends the request. */
export function parseSubmission(
  payload: Record<string, unknown>,
  eventId: string | undefined,
  nowMs: number,
  localRun: boolean,
  operators: readonly string[],
  days: ExemptionDays = DEFAULT_EXEMPTION_DAYS,
): Step<ClickForm> {
  const view = isObj(payload.view) ? payload.view : {};
  const user = isObj(payload.user) ? payload.user : {};
  const team = isObj(payload.team) ? payload.team : {};
  const userId = text(user.id);
  const teamId = text(team.id) ?? text(user.team_id);
  const logFields = { eventId, userId, callbackId: view.callback_id, action: "exempt" };
  if (view.callback_id !== EXEMPT_MODAL_CALLBACK_ID || !userId || !teamId) {
    const problem =
      view.callback_id !== EXEMPT_MODAL_CALLBACK_ID
        ? `unknown dialog callback_id ${JSON.stringify(view.callback_id)}`
        : `payload lacks ${[!userId && "user.id", !teamId && "team.id"].filter(Boolean).join(", ")}`;
    log("warn", "chatops ack: interaction refused", { ...logFields, problem });
    return { ok: false, answer: plainText(400, problem) };
  }
  const keepOpen = (
    outcome: string,
    problem: string,
    shown: string,
    block = EXEMPT_REASON_BLOCK,
  ): Step<ClickForm> => {
    log("warn", "chatops ack: exempt dialog refused", { ...logFields, outcome, problem });
    return { ok: false, answer: dialogError(block, shown) };
  };
  const state = decodeDialogState(view.private_metadata);
  if (!state.ok)
    return keepOpen(
      "invalid",
      state.error,
      `This dialog cannot be used (${state.error}); nothing was changed.`,
    );
  const urlProblem = responseUrlProblem(state.state.responseUrl, localRun);
  if (urlProblem)
    return keepOpen(
      "invalid",
      urlProblem,
      `This dialog cannot be used (${urlProblem}); nothing was changed.`,
    );
  if (!operators.includes(userId))
    return keepOpen(
      "denied",
      "not an operator",
      "Exempt needs operator access in the hub's chat-ops config; nothing was changed.",
    );
  const values = isObj(view.state) && isObj(view.state.values) ? view.state.values : {};
  const block = isObj(values[EXEMPT_REASON_BLOCK]) ? values[EXEMPT_REASON_BLOCK] : {};
  const input = isObj(block[EXEMPT_REASON_ACTION]) ? block[EXEMPT_REASON_ACTION] : {};
  const reason = typeof input.value === "string" ? input.value.trim() : "";
  if (!reason) return keepOpen("invalid", "empty reason", "Enter a reason for the exemption.");
  // Code points, as EC2 counts a tag value's characters (a UTF-16 length counts an emoji twice).
  const length = Array.from(reason).length;
  if (length > MAX_EXEMPT_REASON_CHARS)
    return keepOpen(
      "invalid",
      `reason of ${length} characters`,
      `The reason is ${length} characters; at most ${MAX_EXEMPT_REASON_CHARS} fit in the group's tag.`,
    );
  // Absent (an older dialog): the configured default; otherwise 1 to max whole days.
  const daysBlock = isObj(values[EXEMPT_DAYS_BLOCK]) ? values[EXEMPT_DAYS_BLOCK] : {};
  const daysInput = isObj(daysBlock[EXEMPT_DAYS_ACTION]) ? daysBlock[EXEMPT_DAYS_ACTION] : undefined;
  const typedDays = typeof daysInput?.value === "string" ? daysInput.value.trim() : "";
  const expiryDays = typedDays === "" ? days.defaultDays : Number(typedDays);
  if (
    !/^\d*$/.test(typedDays) ||
    !Number.isInteger(expiryDays) ||
    expiryDays < 1 ||
    expiryDays > days.maxDays
  )
    return keepOpen(
      "invalid",
      `expiry of ${JSON.stringify(typedDays)} days`,
      `An exemption lasts 1 to ${days.maxDays} whole days.`,
      EXEMPT_DAYS_BLOCK,
    );
  const userName = text(user.username) ?? text(user.name);
  const { value, responseUrl, channelId, messageTs } = state.state;
  return {
    ok: true,
    value: {
      message: {
        version: 1,
        type: ALERT_ACTION_MESSAGE_TYPE,
        receivedAt: new Date(nowMs).toISOString(),
        userId,
        ...(userName ? { userName } : {}),
        teamId,
        ...(channelId ? { channelId } : {}),
        action: "exempt",
        value,
        reason,
        expiryDays,
        responseUrl,
      },
      ...(messageTs ? { messageTs } : {}),
      logFields,
    },
  };
}
