// Digest messages: when one invocation holds a burst of events for one webhook (an SQS batch of up
// to 100), posting one message per event cannot keep up with Slack's incoming-webhook limit (about
// one message per second per webhook, https://docs.slack.dev/apis/web-api/rate-limits). The burst
// is posted as digest messages instead: one compact line per event, most severe first, split over
// as many messages as needed so that every event is listed in exactly one of them.
import type { KnownBlock, SectionBlock } from "@slack/types";
import { NotifierSettings } from "./settings";
import { COLORS, LIMITS, Severity, SlackMessage, code, context, esc, header, link, truncate } from "./slack";
import { HeldWindow, postedAtOnceText, windowText } from "./grouping";
import { SEVERITY_LEVELS, SEVERITY_LEVEL_EMOJI, SeverityLevel, levelCounts } from "./severity";
import { DigestEntry, entryDetails } from "./digestEntry";

export type { DigestEntry };

export interface DigestPart {
  message: SlackMessage;
  /** Positions (in the entries given) of the events listed in this message, in the order shown. */
  positions: number[];
  part: number;
  parts: number;
}

/** A digest's attachment colour: that of its most severe event (as incident cards colour them). */
const LEVEL_COLOR: Record<SeverityLevel, Severity> = {
  critical: "danger",
  high: "danger",
  medium: "warning",
  low: "neutral",
  info: "neutral",
};

/** Prefix of each event line's block_id: the line's record id follows (Slack allows 255 characters). */
export const DIGEST_BLOCK_PREFIX = "event:";
const BLOCK_ID_MAX = 255;

const rank = (e: DigestEntry) => SEVERITY_LEVELS.indexOf(e.level);

/**
 * One event's line: severity emoji, "[level] title" linked to its first console link, resource,
 * actor, account, region, event id. A link too long for the line's 3,000 characters is left out
 * rather than cut (a cut link is broken mrkdwn).
 */
function line(e: DigestEntry, settings: NotifierSettings): string {
  const label = `[${e.level}] ${e.title}`;
  const rest = [
    ...entryDetails(e, settings, code, esc),
    code(e.eventId),
    ...(e.incident ? [e.incident] : []),
    ...(e.incomplete ? [":warning: incomplete event"] : []),
  ];
  const text = (title: string) => [`${SEVERITY_LEVEL_EMOJI[e.level]} *${title}*`, ...rest].join(" · ");
  const linked = e.link ? text(link(e.link.url, label)) : undefined;
  return linked !== undefined && linked.length <= LIMITS.text ? linked : text(esc(label));
}

/**
 * The digest messages for `entries` (all bound for one webhook): header and fallback text
 * "N security events (1 critical, 3 medium)", one section per event (block_id "event:<record id>"), at most
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
  const order = entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i);
  const sorted = order.map((x) => x.e);
  const total = sorted.length;
  const critical = sorted.filter((e) => e.level === "critical").length;
  const per = Math.max(1, Math.min(maxPerMessage, LIMITS.blocks - 3));
  const parts = Math.max(1, Math.ceil(total / per));
  // "4 security events (1 critical, 3 medium)".
  const headline = `${total} security event${total === 1 ? "" : "s"} (${levelCounts(sorted.map((e) => e.level))})`;
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
    out.push({
      message: {
        text: `${critical ? ":red_circle: " : ""}${headline}${parts > 1 ? `, part ${p + 1} of ${parts}` : ""}`,
        attachments: [{ color: COLORS[LEVEL_COLOR[chunk[0].level]], blocks }],
      },
      positions: order.slice(p * per, (p + 1) * per).map((x) => x.i),
      part: p + 1,
      parts,
    });
  }
  return out;
}
