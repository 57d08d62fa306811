// The Slack messages of an incident. App mode: one card per incident (posted once, then rewritten
// in place with chat.update as signals arrive), with each signal's own message as a reply in the
// card's thread. Webhook mode (incoming webhooks cannot update a message): the card when the
// incident opens, then one short follow-up per change of state that lists every signal joined
// since the previous post (see delivery.ts).
import type { ContextBlock, KnownBlock } from "@slack/types";
import { SEVERITY_LEVEL_EMOJI } from "../severity";
import {
  Severity,
  SlackMessage,
  code,
  context,
  esc,
  fieldSections,
  header,
  message,
  section,
} from "../slack";
import { resourceId } from "./key";
import type { Incident, IncidentChange, IncidentState, TimelineEntry } from "./state";

const STATE_LABEL: Record<IncidentState, string> = {
  open: "Open",
  remediated: "Remediated",
  resolved: "Resolved",
  muted: "Muted",
  acknowledged: "Acknowledged",
};

const STATE_EMOJI: Record<IncidentState, string> = {
  open: ":rotating_light:",
  remediated: ":hammer_and_wrench:",
  resolved: ":white_check_mark:",
  muted: ":mute:",
  acknowledged: ":eyes:",
};

const EFFECT_EMOJI: Record<TimelineEntry["effect"], string> = {
  fail: ":x:",
  pass: ":white_check_mark:",
  remediated: ":hammer_and_wrench:",
};

function color(inc: Incident): Severity {
  if (inc.state === "resolved") return "good";
  if (inc.state === "muted" || inc.state === "acknowledged") return "neutral";
  if (inc.state === "remediated") return "warning";
  return inc.severity === "critical" || inc.severity === "high" ? "danger" : "warning";
}

/** "10:00:05Z" for today's timeline lines; the full ISO time when it does not parse. */
function clock(at: string): string {
  const ms = Date.parse(at);
  return Number.isNaN(ms)
    ? at
    : new Date(ms)
        .toISOString()
        .replace(/^.*T/, "")
        .replace(/\.\d+Z$/, "Z");
}

export function timelineLine(e: TimelineEntry): string {
  return `${EFFECT_EMOJI[e.effect]} \`${clock(e.at)}\` *${esc(e.source)}*: ${esc(e.title)}`;
}

function where(inc: Incident, accountNames: Record<string, string>): string {
  const r = inc.resource;
  if (!r) return "—";
  const account = r.account
    ? accountNames[r.account]
      ? `${esc(accountNames[r.account])} (${r.account})`
      : r.account
    : "";
  return [
    code(resourceId(r.uid)),
    account,
    r.region ?? "",
    r.owner !== undefined ? `owner: ${esc(r.owner)}` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The incident's card as it should read now. */
export function incidentCard(inc: Incident, accountNames: Record<string, string> = {}): SlackMessage {
  const status = `${STATE_LABEL[inc.state]}${inc.stateBy ? ` by ${esc(inc.stateBy)}` : ""}`;
  const lines = inc.timeline.map(timelineLine);
  if (inc.omitted) lines.splice(1, 0, `… ${inc.omitted} more signal(s)`);
  const blocks: KnownBlock[] = [
    header(`${STATE_LABEL[inc.state]}: ${inc.title}`),
    ...fieldSections([
      { label: "State", value: `${STATE_EMOJI[inc.state]} ${status}` },
      { label: "Severity", value: `${SEVERITY_LEVEL_EMOJI[inc.severity]} ${inc.severity}` },
      { label: "Resource", value: where(inc, accountNames) },
      {
        label: "Signals",
        value: `${inc.signals}${inc.repeats ? ` (+${inc.repeats} repeat(s) not posted)` : ""}`,
      },
    ]),
    section(lines.join("\n")),
    ...cardEventIds(inc),
    context(`Incident ${code(inc.id)} · opened ${esc(inc.openedAt)} · details of each signal in the thread`),
  ];
  return message(
    color(inc),
    `${STATE_EMOJI[inc.state]} ${esc(STATE_LABEL[inc.state])}: ${esc(inc.title)}`,
    blocks,
  );
}

/** block_id of the line naming the events a message lists: each Slack line leads to its event. */
export const EVENT_IDS_BLOCK_ID = "event-ids";
/** Event ids per context element (each element takes up to 3,000 characters; an id is ~40 with its code marks). */
const IDS_PER_ELEMENT = 60;

/** "Event ids: `a`, `b`": the ids of the events a follow-up or listing names, for the notifier log. */
export function eventIdsBlock(ids: string[]): ContextBlock {
  const chunks: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_ELEMENT)
    chunks.push(
      `${i === 0 ? "Event ids: " : ""}${ids
        .slice(i, i + IDS_PER_ELEMENT)
        .map((id) => code(id))
        .join(", ")}`,
    );
  return { ...context(...chunks), block_id: EVENT_IDS_BLOCK_ID };
}

/**
 * The card's "Event ids:" line: one id per timeline line shown, in the same order (an entry kept
 * from before ids were recorded shows "—"), with the lines the card leaves out counted where the
 * timeline counts them, so a responder finds each line's event without opening the thread. The
 * timeline is bounded (TIMELINE_LENGTH), so this is at most 9 short items: one context element,
 * well within Block Kit's 10 elements of up to 3,000 characters each and 50 blocks per message
 * (https://api.slack.com/reference/block-kit/blocks#context); context() truncates an element
 * that would still exceed 3,000 characters.
 */
function cardEventIds(inc: Incident): ContextBlock[] {
  if (!inc.timeline.some((e) => e.eventId !== undefined)) return [];
  const items = inc.timeline.map((e) => (e.eventId !== undefined ? code(e.eventId) : "—"));
  if (inc.omitted) items.splice(1, 0, `… ${inc.omitted} not shown`);
  return [{ ...context(`Event ids: ${items.join(", ")}`), block_id: EVENT_IDS_BLOCK_ID }];
}

const CHANGE_VERB: Partial<Record<IncidentChange, string>> = {
  remediated: "remediated",
  resolved: "resolved",
  reopened: "reopened",
  joined: "escalated",
};

function eventIds(entries: TimelineEntry[]): ContextBlock[] {
  const ids = entries.map((e) => e.eventId).filter((id): id is string => id !== undefined);
  return ids.length ? [eventIdsBlock(ids)] : [];
}

/**
 * Webhook mode's follow-up: what changed and every signal joined since the incident's previous
 * post (none is left out: `inc.unposted` holds them until a post lists them).
 */
export function incidentFollowUp(inc: Incident, change: IncidentChange): SlackMessage {
  const verb = CHANGE_VERB[change] ?? change;
  const lines = inc.unposted.map(timelineLine);
  const blocks: KnownBlock[] = [
    section(`${STATE_EMOJI[inc.state]} *Incident ${esc(inc.id)} ${verb}*: ${esc(inc.title)}`),
    ...(lines.length ? [section(lines.join("\n"))] : []),
    context(`${inc.signals} signal(s) so far · ${STATE_LABEL[inc.state]} · opened ${esc(inc.openedAt)}`),
    ...eventIds(inc.unposted),
  ];
  return message(color(inc), `Incident ${esc(inc.id)} ${verb}: ${esc(inc.title)}`, blocks);
}
