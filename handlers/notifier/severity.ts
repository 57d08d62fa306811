// The severity of every event, by one documented table (README "Severity"): the first row whose
// condition holds gives the severity. Routes filter on it (minSeverity) and every message shows it.
import { EventFacts } from "./facts";
import { DESTRUCTIVE_NAME } from "./format/cloudtrail";

import { SEVERITY_LEVELS, SeverityLevel } from "./severityLevels";

export { SEVERITY_LEVELS };
export type { SeverityLevel };

export interface SeverityRow {
  severity: SeverityLevel;
  /** The condition, as the README's table states it. */
  when: string;
  test: (f: EventFacts) => boolean;
}

/** Config rule names whose NON_COMPLIANT verdict means SSH is open to the world. */
export interface SeverityContext {
  sshRules: string[];
}

/** A GuardDuty or Security Hub finding: the two sources that rate their own findings. */
const ratedFinding = (f: EventFacts): boolean => f.kind === "guardduty" || f.kind === "security-hub";

/** The table, in order; the last row always matches. */
export function severityTable(ctx: SeverityContext): SeverityRow[] {
  const sshRule = (f: EventFacts) => f.configRule !== undefined && ctx.sshRules.includes(f.configRule);
  return [
    { severity: "medium", when: "the record could not be read", test: (f) => !!f.unreadable },
    {
      severity: "critical",
      when: "the root user acted or signed in (CIS 4.3; not a service acting for it)",
      test: (f) => !!f.rootActor,
    },
    {
      severity: "info",
      when: "a finding that is archived or resolved (GuardDuty, Security Hub, Access Analyzer)",
      test: (f) =>
        (f.kind === "guardduty" || f.kind === "security-hub" || f.kind === "access-analyzer") &&
        (f.status === "ARCHIVED" || f.status === "RESOLVED" || f.status === "SUPPRESSED"),
    },
    {
      severity: "high",
      when: "an Access Analyzer finding of public access",
      test: (f) => f.kind === "access-analyzer" && !!f.isPublic,
    },
    {
      severity: "medium",
      when: "an Access Analyzer finding of access from outside the zone of trust",
      test: (f) => f.kind === "access-analyzer",
    },
    {
      severity: "critical",
      when: "a GuardDuty or Security Hub finding its source rates critical (GuardDuty 9.0-10.0, CRITICAL)",
      test: (f) => ratedFinding(f) && f.findingSeverity === "critical",
    },
    {
      severity: "high",
      when: "a GuardDuty or Security Hub finding its source rates high (GuardDuty 7.0-8.9, HIGH)",
      test: (f) => ratedFinding(f) && f.findingSeverity === "high",
    },
    {
      severity: "medium",
      when: "a GuardDuty or Security Hub finding rated medium (GuardDuty 4.0-6.9, MEDIUM) or unrated",
      test: (f) => ratedFinding(f) && (f.findingSeverity === "medium" || f.findingSeverity === undefined),
    },
    {
      severity: "low",
      when: "a GuardDuty or Security Hub finding rated low (GuardDuty 1.0-3.9, LOW)",
      test: (f) => ratedFinding(f) && f.findingSeverity === "low",
    },
    {
      severity: "info",
      when: "a Security Hub finding rated INFORMATIONAL",
      test: ratedFinding,
    },
    {
      severity: "low",
      when: "a CloudTrail call that failed (errorCode set: nothing changed)",
      test: (f) => !!f.failedCall,
    },
    {
      severity: "critical",
      when: "a security-group change that opens SSH (port 22) to the world (see worldPrefixes)",
      test: (f) => f.kind === "security-group" && !!f.worldSsh,
    },
    {
      severity: "critical",
      when: "the guard's SSH Config rule reports NON_COMPLIANT",
      test: (f) => f.kind === "config-compliance" && sshRule(f) && f.compliance === "NON_COMPLIANT",
    },
    {
      severity: "critical",
      when: "remediation in dry run: SSH stays open to the world",
      test: (f) => f.kind === "remediation" && f.eventName === "dry-run",
    },
    {
      severity: "high",
      when: "a security-group change that opens any other port to the world",
      test: (f) => f.kind === "security-group" && !!f.worldIngress,
    },
    { severity: "high", when: "any IAM change", test: (f) => f.kind === "iam" },
    {
      severity: "high",
      when: "CloudTrail or Config logging changed or stopped (CIS 4.5, 4.9)",
      test: (f) => f.kind === "audit-logging",
    },
    {
      severity: "high",
      when: "a KMS key disabled or scheduled for deletion (CIS 4.7)",
      test: (f) => f.kind === "kms",
    },
    { severity: "high", when: "an S3 bucket policy changed (CIS 4.8)", test: (f) => f.kind === "s3-policy" },
    {
      severity: "high",
      when: "an AWS Organizations change (CIS 4.15)",
      test: (f) => f.kind === "organizations",
    },
    {
      severity: "high",
      when: "a console sign-in without MFA (CIS 4.2)",
      test: (f) => f.kind === "sign-in" && !!f.signInWithoutMfa,
    },
    {
      severity: "medium",
      when: "a failed console sign-in (CIS 4.6)",
      test: (f) => f.kind === "sign-in" && !!f.signInFailed,
    },
    {
      severity: "low",
      when: "a console sign-in with MFA",
      test: (f) => f.kind === "sign-in",
    },
    {
      severity: "medium",
      when: "a network ACL, gateway, route table or VPC change (CIS 4.11-4.14)",
      test: (f) => f.kind === "network",
    },
    {
      severity: "high",
      when: "remediation revoked SSH from the world, or the group is exempt",
      test: (f) => f.kind === "remediation" && (f.eventName === "revoked" || f.eventName === "exempt"),
    },
    {
      severity: "high",
      when: "any other Config rule reports NON_COMPLIANT",
      test: (f) => f.kind === "config-compliance" && f.compliance === "NON_COMPLIANT",
    },
    {
      severity: "high",
      when: "an alarm enters ALARM",
      test: (f) => f.kind === "alarm" && f.eventName === "ALARM",
    },
    {
      severity: "medium",
      when: "a security-group change that deletes or revokes",
      test: (f) => f.kind === "security-group" && DESTRUCTIVE_NAME.test(f.eventName ?? ""),
    },
    { severity: "medium", when: "any other security-group change", test: (f) => f.kind === "security-group" },
    {
      severity: "low",
      when: "an alarm with INSUFFICIENT_DATA; a Config verdict NOT_APPLICABLE or INSUFFICIENT_DATA",
      test: (f) =>
        (f.kind === "alarm" && f.eventName === "INSUFFICIENT_DATA") ||
        (f.kind === "config-compliance" && f.compliance !== "COMPLIANT"),
    },
    {
      severity: "info",
      when: "an alarm returns to OK; a Config rule reports COMPLIANT; remediation found nothing to do",
      test: (f) =>
        (f.kind === "alarm" && f.eventName === "OK") ||
        f.kind === "config-compliance" ||
        (f.kind === "remediation" &&
          (f.eventName === "already-compliant" || f.eventName === "group-not-found")),
    },
    {
      severity: "info",
      when: "an AWS Config configuration-item change",
      test: (f) => /ConfigurationItemChangeNotification$/.test(f.configMessageType ?? ""),
    },
    {
      severity: "medium",
      when: "anything else (unknown event types are shown, not hidden)",
      test: () => true,
    },
  ];
}

