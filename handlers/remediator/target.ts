// Names derived from the group being remediated: the spoke role to assume, the STS session name,
// and the fields every report about the group starts with.
import type { SecurityGroup } from "@aws-sdk/client-ec2";
import type { RemediationReport, RevokedPermission } from "../shared/remediationReport";
import { describePermissions } from "./permissions";
import type { RemediationRequest } from "./triggers";

/** A report without its decision (outcome, permissions, reason). */
export type ReportBase = Omit<RemediationReport, "outcome" | "permissions" | "reason">;

/** RoleSessionName: 2-64 chars of [\w+=,.@-] (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
export function roleSessionName(eventId: string | undefined): string {
  const prefix = "security-guard-remediation-";
  const id = (eventId ?? `t${Date.now()}`).replace(/[^\w+=,.@-]/g, "").slice(0, 64 - prefix.length);
  return prefix + (id || `t${Date.now()}`.slice(0, 64 - prefix.length));
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** "sg-123 (account 210987654321, ap-northeast-2)" for reasons. */
export function groupWhere(req: RemediationRequest): string {
  return `${req.groupId} (account ${req.accountId}, ${req.region})`;
}

export function reportBase(req: RemediationRequest): ReportBase {
  return {
    accountId: req.accountId,
    region: req.region,
    groupId: req.groupId,
    trigger: req.trigger,
    ...(req.openedBy ? { openedBy: req.openedBy } : {}),
    ...(req.openedAt ? { openedAt: req.openedAt } : {}),
  };
}

/** The base with the group's name and VPC, once EC2 has described it. */
export function namedBase(base: ReportBase, group: SecurityGroup): ReportBase {
  return {
    ...base,
    ...(group.GroupName ? { groupName: group.GroupName } : {}),
    ...(group.VpcId ? { vpcId: group.VpcId } : {}),
  };
}

/** Permissions, additions and reason of a "revoked" report (the same on a retry from the record). */
export function revokedReason(c: {
  revoked: RevokedPermission[];
  added: RevokedPermission[];
  otherProtocolsClosed: string[];
}): Pick<RemediationReport, "permissions" | "added" | "reason"> {
  let reason = `revoked ${describePermissions(c.revoked)}`;
  if (c.added.length > 0) reason += `; kept the other ports open: added ${describePermissions(c.added)}`;
  if (c.otherProtocolsClosed.length > 0)
    reason += `; IP protocols other than TCP, UDP and ICMP are no longer allowed from ${c.otherProtocolsClosed.join(", ")}`;
  return { permissions: c.revoked, ...(c.added.length > 0 ? { added: c.added } : {}), reason };
}
