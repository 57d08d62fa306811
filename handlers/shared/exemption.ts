// The exemption tag's value: who exempted the group, why, and until when, in one EC2 tag value
// (at most 256 characters: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
//   expires=2027-01-04T20:45:00Z by=slack-U0123ABC why=public web server, CHG-1234
// The reason comes last and is cut to fit, so the expiry and the author always survive.
//
// Tags written before exemptions expired hold "true". They keep exempting the group (removing
// them at once would revoke SSH that someone deliberately left open, with no warning), but only
// until the scheduled exemption check first sees them: it stamps them with the default expiry,
// counted from then, so every old exemption ends at most `default` days after this change is
// deployed and is listed with its expiry meanwhile. Any other value (a typo, "false", an expiry
// that does not parse) exempts nothing: the group is remediated as if the tag were absent.

export const MAX_TAG_VALUE_CHARS = 256;
/** Tags Exempt writes next to the exemption tag: the whole reason, and who gave it. */
export const EXEMPT_REASON_TAG = "security-guard:exempt-reason";
export const EXEMPTED_BY_TAG = "security-guard:exempted-by";
const DAY_MS = 86_400_000;

export interface Exemption {
  /** ISO 8601 UTC, seconds precision. */
  expiresAt: string;
  /** slack-<user id>, or who wrote a legacy tag when known. */
  by: string;
  why: string;
}

export type ParsedExemption =
  | { kind: "expiring"; exemption: Exemption }
  /** "true": written before exemptions expired. */
  | { kind: "legacy" }
  | { kind: "unreadable"; value: string };

/** At most `max` code points (EC2 counts characters, not UTF-16 units: no half of an emoji). */
export function cutTagValue(v: string, max = MAX_TAG_VALUE_CHARS): string {
  return Array.from(v).slice(0, max).join("");
}

/** The expiry `days` whole days after `nowMs`, as written in the tag. */
export function expiryAfter(nowMs: number, days: number): string {
  return new Date(nowMs + days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function formatExemption(e: Exemption): string {
  // Spaces in `by` would make it unreadable; Slack ids and role names have none.
  const by = e.by.replace(/\s+/g, "_");
  const why = e.why.replace(/\s+/g, " ").trim();
  return cutTagValue(`expires=${e.expiresAt} by=${by} why=${why}`);
}

const EXPIRING = /^expires=(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) by=(\S+) why=(.*)$/s;

export function parseExemption(value: string | undefined): ParsedExemption {
  const v = (value ?? "").trim();
  if (v.toLowerCase() === "true") return { kind: "legacy" };
  const m = EXPIRING.exec(v);
  if (!m || Number.isNaN(Date.parse(m[1]))) return { kind: "unreadable", value: v };
  return { kind: "expiring", exemption: { expiresAt: m[1], by: m[2], why: m[3] } };
}

/** Whether the tag still exempts the group at `nowMs` (legacy: yes, until the check stamps it). */
export function exemptionActive(parsed: ParsedExemption, nowMs: number): boolean {
  if (parsed.kind === "legacy") return true;
  if (parsed.kind === "unreadable") return false;
  return Date.parse(parsed.exemption.expiresAt) > nowMs;
}
