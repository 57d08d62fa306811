// The hub bus rule that triggers the remediation function, as a plain object so tests and the
// wiring checks can match real events against exactly what we deploy. It is not a notify rule: the
// notify pattern comes from the source modules (handlers/findings/registry.ts notifyPattern).
// Pattern syntax and limits (2,048 characters):
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes } from "../handlers/shared/world";
import type { EventPattern } from "../handlers/findings/source";

const CLOUDTRAIL = "AWS API Call via CloudTrail";

/**
 * CloudTrail's CIDR strings whose prefix length is at most `max` ("/0" to "/max" suffixes; a
 * suffix "/1" does not match "/21"): every range as wide as the world, plus private ones the
 * function ignores. IPv6 always includes /0-/3 (a range covering 2000::/3).
 */
function widePrefixes(max: number): Array<{ suffix: string } | { exists: true }> {
  // Past /16 the list would crowd the pattern's 2,048 characters: take every CIDR (the function
  // re-reads the group and judges each range itself).
  if (max > 16) return [{ exists: true }];
  return Array.from({ length: max + 1 }, (_, n) => ({ suffix: `/${n}` }));
}

/**
 * Hub bus: what the remediation function must see. Config's verdict for the restricted-ssh rule,
 * and (faster) CloudTrail calls that open ingress to the world (any range at most worldPrefixes
 * wide, which AWS's restricted-ssh rule does not flag); the function re-checks port 22 and the range.
 */
export function hubRemediate(
  configRuleNames: string[],
  world: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): EventPattern {
  const v4 = widePrefixes(world.ipv4);
  const v6 = widePrefixes(Math.max(world.ipv6, 3));
  return {
    $or: [
      {
        source: ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        detail: {
          configRuleName: configRuleNames,
          newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
        },
      },
      {
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: {
          eventName: ["AuthorizeSecurityGroupIngress"],
          requestParameters: { ipPermissions: { items: { ipRanges: { items: { cidrIp: v4 } } } } },
        },
      },
      {
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: {
          eventName: ["AuthorizeSecurityGroupIngress"],
          requestParameters: { ipPermissions: { items: { ipv6Ranges: { items: { cidrIpv6: v6 } } } } },
        },
      },
      {
        // The API's flat form (top-level CidrIp, IpProtocol, FromPort, ToPort) records cidrIp at the top.
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: {
          eventName: ["AuthorizeSecurityGroupIngress"],
          requestParameters: { cidrIp: v4 },
        },
      },
      {
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: { eventName: ["ModifySecurityGroupRules"] },
      },
    ],
  };
}
