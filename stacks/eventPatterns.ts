// EventBridge event patterns, as plain objects so tests and the wiring checks can match real
// events against exactly what we deploy. Pattern syntax and limits (2,048 characters):
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes } from "../handlers/shared/world";
import {
  HEARTBEAT_DETAIL_TYPE,
  HEARTBEAT_ROLE_NAME,
  HEARTBEAT_SOURCE,
  LIVENESS_EVENT_SOURCE,
  REMEDIATION_EVENT_SOURCE,
} from "../handlers/shared/constants";
import { modelSources } from "../handlers/findings/registry";

export type EventPattern = Record<string, unknown>;

const CLOUDTRAIL = "AWS API Call via CloudTrail";

/** Security-group changes that alter who can reach what. */
export const SECURITY_GROUP_EVENT_NAMES = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  // CIS 4.10 (CloudWatch.10) also watches groups being created and deleted.
  "CreateSecurityGroup",
  "DeleteSecurityGroup",
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

/**
 * Spoke, every region: the region's own heartbeat (its schedule puts it on the default bus), carried
 * to the hub bus by the same kind of rule, target, role and bus policy as every security event.
 */
export const heartbeats: EventPattern = {
  source: [HEARTBEAT_SOURCE],
  "detail-type": [HEARTBEAT_DETAIL_TYPE],
};

/**
 * Spoke, every region: the heartbeat schedule's TagResource call on its own schedule group, as
 * CloudTrail records it. It reaches EventBridge only through a logging trail with management write
 * events, so its arrival proves the CloudTrail path; matched by the heartbeat role's name, so no
 * other scheduler call is forwarded, and the hub's notify rule never takes it (no noise).
 */
export const cloudTrailHeartbeats: EventPattern = {
  source: ["aws.scheduler"],
  "detail-type": [CLOUDTRAIL],
  detail: {
    eventSource: ["scheduler.amazonaws.com"],
    eventName: ["TagResource"],
    userIdentity: { sessionContext: { sessionIssuer: { userName: [HEARTBEAT_ROLE_NAME] } } },
  },
};

/** Spoke, every region: CloudWatch alarm state changes. */
export const alarmStateChanges: EventPattern = {
  source: ["aws.cloudwatch"],
  "detail-type": ["CloudWatch Alarm State Change"],
};

/** Which findings reach Slack: the hub's notify rule filters them, so the rest cost nothing. */
export interface FindingFilters {
  /** GuardDuty severity 1.0-8.9 (low 1-3.9, medium 4-6.9, high 7-8.9); default 4 (medium and up). */
  guardDutyMinSeverity: number;
  /** Security Hub severity label; default MEDIUM. */
  securityHubMinSeverity: SecurityHubSeverityLabel;
  /** Security Hub Workflow.Status values posted; default NEW. */
  securityHubWorkflowStatuses: string[];
  /** Security Hub RecordState values posted; default ACTIVE (archived findings are resolved). */
  securityHubRecordStates: string[];
  /**
   * Security Hub event formats posted: ASFF (Security Hub CSPM, "Security Hub Findings - Imported")
   * and OCSF (Security Hub, "Findings Imported V2", with exposure findings); default both. With both
   * services on, CSPM control findings arrive in each format: choose one.
   */
  securityHubFormats: SecurityHubFormat[];
  /** Amazon Inspector severity label; default HIGH (high and critical). */
  inspectorMinSeverity: SecurityHubSeverityLabel;
  /** Post only Inspector findings with a known exploit (exploitAvailable YES); default true. */
  inspectorExploitAvailableOnly: boolean;
}

export const SECURITY_HUB_FORMATS = ["ASFF", "OCSF"] as const;
export type SecurityHubFormat = (typeof SECURITY_HUB_FORMATS)[number];

/** ASFF severity labels, lowest first (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html). */
export const SECURITY_HUB_SEVERITY_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type SecurityHubSeverityLabel = (typeof SECURITY_HUB_SEVERITY_LABELS)[number];

export const DEFAULT_FINDING_FILTERS: FindingFilters = {
  guardDutyMinSeverity: 4,
  securityHubMinSeverity: "MEDIUM",
  securityHubWorkflowStatuses: ["NEW"],
  securityHubRecordStates: ["ACTIVE"],
  securityHubFormats: ["ASFF", "OCSF"],
  inspectorMinSeverity: "HIGH",
  inspectorExploitAvailableOnly: true,
};

/**
 * Hub bus: everything that should reach Slack: what the spokes forward (CloudTrail changes and
 * sign-ins, root activity and denied calls of any service, Config verdicts, alarms), remediation
 * reports, and findings at or above the configured severity.
 */
export function hubNotify(findings: FindingFilters = DEFAULT_FINDING_FILTERS): EventPattern {
  const labels = SECURITY_HUB_SEVERITY_LABELS.slice(
    SECURITY_HUB_SEVERITY_LABELS.indexOf(findings.securityHubMinSeverity),
  );
  return {
    $or: [
      {
        source: [
          "aws.ec2",
          "aws.iam",
          "aws.config",
          "aws.cloudwatch",
          "aws.signin",
          "aws.cloudtrail",
          "aws.kms",
          "aws.s3",
          "aws.organizations",
          REMEDIATION_EVENT_SOURCE,
          // The liveness function's alerts: silent spoke regions, accounts without a spoke, the summary.
          LIVENESS_EVENT_SOURCE,
        ],
      },
      // Root activity and denied calls arrive from any service (the spokes' rules choose them).
      { "detail-type": [CLOUDTRAIL], detail: { userIdentity: { type: ["Root"] } } },
      { "detail-type": [CLOUDTRAIL], detail: { errorCode: [{ exists: true }] } },
      {
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", findings.guardDutyMinSeverity] }] },
      },
      // Security Hub CSPM's ASFF findings, unless the hub posts the OCSF format only.
      ...(findings.securityHubFormats.includes("ASFF")
        ? [
            {
              source: ["aws.securityhub"],
              "detail-type": ["Security Hub Findings - Imported"],
              detail: {
                findings: {
                  Severity: { Label: labels },
                  Workflow: { Status: [...findings.securityHubWorkflowStatuses] },
                  RecordState: [...findings.securityHubRecordStates],
                },
              },
            },
          ]
        : []),
      {
        source: ["aws.access-analyzer"],
        "detail-type": ["Access Analyzer Finding"],
        detail: { status: ["ACTIVE"] },
      },
      // Sources mapped to the finding model declare their own branches (handlers/findings/sources).
      ...modelSources().flatMap((s) => (s.notify ? s.notify(findings) : [])),
    ],
  };
}

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
