// EventBridge event patterns, as plain objects so tests and the wiring checks can match real
// events against exactly what we deploy. Pattern syntax and limits (2,048 characters):
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
import { REMEDIATION_EVENT_SOURCE } from "../handlers/shared/constants";

export type EventPattern = Record<string, unknown>;

const CLOUDTRAIL = "AWS API Call via CloudTrail";

/** Security-group changes that alter who can reach what. */
export const SECURITY_GROUP_EVENT_NAMES = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
];

/** Spoke, every region: security-group API calls. */
export const securityGroupChanges: EventPattern = {
  source: ["aws.ec2"],
  "detail-type": [CLOUDTRAIL],
  detail: { eventSource: ["ec2.amazonaws.com"], eventName: SECURITY_GROUP_EVENT_NAMES },
};

/** Spoke, us-east-1 only: IAM calls that change something (read-only calls are not forwarded). */
export const iamChanges: EventPattern = {
  source: ["aws.iam"],
  "detail-type": [CLOUDTRAIL],
  detail: { eventSource: ["iam.amazonaws.com"], readOnly: [false] },
};

/**
 * Spoke, every region: compliance changes of the named Config rules only (the guard's own and an
 * explicit list): other rules' verdicts (Control Tower's, Security Hub's) stay in the account.
 */
export function configComplianceChanges(configRuleNames: string[]): EventPattern {
  return {
    source: ["aws.config"],
    "detail-type": ["Config Rules Compliance Change"],
    detail: { configRuleName: [...configRuleNames] },
  };
}

/** Spoke, every region: CloudWatch alarm state changes. */
export const alarmStateChanges: EventPattern = {
  source: ["aws.cloudwatch"],
  "detail-type": ["CloudWatch Alarm State Change"],
};

/** Hub bus: everything that should reach Slack (what the spokes forward, plus remediation reports). */
export const hubNotify: EventPattern = {
  source: ["aws.ec2", "aws.iam", "aws.config", "aws.cloudwatch", REMEDIATION_EVENT_SOURCE],
};

/**
 * Hub bus: what the remediation function must see. Config's verdict for the restricted-ssh rule,
 * and (faster) CloudTrail calls that open ingress to the world; the function re-checks port 22.
 */
export function hubRemediate(configRuleNames: string[]): EventPattern {
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
          requestParameters: { ipPermissions: { items: { ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } } } },
        },
      },
      {
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: {
          eventName: ["AuthorizeSecurityGroupIngress"],
          requestParameters: { ipPermissions: { items: { ipv6Ranges: { items: { cidrIpv6: ["::/0"] } } } } },
        },
      },
      {
        // The API's flat form (top-level CidrIp, IpProtocol, FromPort, ToPort) records cidrIp at the top.
        source: ["aws.ec2"],
        "detail-type": [CLOUDTRAIL],
        detail: {
          eventName: ["AuthorizeSecurityGroupIngress"],
          requestParameters: { cidrIp: ["0.0.0.0/0"] },
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
