// Mute and Acknowledge change nothing in a spoke, but they are still decisions someone made: the
// worker assumes the hub's alert-actions role as the Slack user (RoleSessionName and
// SourceIdentity slack-<user id>) with session tags naming the action and the alert, so the hub's
// CloudTrail AssumeRole record says who did what to which alert
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). Mute writes its item
// with these credentials; Acknowledge's record is the AssumeRole itself.
import { AlertRef } from "../../../shared/alertActions";
import { errorCode, errorText } from "../../../shared/errors";
import { isDeadlineExceeded, RunCall } from "../../../shared/deadline";
import { assumeRole, sessionName, TempCredentials } from "../aws";
import { ACTION_LABELS } from "./authorize";
import { ActionResult } from "./context";

/** The session tag keys the role's trust policy allows (sts:TagSession, aws:TagKeys). */
export const ALERT_SESSION_TAG_KEYS = ["action", "alert"] as const;

export type HubAction = "mute" | "acknowledge";

/** Which alert: account, region, event name and the event id (or the resource when there is none). */
export function alertTag(ref: AlertRef): string {
  return [
    ref.accountId,
    ref.region,
    ref.eventName ?? ref.kind,
    ref.eventId ?? ref.groupId ?? ref.resource ?? "-",
  ].join("/");
}

export function sessionTags(
  action: HubAction,
  ref: AlertRef,
): Record<(typeof ALERT_SESSION_TAG_KEYS)[number], string> {
  return { action, alert: alertTag(ref) };
}

export type HubSession = { ok: true; credentials: TempCredentials } | { ok: false; result: ActionResult };

export async function assumeForAlert(
  roleArn: string,
  action: HubAction,
  ref: AlertRef,
  userId: string,
  stsRegion: string,
  call: RunCall,
  logFields: Record<string, unknown>,
): Promise<HubSession> {
  const label = ACTION_LABELS[action];
  try {
    const credentials = await assumeRole(roleArn, userId, stsRegion, call, sessionTags(action, ref));
    return { ok: true, credentials };
  } catch (err) {
    logFields.error = errorText(err);
    const who = sessionName(userId);
    if (isDeadlineExceeded(err))
      return {
        ok: false,
        result: {
          outcome: "unanswered",
          text: `Sorry, ${label} was not run: STS AssumeRole of ${roleArn} as ${who} stopped: ${(err as Error).message}. Nothing was changed; please try again later.`,
        },
      };
    return {
      ok: false,
      result: {
        outcome: "aws-error",
        text: `Sorry, ${label} was not run: STS AssumeRole of ${roleArn} as ${who} failed (${errorCode(err) ?? "Error"}). Nothing was changed; please try again later.`,
      },
    };
  }
}
