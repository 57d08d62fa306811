// Publishes a RemediationReport to the hub bus, where the notifier's rule sends it to Slack.
// PutEvents can accept the call yet reject an entry (FailedEntryCount > 0, per-entry ErrorCode):
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE } from "../shared/constants";
import type { RemediationReport } from "../shared/remediationReport";
import { errorText } from "../shared/errors";
import { remediationError } from "./errors";
import type { Deadline } from "../shared/deadline";
import { callWith } from "./context";
import { RetryOptions, clientConfig } from "./retry";

/** Region of a bus ARN (PutEvents must be sent to the bus's region), or undefined for a bus name. */
export function busRegion(bus: string): string | undefined {
  const m = /^arn:[^:]+:events:([^:]+):\d{12}:event-bus\/.+$/.exec(bus);
  return m ? m[1] : undefined;
}

export async function publishReport(
  report: RemediationReport,
  opts: {
    reportBus: string;
    partition: string;
    retry: RetryOptions;
    requestTimeoutMs: number;
    deadline: Deadline;
    logFields: Record<string, unknown>;
  },
): Promise<string> {
  const region = busRegion(opts.reportBus);
  const client = new EventBridgeClient({
    ...clientConfig(opts.requestTimeoutMs),
    ...(region ? { region } : {}),
  });
  const groupArn = `arn:${opts.partition}:ec2:${report.region}:${report.accountId}:security-group/${report.groupId}`;
  try {
    const call = callWith(opts.deadline, opts.retry, opts.requestTimeoutMs, opts.logFields);
    return await call("report", "events:PutEvents", async (abortSignal) => {
      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: opts.reportBus,
              Source: REMEDIATION_EVENT_SOURCE,
              DetailType: REMEDIATION_DETAIL_TYPE,
              Detail: JSON.stringify(report),
              Resources: [groupArn],
            },
          ],
        }),
        { abortSignal },
      );
      const entry = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
        // Name the error after the entry's code so throttling/internal failures are retried.
        const err = new Error(
          `bus ${opts.reportBus} did not accept the report: ${entry?.ErrorCode ?? "no EventId"}: ${entry?.ErrorMessage ?? ""}`.trim(),
        );
        err.name = entry?.ErrorCode ?? "PutEventsEntryFailed";
        throw err;
      }
      return entry.EventId;
    });
  } catch (err) {
    throw remediationError("report", report, `PutEvents to ${opts.reportBus}: ${errorText(err)}`, err);
  } finally {
    client.destroy();
  }
}