export function severityOf(
  facts: EventFacts,
  ctx: SeverityContext,
): { severity: SeverityLevel; why: string } {
  if (facts.rated) return facts.rated;
  const row = severityTable(ctx).find((r) => r.test(facts))!;
  return { severity: row.severity, why: row.when };
}

/** "1 critical, 2 medium": how many of `levels` are at each severity, most severe first, none left out. */
export function levelCounts(levels: SeverityLevel[]): string {
  return SEVERITY_LEVELS.map((s) => [s, levels.filter((l) => l === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

/** Whether `severity` is at least `min` (critical >= high >= medium >= low >= info). */
export function atLeast(severity: SeverityLevel, min: SeverityLevel): boolean {
  return SEVERITY_LEVELS.indexOf(severity) <= SEVERITY_LEVELS.indexOf(min);
}

export function isSeverityLevel(v: unknown): v is SeverityLevel {
  return typeof v === "string" && (SEVERITY_LEVELS as readonly string[]).includes(v);
}

/** Emoji shown next to the severity in Slack. */
export const SEVERITY_LEVEL_EMOJI: Record<SeverityLevel, string> = {
  critical: ":rotating_light:",
  high: ":red_circle:",
  medium: ":large_orange_circle:",
  low: ":large_yellow_circle:",
  info: ":white_circle:",
};
