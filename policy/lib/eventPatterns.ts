// Classifying EventBridge patterns by what they forward. Pattern syntax (including $or):
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
import { isRecord, isUnknown, plain } from "./values";

export type ForwardedKind =
  | "sg"
  | "config"
  | "alarm"
  | "iam"
  | "cis"
  | "root"
  | "guardduty"
  | "securityhub"
  | "accessanalyzer"
  | "signin"
  | "organizations";

export const FORWARDED_KIND_LABELS: Record<ForwardedKind, string> = {
  sg: "security-group API calls (aws.ec2, AWS API Call via CloudTrail, AuthorizeSecurityGroupIngress)",
  config: "Config compliance changes (aws.config, Config Rules Compliance Change)",
  alarm: "CloudWatch alarm state changes (aws.cloudwatch, CloudWatch Alarm State Change)",
  iam: "IAM API calls (aws.iam)",
  cis: "the CIS monitoring controls' CloudTrail calls (aws.cloudtrail StopLogging and the other section 4 changes)",
  root: "root user activity (AWS API Call via CloudTrail, userIdentity.type Root)",
  guardduty: "GuardDuty findings (aws.guardduty, GuardDuty Finding)",
  securityhub: "Security Hub findings (aws.securityhub, Security Hub Findings - Imported)",
  accessanalyzer: "IAM Access Analyzer findings (aws.access-analyzer, Access Analyzer Finding)",
  signin: "console sign-ins (aws.signin, AWS Console Sign In via CloudTrail)",
  organizations: "AWS Organizations changes (aws.organizations)",
};

const CLOUDTRAIL = "AWS API Call via CloudTrail";

/** Parsed pattern, "unknown", or undefined when absent or not JSON. */
export function parsePattern(v: unknown): Record<string, unknown> | "unknown" | undefined {
  if (isUnknown(v)) return "unknown";
  let p = v;
  if (typeof v === "string") {
    try {
      p = plain(() => JSON.parse(v));
    } catch {
      return undefined;
    }
  }
  if (isUnknown(p)) return "unknown";
  return isRecord(p) ? p : undefined;
}

function alternatives(pattern: Record<string, unknown>): Record<string, unknown>[] {
  const { $or, ...rest } = pattern;
  if (!Array.isArray($or)) return [pattern];
  return $or.filter(isRecord).flatMap((alt) => alternatives({ ...rest, ...alt }));
}

/** Exact-match strings of a pattern field; undefined when the field is absent (matches anything). */
function exact(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

function admits(field: unknown, value: string): boolean {
  const values = exact(field);
  return values === undefined || values.includes(value);
}

export function forwardedKinds(pattern: Record<string, unknown>): Set<ForwardedKind> {
  const kinds = new Set<ForwardedKind>();
  for (const alt of alternatives(pattern)) {
    const source = exact(alt.source) ?? [];
    const detailType = alt["detail-type"];
    const detail = isRecord(alt.detail) ? alt.detail : {};
    if (source.includes("aws.iam")) kinds.add("iam");
    if (
      source.includes("aws.ec2") &&
      admits(detailType, CLOUDTRAIL) &&
      admits(detail.eventName, "AuthorizeSecurityGroupIngress")
    )
      kinds.add("sg");
    if (source.includes("aws.config") && admits(detailType, "Config Rules Compliance Change"))
      kinds.add("config");
    if (source.includes("aws.cloudwatch") && admits(detailType, "CloudWatch Alarm State Change"))
      kinds.add("alarm");
    if (
      source.includes("aws.cloudtrail") &&
      admits(detailType, CLOUDTRAIL) &&
      admits(detail.eventName, "StopLogging")
    )
      kinds.add("cis");
    const identity = isRecord(detail.userIdentity) ? detail.userIdentity : {};
    if (admits(detailType, CLOUDTRAIL) && (exact(identity.type) ?? []).includes("Root")) kinds.add("root");
    if (source.includes("aws.guardduty") && admits(detailType, "GuardDuty Finding")) kinds.add("guardduty");
    if (source.includes("aws.securityhub") && admits(detailType, "Security Hub Findings - Imported"))
      kinds.add("securityhub");
    if (source.includes("aws.access-analyzer") && admits(detailType, "Access Analyzer Finding"))
      kinds.add("accessanalyzer");
    if (source.includes("aws.signin")) kinds.add("signin");
    if (source.includes("aws.organizations")) kinds.add("organizations");
  }
  return kinds;
}
