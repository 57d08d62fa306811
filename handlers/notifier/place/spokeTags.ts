// A resource's tags read in its own account: assume the spoke's read role (the coverage reader,
// which the notifier's role may assume), then EC2 DescribeTags filtered on the resource id. EC2's
// own call covers every EC2 resource (security groups, instances, volumes, interfaces, VPCs), the
// resources most alerts are about, with one read permission in the spoke. The role's session is
// kept per account until shortly before it expires.
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeTagsCommand, EC2Client } from "@aws-sdk/client-ec2";

/** The resource a lookup reads: where it is and its EC2 id. */
export interface TagTarget {
  accountId: string;
  region: string;
  resourceId: string;
}

/** Reads a resource's tags; `signal` aborts the calls (the caller's deadline). */
export type TagLookup = (target: TagTarget, signal: AbortSignal) => Promise<Record<string, string>>;

// EC2 resource ids ("sg-0123abcd", "i-0123456789abcdef0"): a prefix, a dash, 8 or 17 hex digits
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html).
const EC2_ID = /^[a-z]{1,12}(-[a-z]{1,12})?-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** The EC2 id of a resource named by id or by EC2 ARN, or undefined when it is no EC2 resource. */
export function ec2ResourceId(uid: string | undefined): string | undefined {
  if (!uid) return undefined;
  const arn = /^arn:[^:]+:ec2:[^:]*:[^:]*:[a-z-]+\/(.+)$/.exec(uid);
  const id = arn ? arn[1] : uid;
  return EC2_ID.test(id) ? id : undefined;
}

interface Session {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  expiresAt: number;
}

/** The lookup through `roleName` in each account (arn:<partition>:iam::<account>:role/<roleName>). */
export function spokeTagLookup(partition: string, roleName: string, now: () => number = Date.now): TagLookup {
  const sessions = new Map<string, Promise<Session>>();
  const session = (accountId: string, signal: AbortSignal): Promise<Session> => {
    const held = sessions.get(accountId);
    if (held) return held;
    const sts = new STSClient({ maxAttempts: 1 });
    const arn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
    const made = sts
      .send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "security-guard-notifier" }), {
        abortSignal: signal,
      })
      .then((out) => {
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error(`AssumeRole ${arn} returned no credentials`);
        // Renewed 5 minutes before the session ends (1 hour by default).
        const ends = c.Expiration ? c.Expiration.getTime() : now() + 3600_000;
        return {
          credentials: {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
          },
          expiresAt: ends - 300_000,
        };
      })
      .catch((err: unknown) => {
        throw new Error(`cannot assume ${arn}: ${(err as Error).message ?? String(err)}`);
      })
      .finally(() => sts.destroy());
    sessions.set(accountId, made);
    made.then(
      (s) => setTimeout(() => sessions.delete(accountId), Math.max(0, s.expiresAt - now())).unref(),
      () => sessions.delete(accountId),
    );
    return made;
  };
  return async (target, signal) => {
    const { credentials } = await session(target.accountId, signal);
    const ec2 = new EC2Client({ region: target.region, credentials, maxAttempts: 1 });
    try {
      const tags: Record<string, string> = {};
      let NextToken: string | undefined;
      do {
        const page = await ec2.send(
          new DescribeTagsCommand({
            Filters: [{ Name: "resource-id", Values: [target.resourceId] }],
            NextToken,
          }),
          { abortSignal: signal },
        );
        for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
        NextToken = page.NextToken;
      } while (NextToken);
      return tags;
    } finally {
      ec2.destroy();
    }
  };
}
