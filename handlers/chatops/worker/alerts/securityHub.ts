// Write-back to Security Hub: when an alert came from a Security Hub finding, Acknowledge sets the
// finding's workflow status to NOTIFIED and Mute to SUPPRESSED, with a note naming who and why, so
// the console agrees with Slack. The finding's Id and ProductArn come from the alert's record (never
// from the click), and the call runs with the alert-actions role's session assumed as the Slack user
// (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html). The note
// holds at most 512 characters.
// A finding of the new Security Hub, in OCSF, is updated the same way through BatchUpdateFindingsV2,
// by its metadata.uid (globally unique), with OCSF status ids and the note as its comment
// (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindingsV2.html). Both
// calls are authorized as the IAM action securityhub:BatchUpdateFindings.
import {
  BatchUpdateFindingsCommand,
  BatchUpdateFindingsV2Command,
  SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { AlertRef } from "../../../shared/alertActions";
import { isDeadlineExceeded, RunCall } from "../../../shared/deadline";
import { errorCode, errorText } from "../../../shared/errors";
import { TempCredentials } from "../aws";
import { escapeSlack } from "../format";

export const WORKFLOW_STATUS = { acknowledge: "NOTIFIED", mute: "SUPPRESSED" } as const;
/** OCSF status_id and its name (https://schema.ocsf.io/1.6.0/classes/detection_finding): In Progress, Suppressed. */
export const OCSF_STATUS = {
  acknowledge: { id: 2, name: "In Progress" },
  mute: { id: 3, name: "Suppressed" },
} as const;
const MAX_NOTE_CHARS = 512;

const cut = (s: string, max: number): string => Array.from(s).slice(0, max).join("");

/** The note on the finding: who decided, and why. */
export function findingNote(
  action: keyof typeof WORKFLOW_STATUS,
  who: { userId: string; userName?: string },
  why: string,
): string {
  const name = who.userName ? `${who.userName} (${who.userId})` : who.userId;
  const verb = action === "acknowledge" ? "Acknowledged" : "Suppressed";
  return cut(`${verb} in Slack by ${name}: ${why}`, MAX_NOTE_CHARS);
}

type WriteBackArgs = {
  action: keyof typeof WORKFLOW_STATUS;
  ref: AlertRef;
  credentials: TempCredentials;
  userId: string;
  userName?: string;
  why: string;
  call: RunCall;
  logFields: Record<string, unknown>;
};

/** Sets the finding's workflow status; returns the sentence the user sees (success or failure). */
export async function writeBackToSecurityHub(args: WriteBackArgs): Promise<string> {
  const finding = args.ref.securityHubFinding;
  if (finding) {
    const status = WORKFLOW_STATUS[args.action];
    return update(
      args,
      "BatchUpdateFindings",
      status,
      `the finding's workflow status is now ${status}`,
      (hub, abortSignal) =>
        hub.send(
          new BatchUpdateFindingsCommand({
            FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
            Workflow: { Status: status },
            Note: { Text: findingNote(args.action, args, args.why), UpdatedBy: `slack-${args.userId}` },
          }),
          { abortSignal },
        ),
    );
  }
  const uid = args.ref.securityHubOcsfUid;
  if (!uid) return "";
  // The OCSF finding's status, through BatchUpdateFindingsV2 in the finding's Region.
  const status = OCSF_STATUS[args.action];
  return update(
    args,
    "BatchUpdateFindingsV2",
    status.name,
    `the finding's status is now ${status.name}`,
    (hub, abortSignal) =>
      hub.send(
        new BatchUpdateFindingsV2Command({
          MetadataUids: [uid],
          StatusId: status.id,
          Comment: findingNote(args.action, args, args.why),
        }),
        { abortSignal },
      ),
  );
}

/** One update call in the finding's Region, its outcome logged and told in one sentence. */
async function update(
  args: WriteBackArgs,
  operation: string,
  logged: string,
  done: string,
  send: (
    hub: SecurityHubClient,
    abortSignal: AbortSignal,
  ) => Promise<{ UnprocessedFindings?: Array<{ ErrorCode?: string; ErrorMessage?: string }> }>,
): Promise<string> {
  const hub = new SecurityHubClient({
    region: args.ref.region,
    credentials: args.credentials,
    maxAttempts: 2,
  });
  try {
    const out = await args.call(`Security Hub ${operation}`, (abortSignal) => send(hub, abortSignal));
    const failed = out.UnprocessedFindings?.[0];
    if (failed) {
      args.logFields.securityHub = `unprocessed: ${failed.ErrorCode ?? "?"}`;
      return ` Security Hub was not updated (${escapeSlack(failed.ErrorCode ?? "Error")}: ${escapeSlack(
        cut(failed.ErrorMessage ?? "unprocessed", 200),
      )}).`;
    }
    args.logFields.securityHub = logged;
    return ` Security Hub: ${done}.`;
  } catch (err) {
    args.logFields.securityHub = `failed: ${errorText(err)}`;
    return isDeadlineExceeded(err)
      ? ` Security Hub was not updated: ${escapeSlack((err as Error).message)}.`
      : ` Security Hub was not updated (${escapeSlack(errorCode(err) ?? "Error")}).`;
  } finally {
    hub.destroy();
  }
}
