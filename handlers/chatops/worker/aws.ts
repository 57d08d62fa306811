// Credentials for one command: the worker's role assumes the chat-ops role in the target account,
// with RoleSessionName and SourceIdentity slack-<user id>, so the spoke's CloudTrail names the Slack
// user on every call; a source identity, unlike a session name, cannot be changed by the session
// afterwards, and the spokes' trust policies require one
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { RunCall } from "../../shared/deadline";

export interface TempCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Session names allow [\w+=,.@-], 2-64 characters. Slack user ids already fit. */
export function sessionName(userId: string): string {
  return `slack-${userId}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

/**
 * A session tag value as STS accepts it: at most 256 characters of letters, digits, spaces and
 * _ . : / = + - @ (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_know).
 * Anything else becomes "_", so a tag never makes the call fail.
 */
export function sessionTagValue(value: string): string {
  return Array.from(value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, "_"))
    .slice(0, 256)
    .join("");
}

export async function assumeRole(
  roleArn: string,
  userId: string,
  stsRegion: string,
  call: RunCall,
  /** Session tags (keys the role's trust policy allows): CloudTrail's AssumeRole record shows them. */
  tags?: Record<string, string>,
): Promise<TempCredentials> {
  const sts = new STSClient({ region: stsRegion });
  try {
    const out = await call("STS AssumeRole", (abortSignal) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName(userId),
          SourceIdentity: sessionName(userId),
          DurationSeconds: 3600,
          ...(tags
            ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value: sessionTagValue(Value) })) }
            : {}),
        }),
        { abortSignal },
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS returned no credentials for ${roleArn}`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } finally {
    sts.destroy();
  }
}
