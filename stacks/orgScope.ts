// How hub resource policies name "any account of ours": one aws:PrincipalOrgID condition in
// organization mode (constant size however many accounts join), or the explicit list of member
// account roots in account-list mode.
import { HubConfig } from "./configSchema";
import { Statement } from "./iam";

export function orgCondition(config: HubConfig): Record<string, string> | undefined {
  return config.organizationId ? { "aws:PrincipalOrgID": config.organizationId } : undefined;
}

export function memberRoots(config: HubConfig, partition: string): string[] {
  return [...new Set([config.accountId, ...config.memberAccounts])].map(
    (id) => `arn:${partition}:iam::${id}:root`,
  );
}

/** Principal + Condition for "any principal of our accounts". */
export function orgPrincipal(config: HubConfig, partition: string) {
  const cond = orgCondition(config);
  return cond
    ? { Principal: "*" as const, Condition: { StringEquals: cond } }
    : { Principal: { AWS: memberRoots(config, partition) } };
}

/** Condition for AWS service principals acting for one of our accounts (confused deputy). */
export function serviceSourceCondition(config: HubConfig): Record<string, Record<string, string | string[]>> {
  return config.organizationId
    ? { StringEquals: { "aws:SourceOrgID": config.organizationId } }
    : { StringEquals: { "aws:SourceAccount": [...new Set([config.accountId, ...config.memberAccounts])] } };
}

/** Lets a hub function assume the named roles in every account of ours (and nowhere else). */
export function assumeSpokeRoles(
  config: HubConfig,
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
