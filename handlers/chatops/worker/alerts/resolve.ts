// The first step of a click: the button's value is only a pointer to the alert's record, written
// by the notifier when it posted the alert (handlers/shared/alertRecords.ts). The click acts on the
// record alone: a crafted value points at no record, and a real one can act only on what that
// alert's event did. The record's copy of the alert, not Slack's, is what the outcome updates.
import {
  AlertRecord,
  AlertRecords,
  ALERT_RECORD_DAYS,
  parseAlertPointer,
} from "../../../shared/alertRecords";
import { isDeadlineExceeded, RunCall } from "../../../shared/deadline";
import { errorCode, errorText } from "../../../shared/errors";
import { AlertActionMessage } from "../../shared/interaction";
import { Step, stop } from "../steps";
import { ACTION_LABELS } from "./authorize";

export async function resolveAlert(
  records: AlertRecords | undefined,
  msg: AlertActionMessage,
  call: RunCall,
  logFields: Record<string, unknown>,
): Promise<Step<AlertRecord>> {
  const label = ACTION_LABELS[msg.action];
  const pointer = parseAlertPointer(msg.value);
  if (!pointer.ok)
    return stop("invalid", `Sorry, ${label} was not run: ${pointer.error}. Nothing was changed.`);
  logFields.alertRecord = pointer.id;
  if (!records)
    return stop(
      "denied",
      `Sorry, ${label} is not enabled: the hub's chat-ops settings have no alert actions.`,
    );
  let record: AlertRecord | undefined;
  try {
    record = await records.get(pointer.id, call);
  } catch (err) {
    logFields.error = errorText(err);
    return isDeadlineExceeded(err)
      ? stop("unanswered", `Sorry, ${label} stopped: ${(err as Error).message}. Nothing was changed.`)
      : stop(
          "aws-error",
          `Sorry, ${label} could not read the alert's record (${errorCode(err) ?? "Error"}). Nothing was changed; please try again later.`,
        );
  }
  if (!record)
    return stop(
      "invalid",
      `Sorry, ${label} was not run: this alert has no record of what it may act on (it was not posted by the guard, ` +
        `or it is older than ${ALERT_RECORD_DAYS} days). Nothing was changed.`,
    );
  if (record.incidentKey) logFields.incident = record.incidentKey;
  return { ok: true, value: record };
}
