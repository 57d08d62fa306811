// The severity of every event, by one documented table (README "Severity"): the first row whose
// condition holds gives the severity. Routes filter on it (minSeverity) and every message shows it.
import { EventFacts } from "./facts";
import { DESTRUCTIVE_NAME } from "./format/cloudtrail";

/** Most severe first. */
export const SEVERITY_LEVELS = ["critical", "high", "medium", "low", "info"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

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

/** The table, in order; the last row always matches. */
export function severityTable(ctx: SeverityContext): SeverityRow[] {
  const sshRule = (f: EventFacts) => f.configRule !== undefined && ctx.sshRules.includes(f.configRule);
  return [
    { severity: "medium", when: "the record could not be read", test: (f) => !!f.unreadable },
    {
      severity: "low",
      when: "a CloudTrail call that failed (errorCode set: nothing changed)",
      test: (f) => !!f.failedCall,
    },
    {
      severity: "critical",
      when: "a security-group change that opens SSH (port 22) to 0.0.0.0/0 or ::/0",
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
      when: "a security-group change that opens any other port to 0.0.0.0/0 or ::/0",
      test: (f) => f.kind === "security-group" && !!f.worldIngress,
    },
    { severity: "high", when: "any IAM change", test: (f) => f.kind === "iam" },
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
  const row = severityTable(ctx).find((r) => r.test(facts))!;
  return { severity: row.severity, why: row.when };
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
