// The kinds of events the notifier tells apart: routes, mute rules and the severity table name them.
export const EVENT_KINDS = [
  "iam",
  "security-group",
  "config-compliance",
  "alarm",
  "remediation",
  "other",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
