// The contract between the ack and the worker for a click on an alert's button: the SNS message
// the ack publishes after verifying Slack's signed interaction payload
// (https://api.slack.com/reference/interaction-payloads/block-actions). Keep this file free of
// imports beyond the shared button definitions: it is on the ack's cold-start path.
import { ALERT_ACTIONS, AlertAction } from "../../shared/alertActions";

export const ALERT_ACTION_MESSAGE_TYPE = "alert-action";

export interface AlertActionMessage {
  version: 1;
  type: typeof ALERT_ACTION_MESSAGE_TYPE;
  /** When the ack received the click (ISO 8601); response_url is valid for 30 minutes after it. */
  receivedAt: string;
  userId: string;
  /** Display only. */
  userName?: string;
  teamId: string;
  channelId?: string;
  action: AlertAction;
  /** The button's value as Slack sent it: the worker validates it (parseAlertRef). */
  value: string;
  /** The exemption reason typed in the modal, when there was one. */
  reason?: string;
  /** The exemption's expiry in days chosen in the dialog (absent: the configured default). */
  expiryDays?: number;
  /** Exempt without the reason dialog: why it was not shown (the outcome says so). */
  modalSkipped?: string;
  responseUrl: string;
  // No copy of the alert: the worker rebuilds it from the alert's record (Slack's copy could be
  // crafted and could take the message past SNS's 256 KB).
}

/** The action named by a button's action_id, or undefined for a button that is not ours. */
export function actionOf(actionId: unknown): AlertAction | undefined {
  for (const [action, id] of Object.entries(ALERT_ACTIONS)) if (id === actionId) return action as AlertAction;
  return undefined;
}

/** Whether an SNS message body is an alert action (the worker also serves slash commands). */
export function isAlertActionBody(body: string): boolean {
  try {
    const v = JSON.parse(body) as { type?: unknown };
    return typeof v === "object" && v !== null && v.type === ALERT_ACTION_MESSAGE_TYPE;
  } catch {
    return false;
  }
}

/** Checks an SNS message body against AlertActionMessage, naming every bad field. */
export function parseAlertActionMessage(body: string): AlertActionMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new Error(`alert action message is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("alert action message is not a JSON object");
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  if (m.version !== 1) problems.push(`version must be 1 (got ${JSON.stringify(m.version)})`);
  if (m.type !== ALERT_ACTION_MESSAGE_TYPE) problems.push(`type must be ${ALERT_ACTION_MESSAGE_TYPE}`);
  for (const key of ["receivedAt", "userId", "teamId", "value", "responseUrl"]) {
    if (typeof m[key] !== "string" || m[key] === "") problems.push(`${key} must be a non-empty string`);
  }
  if (typeof m.receivedAt === "string" && Number.isNaN(Date.parse(m.receivedAt)))
    problems.push(`receivedAt is not a date: ${JSON.stringify(m.receivedAt)}`);
  if (typeof m.action !== "string" || !Object.prototype.hasOwnProperty.call(ALERT_ACTIONS, m.action))
    problems.push(`action must be one of ${Object.keys(ALERT_ACTIONS).join(", ")}`);
  for (const key of ["userName", "channelId", "reason", "modalSkipped"])
    if (m[key] !== undefined && typeof m[key] !== "string") problems.push(`${key} must be a string`);
  if (m.expiryDays !== undefined && !(Number.isInteger(m.expiryDays) && (m.expiryDays as number) >= 1))
    problems.push("expiryDays must be a whole number of days >= 1");
  if (problems.length) throw new Error(`invalid alert action message: ${problems.join("; ")}`);
  // Clicks queued by an earlier ack carry Slack's copy of the alert: it is not used.
  delete m.message;
  return m as unknown as AlertActionMessage;
}
