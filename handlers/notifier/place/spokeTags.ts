// A resource's tags read in its own account: assume the spoke's read role (the coverage reader,
// which the notifier's role may assume), then read them by what the event names:
// - an EC2 resource (by id or EC2 ARN): EC2 DescribeTags filtered on the id. Events often name EC2
//   resources by bare id (sg-..., i-...), and an EC2 ARN's resource type cannot be told from every
//   id prefix, so EC2 keeps its own call rather than building ARNs for the Tagging API.
// - any other resource named by ARN (buckets, KMS keys, Lambda functions, queues, ...): the
//   Resource Groups Tagging API GetResources with ResourceARNList, in the resource's region (the
//   API is regional: https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
// - IAM roles and users (by ARN; a CloudTrail IAM call names them by name, and its finding carries
//   the ARN that name has in the event's account): IAM ListRoleTags / ListUserTags with the name
//   (the ARN's last path segment), because GetResources does not cover IAM
//   (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/supported-services.html).
//   IAM is global: the client is left on the function's own region, which the SDK resolves to its
//   partition's one IAM endpoint (iam.amazonaws.com in aws), whatever region the event names.
// The role's session is kept per account until shortly before it expires.
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient, ListRoleTagsCommand, ListUserTagsCommand } from "@aws-sdk/client-iam";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";

/**
 * The resource a lookup reads: where it is, and its EC2 id (`ec2`) or its ARN (`tagging`, `iam`).
 * An IAM role or user is global: its target names no region.
 */
export type TagTarget =
  | { accountId: string; region: string; resourceId: string; via: "ec2" | "tagging" }
  | { accountId: string; resourceId: string; via: "iam" };

/** How a resource's tags are read, or why they are not. */
export type TagSource =
  { resourceId: string; via: TagTarget["via"]; region?: string; accountId?: string } | { skip: string };

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

const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/;

/** How the tags of the resource named `uid` (an EC2 id or any ARN) are read. */
export function tagSource(uid: string | undefined): TagSource {
  const ec2 = ec2ResourceId(uid);
  if (ec2) return { resourceId: ec2, via: "ec2" };
  const arn = uid ? ARN.exec(uid) : null;
  if (!arn) return { skip: `${uid ?? "the resource"} is neither an EC2 id nor an ARN` };
  if (arn[2] === "iam") {
    // The ARN names the role's or user's own account (arn[4]): that is where its tags are read.
    if (iamPrincipal(uid!)) return { resourceId: uid!, via: "iam", accountId: arn[4] };
    return { skip: `${uid} is an IAM resource other than a role or user (only their tags are read)` };
  }
  // Global ARNs (S3 buckets) name no region: the event's region is the resource's.
  return { resourceId: uid!, via: "tagging", region: arn[3] || undefined };
}

/** The kind and name of an IAM role or user ARN (arn:<partition>:iam::<account>:role/<path/>name). */
export function iamPrincipal(uid: string): { kind: "role" | "user"; name: string } | undefined {
  const m = /^arn:[^:]+:iam::\d{12}:(role|user)\/(?:[^/]+\/)*([^/]+)$/.exec(uid);
  return m ? { kind: m[1] as "role" | "user", name: m[2] } : undefined;
}

/** Options of the lookup: `iamPageSize` sets MaxItems on IAM's tag listings (tests page with it). */
export interface SpokeTagLookupOptions {
  now?: () => number;
  iamPageSize?: number;
}

/** How the owner of `r` is read: by its uid, else by its alternative uid (an ARN beside a name). */
export function resourceTagSource(r: { uid?: string; uid_alt?: string }): TagSource {
  const byUid = tagSource(r.uid);
  const byAlt = "skip" in byUid && r.uid_alt ? tagSource(r.uid_alt) : byUid;
  return "skip" in byAlt ? byUid : byAlt;
}

/** The call that reads the tags of `source`, in words (`npm run routes`, which reads nothing). */
export function tagCallText(source: Exclude<TagSource, { skip: string }>): string {
  if (source.via === "ec2") return "EC2 DescribeTags";
  if (source.via === "tagging") return "the Tagging API's GetResources";
  return iamPrincipal(source.resourceId)?.kind === "user" ? "IAM ListUserTags" : "IAM ListRoleTags";
}

interface Session {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  expiresAt: number;
}

/** The lookup through `roleName` in each account (arn:<partition>:iam::<account>:role/<roleName>). */
export function spokeTagLookup(
  partition: string,
  roleName: string,
  options: SpokeTagLookupOptions = {},
): TagLookup {
  const now = options.now ?? Date.now;
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
    if (target.via === "iam") return iamTags(target.resourceId, credentials, signal, options.iamPageSize);
    if (target.via === "tagging") {
      const tagging = new ResourceGroupsTaggingAPIClient({
        region: target.region,
        credentials,
        maxAttempts: 1,
      });
      try {
        // One ARN: one mapping at most (none when the resource was never tagged), in one page.
        const out = await tagging.send(new GetResourcesCommand({ ResourceARNList: [target.resourceId] }), {
          abortSignal: signal,
        });
        const tags: Record<string, string> = {};
        for (const m of out.ResourceTagMappingList ?? [])
          if (m.ResourceARN === target.resourceId)
            for (const t of m.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
        return tags;
      } finally {
        tagging.destroy();
      }
    }
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

/** An IAM role's or user's tags, every page (IsTruncated and Marker; a role or user holds at most
 * 50 tags, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
async function iamTags(
  arn: string,
  credentials: Session["credentials"],
  signal: AbortSignal,
  pageSize: number | undefined,
): Promise<Record<string, string>> {
  const principal = iamPrincipal(arn);
  if (!principal) throw new Error(`${arn} is not an IAM role or user ARN`);
  const iam = new IAMClient({ credentials, maxAttempts: 1 });
  const sent = { abortSignal: signal };
  try {
    const tags: Record<string, string> = {};
    let Marker: string | undefined;
    do {
      const { name } = principal;
      const page =
        principal.kind === "role"
          ? await iam.send(new ListRoleTagsCommand({ RoleName: name, Marker, MaxItems: pageSize }), sent)
          : await iam.send(new ListUserTagsCommand({ UserName: name, Marker, MaxItems: pageSize }), sent);
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    return tags;
  } finally {
    iam.destroy();
  }
}
