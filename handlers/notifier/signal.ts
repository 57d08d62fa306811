// What the notifier does with one event besides formatting it: its severity (severity.ts), the
// route that takes it (routing.ts), the mute rule that silences it (mutes.ts) and its
// de-duplication key (dedupe.ts). One pure decision shared by the function, `npm run render`,
// `npm run routes` and the noise benchmark, so all four say the same thing about an event.
import type { WorldPrefixes } from "../shared/world";
import type { KnownBlock } from "@slack/types";
import type { Finding, Skip } from "../findings/model";
import { dedupeKey } from "./dedupe";
import { EventFacts, factsOf } from "./findingFacts";
import { MuteMatch, MuteRule, findMute } from "./mutes";
import { DefaultRoute, RouteChoice, RoutePlace, SignalRoute, chooseRoute } from "./routing";
import { SEVERITY_LEVEL_EMOJI, SeverityLevel } from "./severity";
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

/** A skipped record is never posted: its severity only places it in a route for the logs. */
const SKIP_SEVERITY = { severity: "info", why: "a routine notice its source does not post" } as const;

/** What the notifier makes of a finding (or a skipped record): severity, route, de-duplication key. */
export function assess(
  subject: Finding | Skip,
  eventId: string | undefined,
  settings: SignalSettings,
  place: RoutePlace = {},
): Assessment {
  const facts = factsOf(subject);
  const { severity, why } =
    "skipped" in subject ? SKIP_SEVERITY : { severity: subject.severity, why: subject.severity_why };
  const route = chooseRoute(
    settings.routes,
    settings.defaultRoute,
    facts.accountId,
    facts.kind,
    severity,
    place,
  );
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
  subject: Finding | Skip,
  eventId: string | undefined,
  settings: SignalSettings,
  now: number,
  place: RoutePlace = {},
): Decision {
  const a = assess(subject, eventId, settings, place);
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
