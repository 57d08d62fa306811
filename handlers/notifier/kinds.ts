// The kinds of events the notifier tells apart: routes, mute rules and the severity table name them.
export const EVENT_KINDS = [
  "iam",
  "security-group",
  "config-compliance",
  "alarm",
  "remediation",
  "guardduty",
  "security-hub",
  "access-analyzer",
  "sign-in",
  "root-usage",
  "audit-logging",
  "kms",
  "s3-policy",
  "network",
  "organizations",
  "unauthorized-call",
  "other",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
