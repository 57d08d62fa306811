// Mute rules (like Prowler's mutelist): an event that matches a rule that has not expired is not
// posted or emailed; it is logged with the rule that muted it and counted. Every condition a rule
// gives must hold; a list matches when any entry does. Resource and actor entries are patterns
// where `*` matches any run of characters (none included); a resource pattern is tried against the
// resource id and its ARN. Muting acts only in the notifier: the remediation rule and function
// never see mute rules, so a muted SSH-to-the-world change is still revoked.
import { EventFacts } from "./findingFacts";
import { EVENT_KINDS, EventKind } from "./kinds";

export interface MuteRule {
  /** Shown in logs and reports; defaults to "mutes[<index>]". */
  name?: string;
  accounts?: string[];
  regions?: string[];
  kinds?: EventKind[];
  /** CloudTrail event names, Config rule names, alarm states, remediation outcomes (see EventFacts). */
  eventNames?: string[];
  /** Patterns over the resource id or ARN ("sg-0abc*", "arn:aws:iam::*:role/ci-*"). */
  resources?: string[];
  /** Patterns over the actor's ARN or principal id ("arn:aws:sts::*:assumed-role/terraform/*"). */
  actors?: string[];
  /** Why the events are muted: required. */
  reason: string;
  /** ISO date ("2026-12-31": through the end of that day, UTC) or date-time; required. */
  expires: string;
}

export interface MuteMatch {
  rule: MuteRule;
  index: number;
  name: string;
}

const CONDITION_KEYS = ["accounts", "regions", "kinds", "eventNames", "resources", "actors"] as const;

export function muteName(rule: MuteRule, index: number): string {
  return rule.name ?? `mutes[${index}]`;
}

/** The instant a rule stops applying, in ms; NaN when `expires` is not a date. */
export function expiryTime(expires: string): number {
  // A bare date means "through that day": the rule ends at the next midnight, UTC.
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) return Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
  return Date.parse(expires);
}

/**
 * `*` matches any run of characters; everything else literally. Hand-written (a few lines) rather
 * than a glob library: everything in "dependencies" ships in every Lambda package.
 */
export function patternMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === value;
  if (!value.startsWith(parts[0])) return false;
  let pos = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = value.indexOf(parts[i], pos);
    if (at < 0) return false;
    pos = at + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return value.length - last.length >= pos && value.endsWith(last);
}

function ruleMatches(rule: MuteRule, f: EventFacts): boolean {
  const inList = (list: string[] | undefined, v: string | undefined) =>
    list === undefined || (v !== undefined && list.includes(v));
  return (
    inList(rule.accounts, f.accountId) &&
    inList(rule.regions, f.region) &&
    inList(rule.kinds, f.kind) &&
    inList(rule.eventNames, f.eventName) &&
    (rule.resources === undefined ||
      rule.resources.some((p) => patternMatches(p, f.resourceId) || patternMatches(p, f.resourceArn))) &&
    (rule.actors === undefined || rule.actors.some((p) => patternMatches(p, f.actor)))
  );
}

/** The first rule (in order) that has not expired at `now` and matches the event. */
export function findMute(rules: MuteRule[], facts: EventFacts, now: number): MuteMatch | undefined {
  for (const [index, rule] of rules.entries()) {
    if (!(expiryTime(rule.expires) > now)) continue;
    if (ruleMatches(rule, facts)) return { rule, index, name: muteName(rule, index) };
  }
  return undefined;
}

/** Every problem with a list of mute rules (the notifier refuses them), each naming the key. */
export function validateMutes(mutes: unknown, where = "mutes"): string[] {
  if (mutes === undefined) return [];
  if (!Array.isArray(mutes)) return [`${where} must be an array of mute rules`];
  const problems: string[] = [];
  mutes.forEach((m: unknown, i: number) => {
    const at = `${where}[${i}]`;
    if (typeof m !== "object" || m === null || Array.isArray(m)) {
      problems.push(`${at} must be an object with reason, expires and at least one condition`);
      return;
    }
    const r = m as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (![...CONDITION_KEYS, "name", "reason", "expires"].includes(key))
        problems.push(
          `${at}.${key} is not a mute rule key (${[...CONDITION_KEYS, "name", "reason", "expires"].join(", ")})`,
        );
    }
    if (r.name !== undefined && (typeof r.name !== "string" || r.name.trim() === ""))
      problems.push(`${at}.name must be a non-empty string when given`);
    if (typeof r.reason !== "string" || r.reason.trim() === "")
      problems.push(`${at}.reason must say why the events are muted`);
    if (typeof r.expires !== "string" || Number.isNaN(expiryTime(r.expires)))
      problems.push(
        `${at}.expires must be a date (2026-12-31) or date-time, got ${JSON.stringify(r.expires)}`,
      );
    const given = CONDITION_KEYS.filter((k) => r[k] !== undefined);
    if (given.length === 0)
      problems.push(`${at} has no condition (${CONDITION_KEYS.join(", ")}): it would mute everything`);
    for (const k of given) {
      const v = r[k];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string" && x !== "")) {
        problems.push(`${at}.${k} must be a non-empty array of non-empty strings`);
        continue;
      }
      if (k === "accounts")
        for (const a of v)
          if (!/^\d{12}$/.test(a))
            problems.push(`${at}.accounts: ${JSON.stringify(a)} is not a 12-digit account id`);
      if (k === "kinds")
        for (const x of v)
          if (!(EVENT_KINDS as readonly string[]).includes(x))
            problems.push(`${at}.kinds: ${JSON.stringify(x)} is not one of ${EVENT_KINDS.join(", ")}`);
    }
  });
  return problems;
}

export interface MuteReportContext {
  now: number;
  /** Account ids the guard receives events from. */
  accounts: string[];
  /** Regions any spoke forwards from. */
  regions: string[];
  /** Event names the guard can receive, per kind (CloudTrail names, rule names...); absent = any. */
  eventNames?: Partial<Record<EventKind, string[]>>;
}

export interface MuteRuleReport {
  name: string;
  index: number;
  problem: string;
}

/**
 * Rules that can no longer or never mute anything: expired, or naming an account, region or event
 * name the guard never receives. `npm run plan` prints these.
 */
export function muteRuleReport(rules: MuteRule[], ctx: MuteReportContext): MuteRuleReport[] {
  const out: MuteRuleReport[] = [];
  rules.forEach((rule, index) => {
    const name = muteName(rule, index);
    const add = (problem: string) => out.push({ name, index, problem });
    const end = expiryTime(rule.expires);
    if (!(end > ctx.now)) add(`expired on ${new Date(end).toISOString()} (${rule.reason})`);
    if (rule.accounts && !rule.accounts.some((a) => ctx.accounts.includes(a)))
      add(`never matches: no account ${rule.accounts.join(", ")} sends events to the hub`);
    if (rule.regions && !rule.regions.some((r) => ctx.regions.includes(r)))
      add(`never matches: no spoke forwards from ${rule.regions.join(", ")}`);
    if (rule.eventNames && ctx.eventNames) {
      const kinds = rule.kinds ?? EVENT_KINDS;
      const known = kinds.flatMap((k) => ctx.eventNames![k] ?? ["*"]);
      if (!known.includes("*") && !rule.eventNames.some((n) => known.includes(n)))
        add(
          `never matches: the guard receives no event named ${rule.eventNames.join(", ")}${rule.kinds ? ` of kind ${rule.kinds.join(", ")}` : ""}`,
        );
    }
  });
  return out;
}
