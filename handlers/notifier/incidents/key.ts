// The incident key of a signal: AWS's own correlation when the signal carries one (one attack
// sequence, one exposure finding: one incident), else the resource it is about, in its account and
// region. The resource is named by its id, so the CloudTrail call (sg-0abc), the Config verdict
// (sg-0abc) and the Security Hub finding (arn:aws:ec2:...:security-group/sg-0abc) about one
// security group share a key.
import type { IncidentSignal } from "./signal";

/** An ARN's resource id ("arn:aws:ec2:r:a:security-group/sg-1" -> "sg-1"); other uids unchanged. */
export function resourceId(uid: string): string {
  if (!uid.startsWith("arn:")) return uid;
  const resource = uid.split(":").slice(5).join(":");
  // S3 bucket ARNs carry no type ("arn:aws:s3:::bucket"); IAM paths ("role/path/name") keep the name.
  const slash = resource.lastIndexOf("/");
  return slash >= 0 ? resource.slice(slash + 1) : resource;
}

/** The account and region of an ARN, when it names them. */
function arnScope(uid: string): { account?: string; region?: string } {
  if (!uid.startsWith("arn:")) return {};
  const parts = uid.split(":");
  return { region: parts[3] || undefined, account: parts[4] || undefined };
}

/**
 * The incident key of a signal, or undefined when it names neither a correlation nor a resource
 * (such a signal is posted on its own, as before).
 */
export function incidentKey(signal: IncidentSignal): string | undefined {
  if (signal.correlation) return `${signal.correlation.kind}#${signal.correlation.uid}`;
  const r = signal.resource;
  if (!r?.uid) return undefined;
  const scope = arnScope(r.uid);
  const account = r.account ?? scope.account ?? "";
  const region = r.region ?? scope.region ?? "";
  return `resource#${account}#${region}#${resourceId(r.uid)}`;
}

/** The key of an alias: a member finding of a correlation points at the correlation's incident. */
export function aliasKey(findingUid: string): string {
  return `member#${findingUid}`;
}
