// Every click is reported to the hub's event bus (source security-guard.chat-ops), so actions on
// alerts reach the same places as the guard's other findings, next to the spoke's CloudTrail
// record of the assumed-role calls (whose source identity names the Slack user).
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { RunCall } from "../../../shared/deadline";

export const ALERT_ACTION_EVENT_SOURCE = "security-guard.chat-ops";
export const ALERT_ACTION_DETAIL_TYPE = "Slack Alert Action";

export interface AlertActionReport {
  action: string;
  outcome: string;
  userId: string;
  userName?: string;
  accountId?: string;
  region?: string;
  groupId?: string;
  /** Alerts other than security-group ones: the resource id or ARN they name. */
  resource?: string;
  eventName?: string;
  alertEventId?: string;
  text: string;
}

function regionOfBus(bus: string): string | undefined {
  const parts = bus.split(":");
  return parts.length >= 6 && parts[0] === "arn" ? parts[3] : undefined;
}

export async function reportAction(bus: string, report: AlertActionReport, call: RunCall): Promise<void> {
  const eb = new EventBridgeClient({ region: regionOfBus(bus) });
  try {
    const out = await call("EventBridge PutEvents", (abortSignal) =>
      eb.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: bus,
              Source: ALERT_ACTION_EVENT_SOURCE,
              DetailType: ALERT_ACTION_DETAIL_TYPE,
              Detail: JSON.stringify(report),
            },
          ],
        }),
        { abortSignal },
      ),
    );
    const failed = out.Entries?.[0]?.ErrorCode;
    if (out.FailedEntryCount || failed)
      throw new Error(`PutEvents refused the report: ${failed ?? "unknown error"}`);
  } finally {
    eb.destroy();
  }
}
