// Digest messages: when one invocation holds a burst of events for one webhook (an SQS batch of up
// to 100), posting one message per event cannot keep up with Slack's incoming-webhook limit (about
// one message per second per webhook, https://docs.slack.dev/apis/web-api/rate-limits). The burst
// is posted as digest messages instead: one compact line per event, most severe first, split over
// as many messages as needed so that every event is listed in exactly one of them.
import type { ActionsBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { EventSummary } from "./pipeline";
import { NotifierSettings } from "./settings";

export type { EventSummary };
import { COLORS, LIMITS, Severity, SlackMessage, code, context, esc, header, link, truncate } from "./slack";
import { accountPlain } from "./layout/common";
import { HeldWindow, postedAtOnceText, windowText } from "./grouping";
import { SEVERITY_LEVELS, SeverityLevel, levelCounts } from "./severity";

/** What a digest line shows of one event, taken from its single-event message. */

export interface DigestEntry {
  recordId: string;
  eventId?: string;
  accountId?: string;
  summary: EventSummary;
  /** The event had missing or mistyped fields (details in the log under its id). */
  incomplete: boolean;
  /** Its severity (severity.ts), when known: the headline counts by it and the lines sort by it. */
  level?: SeverityLevel;
  /** The incident it joined and how, as mrkdwn ("incident `ID` resolved"), when it is one's signal. */
  incident?: string;
}

export interface DigestPart {
  message: SlackMessage;
  /** Positions (in the entries given) of the events listed in this message, in the order shown. */
  positions: number[];
  part: number;
  parts: number;
}

/** Most severe first. */
const SEVERITY_RANK: Record<Severity, number> = { danger: 0, warning: 1, neutral: 2, good: 3 };

export const SEVERITY_EMOJI: Record<Severity, string> = {
  danger: ":red_circle:",
  warning: ":large_yellow_circle:",
  neutral: ":white_circle:",
  good: ":large_green_circle:",
};

/** Prefix of each event line's block_id: the line's record id follows (Slack allows 255 characters). */
export const DIGEST_BLOCK_PREFIX = "event:";
const BLOCK_ID_MAX = 255;

/** Severity, title and first console link of a rendered single-event message. */
export function summarize(msg: SlackMessage, region?: string): EventSummary {
  const first = msg.attachments[0];
  const severity = (Object.keys(COLORS) as Severity[]).find((k) => COLORS[k] === first?.color) ?? "neutral";
  const blocks = (first?.blocks ?? []) as KnownBlock[];
  const head = blocks.find((b): b is HeaderBlock => b.type === "header");
  const actions = blocks.find((b): b is ActionsBlock => b.type === "actions");
  const button = actions?.elements.find(
    (e): e is typeof e & { url: string } =>
      e.type === "button" && typeof (e as { url?: unknown }).url === "string",
  );
  return { severity, title: head?.text.text ?? msg.text, region, link: button?.url };
}

/** "4 security events (1 critical, 3 medium)" by severity; by colour ("(C critical)") when one is unknown. */
function countText(entries: DigestEntry[]): string {
  const total = entries.length;
  const levels = entries.map((e) => e.level);
  const counts = levels.every((l): l is SeverityLevel => l !== undefined)
    ? levelCounts(levels)
    : `${entries.filter((e) => e.summary.severity === "danger").length} critical`;
  return `${total} security event${total === 1 ? "" : "s"} (${counts})`;
}

/** Most severe first: by severity where both are known, else by colour. */
function moreSevere(a: DigestEntry, b: DigestEntry): number {
  if (a.level && b.level) return SEVERITY_LEVELS.indexOf(a.level) - SEVERITY_LEVELS.indexOf(b.level);
  return SEVERITY_RANK[a.summary.severity] - SEVERITY_RANK[b.summary.severity];
}

function line(e: DigestEntry, settings: NotifierSettings): string {
  const s = e.summary;
  const title = s.link ? `*${link(s.link, s.title)}*` : `*${esc(s.title)}*`;
  const parts = [
    `${SEVERITY_EMOJI[s.severity]} ${title}`,
    esc(accountPlain(e.accountId, settings)),
    s.region ? esc(s.region) : "unknown region",
    code(e.eventId ?? e.recordId),
  ];
  if (e.incident) parts.push(e.incident);
  if (e.incomplete) parts.push(":warning: incomplete event");
  return parts.join(" · ");
}

/**
 * The digest messages for `entries` (all bound for one webhook): header and fallback text
 * "N security events (C critical)", one section per event (block_id "event:<record id>"), at most
 * `maxPerMessage` events per message. `note` (a routing warning) is appended to every message.
 * `window`: the events were held for a digest run of that window (said in the context line).
 */
export function digestMessages(
  entries: DigestEntry[],
  settings: NotifierSettings,
  maxPerMessage: number,
  note?: KnownBlock,
  window?: HeldWindow,
): DigestPart[] {
  const order = entries.map((e, i) => ({ e, i })).sort((a, b) => moreSevere(a.e, b.e) || a.i - b.i);
  const sorted = order.map((x) => x.e);
  const total = sorted.length;
  const critical = sorted.filter((e) =>
    e.level ? e.level === "critical" : e.summary.severity === "danger",
  ).length;
  const per = Math.max(1, Math.min(maxPerMessage, LIMITS.blocks - 3));
  const parts = Math.max(1, Math.ceil(total / per));
  const headline = countText(sorted);
  const out: DigestPart[] = [];
  for (let p = 0; p < parts; p++) {
    const chunk = sorted.slice(p * per, (p + 1) * per);
    const from = p * per + 1;
    const to = p * per + chunk.length;
    const partText = parts > 1 ? ` · part ${p + 1} of ${parts}` : "";
    const used = new Set<string>();
    const lines: SectionBlock[] = chunk.map((e) => {
      // Unique within the message, as Slack requires (a duplicate record id gets "#2", "#3"...).
      const base = `${DIGEST_BLOCK_PREFIX}${e.recordId}`.slice(0, BLOCK_ID_MAX - 8);
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
      used.add(id);
      return {
        type: "section",
        block_id: id,
        text: { type: "mrkdwn", text: truncate(line(e, settings), LIMITS.text) },
      };
    });
    const blocks: KnownBlock[] = [
      header(`${headline}${partText}`),
      context(
        (window
          ? `Digest ${windowText(window.windowMinutes)}: events ${from}–${to} of ${total} held for this channel, most severe first; ${postedAtOnceText(window.immediate)}. `
          : `Burst digest: events ${from}–${to} of ${total} for this channel, most severe first. `) +
          "Full details: the console links, or the notifier log by event id.",
      ),
      ...lines,
    ];
    if (note) blocks.push(note);
    const worst = chunk.reduce<Severity>(
      (w, e) => (SEVERITY_RANK[e.summary.severity] < SEVERITY_RANK[w] ? e.summary.severity : w),
      "good",
    );
    out.push({
      message: {
        text: `${critical ? ":red_circle: " : ""}${headline}${parts > 1 ? `, part ${p + 1} of ${parts}` : ""}`,
        attachments: [{ color: COLORS[worst], blocks }],
      },
      positions: order.slice(p * per, (p + 1) * per).map((x) => x.i),
      part: p + 1,
      parts,
    });
  }
  return out;
}
