// Step: read the group as EC2 has it now (the triggering event's rule list may be stale or
// partial), and the ids of its rules for the report.
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  SecurityGroup,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { errorCode, errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { StepContext } from "./context";
import { remediationError } from "./errors";

/** The group, or undefined when EC2 says it does not exist. `step` names the failure. */
export async function readGroup(
  ec2: EC2Client,
  ctx: StepContext,
  step: "describe-group" | "verify",
): Promise<SecurityGroup | undefined> {
  const groupId = ctx.target.groupId;
  try {
    const out = await ctx.call(step, () =>
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
    );
    return out.SecurityGroups?.find((g) => g.GroupId === groupId);
  } catch (err) {
    if (errorCode(err) === "InvalidGroup.NotFound") return undefined;
    const what = step === "verify" ? "DescribeSecurityGroups after revoke" : "DescribeSecurityGroups";
    throw remediationError(step, ctx.target, `${what}: ${errorText(err)}`, err);
  }
}

/**
 * Rule ids for the report only: if this call fails the remediation still goes ahead (the ids are
 * a convenience for the reader), and the failure is logged.
 */
export async function readRules(ec2: EC2Client, ctx: StepContext): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  try {
    let token: string | undefined;
    do {
      const out = await ctx.call(undefined, () =>
        ec2.send(
          new DescribeSecurityGroupRulesCommand({
            Filters: [{ Name: "group-id", Values: [ctx.target.groupId] }],
            NextToken: token,
            MaxResults: 1000,
          }),
        ),
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
