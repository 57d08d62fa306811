// Step: read the group as EC2 has it now (the triggering event's rule list may be stale or
// partial), the entries of the managed prefix lists its SSH permissions name, and the ids of its
// rules for the report.
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  SecurityGroup,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { errorCode, errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import { PrefixLists, prefixListsToResolve } from "./permissions";

/** The group, or undefined when EC2 says it does not exist. `step` names the failure. */
export async function readGroup(
  ec2: EC2Client,
  ctx: StepContext,
  step: "describe-group" | "verify",
): Promise<SecurityGroup | undefined> {
  const groupId = ctx.target.groupId;
  try {
    const out = await ctx.call(step, "ec2:DescribeSecurityGroups", (abortSignal) =>
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }), { abortSignal }),
    );
    return out.SecurityGroups?.find((g) => g.GroupId === groupId);
  } catch (err) {
    if (errorCode(err) === "InvalidGroup.NotFound") return undefined;
    const what = step === "verify" ? "DescribeSecurityGroups after revoke" : "DescribeSecurityGroups";
    throw remediationError(step, ctx.target, `${what}: ${errorText(err)}`, err);
  }
}

/**
 * The CIDRs of each managed prefix list on a permission that covers port 22
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html).
 * A list that cannot be read fails the step: deciding without it could miss 0.0.0.0/0.
 */
export async function readPrefixLists(
  ec2: EC2Client,
  ctx: StepContext,
  group: SecurityGroup,
): Promise<PrefixLists> {
  const lists = new Map<string, string[]>();
  for (const id of prefixListsToResolve(group.IpPermissions)) {
    const cidrs: string[] = [];
    try {
      let token: string | undefined;
      do {
        const out = await ctx.call("read-prefix-list", "ec2:GetManagedPrefixListEntries", (abortSignal) =>
          ec2.send(
            new GetManagedPrefixListEntriesCommand({ PrefixListId: id, NextToken: token, MaxResults: 100 }),
            { abortSignal },
          ),
        );
        for (const e of out.Entries ?? []) if (e.Cidr) cidrs.push(e.Cidr);
        token = out.NextToken;
      } while (token);
    } catch (err) {
      throw remediationError(
        "read-prefix-list",
        ctx.target,
        `GetManagedPrefixListEntries ${id}: ${errorText(err)}`,
        err,
      );
    }
    lists.set(id, cidrs);
  }
  return lists;
}

/**
 * Rule ids for the report only: if this call fails the remediation still goes ahead (the ids are
 * a convenience for the reader), and the failure is logged. It may use a quarter of the time left,
 * so a hung call cannot starve the change itself.
 */
export async function readRules(ec2: EC2Client, ctx: StepContext): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  try {
    let token: string | undefined;
    const capMs = ctx.remainingMs() / 4;
    do {
      const out = await ctx.call(
        undefined,
        "ec2:DescribeSecurityGroupRules",
        (abortSignal) =>
          ec2.send(
            new DescribeSecurityGroupRulesCommand({
              Filters: [{ Name: "group-id", Values: [ctx.target.groupId] }],
              NextToken: token,
              MaxResults: 1000,
            }),
            { abortSignal },
          ),
        capMs,
      );
      rules.push(...(out.SecurityGroupRules ?? []));
      token = out.NextToken;
    } while (token);
    return rules;
  } catch (err) {
    log("warn", "DescribeSecurityGroupRules failed: report will carry no rule ids", {
      ...ctx.logFields,
      error: errorText(err),
    });
    return [];
  }
}
