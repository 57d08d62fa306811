// How hub resource policies name "any account of ours": one aws:PrincipalOrgID condition in
// organization mode (constant size however many accounts join), or the explicit list of member
// account roots in account-list mode.
import type { OrgScope } from "./hubPlacement";
import { Statement } from "./iam";

export function orgCondition(config: OrgScope): Record<string, string> | undefined {
  return config.organizationId ? { "aws:PrincipalOrgID": config.organizationId } : undefined;
}

export function memberRoots(config: OrgScope, partition: string): string[] {
  return [...new Set([config.accountId, ...config.memberAccounts])].map(
    (id) => `arn:${partition}:iam::${id}:root`,
  );
}

/**
 * Principal + Condition for "one named role of the guard, in any account of ours": the spokes'
 * forwarder or Config role, not every principal of the organization (which could otherwise forge
 * Slack messages or remediation reports). aws:PrincipalArn names the role, not its session, and
 * does not need the role to exist when the policy is written
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */
export function orgRolePrincipal(
  config: OrgScope,
  partition: string,
  roleName: string,
): Pick<Statement, "Principal" | "Condition"> {
  const roleArn = `arn:${partition}:iam::*:role/${roleName}`;
  const cond = orgCondition(config);
  return cond
    ? {
        Principal: "*" as const,
        Condition: { StringEquals: cond, ArnLike: { "aws:PrincipalArn": roleArn } },
      }
    : {
        Principal: { AWS: memberRoots(config, partition) },
        Condition: { ArnLike: { "aws:PrincipalArn": roleArn } },
      };
}

/** Condition for AWS service principals acting for one of our accounts (confused deputy). */
export function serviceSourceCondition(config: OrgScope): Record<string, Record<string, string | string[]>> {
  return config.organizationId
    ? { StringEquals: { "aws:SourceOrgID": config.organizationId } }
    : { StringEquals: { "aws:SourceAccount": [...new Set([config.accountId, ...config.memberAccounts])] } };
}

/** Accounts whose CloudWatch alarms may publish to the hub's alarm topic (see hubTopics). */
export function alarmAccounts(config: OrgScope): string[] {
  return config.organizationId
    ? [config.accountId]
    : [...new Set([config.accountId, ...config.memberAccounts])];
}

/** aws:SourceAccount and aws:SourceArn, the keys CloudWatch alarm actions carry. */
export function alarmSourceCondition(config: OrgScope, partition: string) {
  const accounts = alarmAccounts(config);
  return {
    StringEquals: { "aws:SourceAccount": accounts.length === 1 ? accounts[0] : accounts },
    ArnLike: { "aws:SourceArn": accounts.map((a) => `arn:${partition}:cloudwatch:*:${a}:alarm:*`) },
  };
}

/** Lets a hub function assume the named roles in every account of ours (and nowhere else). */
export function assumeSpokeRoles(
  config: OrgScope,
  partition: string,
  roleNames: string[],
  actions: string[] = ["sts:AssumeRole"],
): Statement {
  const Action = actions.length === 1 ? actions[0] : actions;
  if (config.organizationId) {
    return {
      Sid: "AssumeSpokeRoles",
      Effect: "Allow",
      Action,
      Resource: roleNames.map((r) => `arn:${partition}:iam::*:role/${r}`),
      Condition: { StringEquals: { "aws:ResourceOrgID": config.organizationId } },
    };
  }
  const accounts = [...new Set([config.accountId, ...config.memberAccounts])];
  return {
    Sid: "AssumeSpokeRoles",
    Effect: "Allow",
    Action,
    Resource: accounts.flatMap((a) => roleNames.map((r) => `arn:${partition}:iam::${a}:role/${r}`)),
  };
}
