// What the notifier does with one event besides formatting it: its severity (severity.ts), the
// route that takes it (routing.ts), the mute rule that silences it (mutes.ts) and its
// de-duplication key (dedupe.ts). One pure decision shared by the function, `npm run render`,
// `npm run routes` and the noise benchmark, so all four say the same thing about an event.
import type { WorldPrefixes } from "../shared/world";
import type { KnownBlock } from "@slack/types";
import { RESTRICTED_SSH_RULE_NAME } from "../shared/constants";
import { dedupeKey } from "./dedupe";
import { EventFacts, eventFacts } from "./facts";
import { MuteMatch, MuteRule, findMute } from "./mutes";
import { Json } from "./read";
import { DefaultRoute, RouteChoice, SignalRoute, chooseRoute } from "./routing";
import { SEVERITY_LEVEL_EMOJI, SeverityLevel, severityOf } from "./severity";
import { LIMITS, SlackMessage, context, truncate } from "./slack";

export interface SignalSettings {
  routes: SignalRoute[];
  defaultRoute?: DefaultRoute;
  mutes?: MuteRule[];
  /** Config rules whose NON_COMPLIANT verdict means SSH is open to the world (default: the guard's). */
  sshConfigRules?: string[];
  /** What counts as the world (default IPv4 /8, IPv6 /16; 2000::/3 always). */
  worldPrefixes?: WorldPrefixes;
}

/** What the notifier makes of an event before any clock or store: pure, shared by render and routes. */
export interface Assessment {
  facts: EventFacts;
  severity: SeverityLevel;
  /** The severity table row that decided it. */
  severityWhy: string;
  route: RouteChoice;
  /** Set when no route takes the event and it is below the default route's minSeverity. */
  belowMinimum?: string;
  dedupeKey?: string;
}

export interface Decision extends Assessment {
  muted?: MuteMatch;
  /** Why the event is not posted (muted, or below the default route's minSeverity). */
  skipped?: string;
}

export function assess(
  payload: Json | undefined,
  eventId: string | undefined,
  settings: SignalSettings,
): Assessment {
  const facts = eventFacts(payload, settings.worldPrefixes);
  const { severity, why } = severityOf(facts, {
    sshRules: settings.sshConfigRules ?? [RESTRICTED_SSH_RULE_NAME],
  });
  const route = chooseRoute(settings.routes, settings.defaultRoute, facts.accountId, facts.kind, severity);
  const key = dedupeKey(facts, eventId);
  return {
    facts,
    severity,
    severityWhy: why,
    route,
    ...(route.below
      ? { belowMinimum: `severity ${severity} is below the default route's minSeverity ${route.below}` }
      : {}),
    ...(key ? { dedupeKey: key } : {}),
  };
}

/** The mute rule that silences an event at `now`, as a skip reason. */
export function muteReason(m: MuteMatch): string {
  return `muted by ${m.name} until ${m.rule.expires} (${m.rule.reason})`;
}

export function decide(
  payload: Json | undefined,
  eventId: string | undefined,
  settings: SignalSettings,
  now: number,
): Decision {
  const a = assess(payload, eventId, settings);
  const muted = findMute(settings.mutes ?? [], a.facts, now);
  const skipped = muted ? muteReason(muted) : a.belowMinimum;
  return { ...a, ...(muted ? { muted } : {}), ...(skipped ? { skipped } : {}) };
}

/** "Severity: critical" line placed under the message's header, and "[critical]" before its fallback text. */
export function withSeverity(msg: SlackMessage, severity: SeverityLevel): SlackMessage {
  const [first, ...rest] = msg.attachments;
  const blocks = [...(first.blocks as KnownBlock[])];
  const line = context(`${SEVERITY_LEVEL_EMOJI[severity]} Severity: *${severity}*`);
  const at = blocks[0]?.type === "header" ? 1 : 0;
  // Keep within Slack's 50 blocks: the block before the footer gives way.
  if (blocks.length >= LIMITS.blocks) blocks.splice(blocks.length - 2, 1);
  blocks.splice(at, 0, line);
  return {
    ...msg,
    text: truncate(`[${severity}] ${msg.text}`, LIMITS.text),
    attachments: [{ ...first, blocks }, ...rest],
  };
}
