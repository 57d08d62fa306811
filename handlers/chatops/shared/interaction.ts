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
