// Step (CloudTrail trigger only): is the group inside the restricted-ssh rule's scope in its
// account and region? A Config verdict only exists for resources in the rule's scope, but a
// CloudTrail event arrives for every group, so without this check a tag-scoped spoke would see
// untagged groups revoked too. The scope is read from the rule itself (config:DescribeConfigRules
// through the spoke role): the spoke's own deployed rule is the authority, one hub function serves
// every spoke, and a scope copied into the hub's settings could drift from what each spoke deployed.
// https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html
import { ConfigServiceClient, DescribeConfigRulesCommand, Scope } from "@aws-sdk/client-config-service";
import type { SecurityGroup } from "@aws-sdk/client-ec2";
import { errorCode, errorText } from "../shared/errors";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import type { SpokeCredentials } from "./assumeRole";
import { clientConfig } from "./retry";
import { SECURITY_GROUP_RESOURCE_TYPE } from "./triggers";

/** The scope of the first of `ruleNames` that exists there, or undefined when none does. */
export async function readRuleScope(
  ctx: StepContext,
  credentials: SpokeCredentials,
  ruleNames: string[],
): Promise<{ ruleName: string; scope: Scope } | undefined> {
  const config = new ConfigServiceClient({
    ...clientConfig(ctx.requestTimeoutMs),
    region: ctx.target.region,
    credentials,
  });
  try {
    for (const name of ruleNames) {
      try {
        const out = await ctx.call("read-scope", "config:DescribeConfigRules", (abortSignal) =>
          config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: [name] }), { abortSignal }),
        );
        const rule = out.ConfigRules?.find((r) => r.ConfigRuleName === name);
        if (rule) return { ruleName: name, scope: rule.Scope ?? {} };
      } catch (err) {
        if (errorCode(err) === "NoSuchConfigRuleException") continue;
        throw err;
      }
    }
    return undefined;
  } catch (err) {
    throw remediationError("read-scope", ctx.target, `DescribeConfigRules: ${errorText(err)}`, err);
  } finally {
    config.destroy();
  }
}

/** Why the group is outside the scope, or undefined when the rule would evaluate it. */
export function outsideScope(group: SecurityGroup, ruleName: string, scope: Scope): string | undefined {
  const types = scope.ComplianceResourceTypes ?? [];
  if (types.length > 0 && !types.includes(SECURITY_GROUP_RESOURCE_TYPE)) {
    return `rule ${ruleName} does not evaluate security groups (scope: ${types.join(", ")})`;
  }
  if (scope.ComplianceResourceId && scope.ComplianceResourceId !== group.GroupId) {
    return `rule ${ruleName} evaluates only ${scope.ComplianceResourceId}`;
  }
  if (scope.TagKey) {
    const tag = (group.Tags ?? []).find((t) => t.Key === scope.TagKey);
    const want = scope.TagValue;
    if (!tag || (want !== undefined && want !== "" && tag.Value !== want)) {
      const spec = want ? `${scope.TagKey}=${want}` : scope.TagKey;
      return `the group has no tag ${spec}, which scopes rule ${ruleName}`;
    }
  }
  return undefined;
}
