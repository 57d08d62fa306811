// Incidents in the notifier: `correlate` applies each record's signal to its incident (store.ts)
// and groups the batch's records by incident; `deliverIncidents` turns each group into Slack calls
// through a sink (app mode, webhook mode, or the recorder `npm run render` prints).
//
// App mode: the incident's card is posted once (chat.postMessage) and rewritten in place
// (chat.update) as signals join; each signal's own message goes in the card's thread (a flood of
// more than MAX_RICH_REPLIES signals in one batch: one reply listing them all).
//
// Webhook mode (incoming webhooks cannot update or thread: https://api.slack.com/messaging/webhooks):
// the opening signal's own message, marked with its incident; then one short follow-up per change
// of state (remediated, resolved, reopened) or rise in severity, each listing every signal joined
// since the incident's previous post. A signal that changes neither waits, recorded on the
// incident, for the next follow-up: Slack stays quiet and no signal is left out of the channel's
// account of the incident once it changes.
//
// Repeats (the same finding saying the same again, such as GuardDuty's re-publication of an active
// finding every 6 h) and passing verdicts with no open incident are skipped with that reason.
// A store that does not answer leaves the record to be posted on its own: nothing is lost.
import type { KnownBlock } from "@slack/types";
import type { RunCall } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import type { Invocation, RenderedMessage } from "../pipeline";
import { LIMITS, SlackMessage, code, context, esc, message as buildMessage, section } from "../slack";
import type { Outcomes } from "../steps/report";
import { eventIdsBlock, incidentCard, incidentFollowUp, timelineLine } from "./card";
import type { IncidentSignal } from "./signal";
import { type IncidentStore, hasOwnPost } from "./store";
import { Applied, Incident, IncidentChange, IncidentMessage, deliveryToken, moreSevere } from "./state";

/** The longest one incident-store call may take (within the invocation's deadline). */
const STORE_CALL_CAP_MS = 1500;
/** A card being posted by another batch right now: look once more after this long. */
const CARD_RETRY_DELAY_MS = 2000;
/** Signals of one incident in one batch replied to one by one; more become one listing reply. */
export const MAX_RICH_REPLIES = 3;

export interface IncidentItem {
  record: RenderedMessage;
  signal: IncidentSignal;
  applied: Applied;
}

export interface IncidentGroup {
  key: string;
  items: IncidentItem[];
  /**
   * The group's first critical signal or alert with buttons (grouping on): an incident shown only
   * in digests so far gets a top-level message of its own for it.
   */
  urgent?: RenderedMessage;
}

/** Where incident messages go. `post` answers where the message is (app mode) or nothing (webhook). */
export interface IncidentSink {
  mode: "app" | "webhook";
  post(record: RenderedMessage, message: SlackMessage): Promise<IncidentMessage | undefined>;
  update(where: IncidentMessage, message: SlackMessage): Promise<void>;
  reply(where: IncidentMessage, message: SlackMessage): Promise<IncidentMessage>;
}

/** The invocation's deadline for one store call (a function declaration: see the closure note in DESIGN.md). */
export function storeCall(inv: Invocation): RunCall {
  return (what, call) => inv.deadline.run(what, call, STORE_CALL_CAP_MS);
}

const SKIP_REASON: Partial<Record<IncidentChange, (inc: Incident | undefined) => string>> = {
  repeat: (inc) => `repeat of a finding already in incident ${inc?.id ?? "?"} (not posted again)`,
  unmatched: () => "passing verdict with no open incident: nothing to resolve",
};

/**
 * Applies every record's signal to its incident. Records without a signal, or whose store call
 * failed (logged), come back in `rest` to be posted as before; repeats are recorded as skipped.
 */
export async function correlate(
  records: RenderedMessage[],
  store: IncidentStore,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<{ rest: RenderedMessage[]; groups: IncidentGroup[] }> {
  const rest: RenderedMessage[] = [];
  const groups = new Map<string, IncidentGroup>();
  // A correlation that lists its members first, so members in the same batch join it.
  const ordered = [
    ...records.filter((r) => r.signal?.correlation?.members?.length),
    ...records.filter((r) => !r.signal?.correlation?.members?.length),
  ];
  for (const record of ordered) {
    const signal = record.signal;
    if (!signal) {
      rest.push(record);
      continue;
    }
    let key: string | undefined;
    let applied: Applied;
    try {
      key = await store.keyOf(signal, storeCall(inv));
      if (!key) {
        rest.push(record);
        continue;
      }
      applied = await store.apply(
        key,
        { ...signal, eventId: record.eventId ?? record.recordId },
        storeCall(inv),
        record.recordId,
      );
    } catch (err) {
      log("error", "incident store did not answer; posting the event on its own", {
        requestId: inv.requestId,
        recordId: record.recordId,
        eventId: record.eventId ?? record.recordId,
        incidentKey: key,
        error: errorText(err),
      });
      rest.push(record);
      continue;
    }
    const skip = SKIP_REASON[applied.change];
    if (skip) {
      const reason = skip(applied.incident);
      log("info", "record skipped", {
        requestId: inv.requestId,
        recordId: record.recordId,
        eventId: record.eventId ?? record.recordId,
        incidentKey: key,
        reason,
      });
      outcomes.add(record, { status: "skipped", reason });
      continue;
    }
    const group = groups.get(key) ?? { key, items: [] };
    group.items.push({ record, signal, applied });
    groups.set(key, group);
  }
  return { rest, groups: [...groups.values()] };
}

/** The signal's own message with a line naming its incident (webhook mode's first post). */
export function withIncidentNote(
  msg: SlackMessage,
  inc: Incident,
  text = `Incident ${code(inc.id)}: later signals about this resource are posted as one short update per change of state`,
): SlackMessage {
  const note = context(text);
  const [first, ...others] = msg.attachments;
  const blocks = first.blocks as KnownBlock[];
  const kept = [
    ...blocks.slice(0, Math.max(0, Math.min(blocks.length - 1, LIMITS.blocks - 2))),
    note,
    ...blocks.slice(-1),
  ];
  return { ...msg, attachments: [{ ...first, blocks: blocks.length ? kept : [note] }, ...others] };
}

/** One reply listing a flood of signals (more than MAX_RICH_REPLIES in one batch). */
function listingReply(items: IncidentItem[], inc: Incident): SlackMessage {
  const lines = items.map((i) =>
    timelineLine({
      at: i.signal.time,
      source: i.signal.source,
      title: i.signal.title,
      effect: i.signal.effect,
      severity: i.signal.severity,
    }),
  );
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < lines.length; i += 20) blocks.push(section(lines.slice(i, i + 20).join("\n")));
  blocks.push(context(`${items.length} signals joined incident ${code(inc.id)}`));
  blocks.push(eventIdsBlock(items.map((i) => i.record.eventId ?? i.record.recordId)));
  const worst = items.map((i) => i.signal.severity).reduce(moreSevere);
  return buildMessage(
    worst === "critical" || worst === "high" ? "danger" : "warning",
    `${items.length} signals joined incident ${esc(inc.id)}`,
    blocks,
  );
}

const tokens = (group: IncidentGroup) => group.items.map((i) => deliveryToken(i.signal, i.record.recordId));

export function latestOf(group: IncidentGroup): Incident {
  return group.items[group.items.length - 1].applied.incident!;
}

/**
 * Whether this batch must post the incident's first message of its own: it opened it (or retries
 * that post), or it carries the first urgent signal of an incident shown only in digests so far.
 */
function opensHere(group: IncidentGroup): boolean {
  return (
    group.items.some(
      (i) => i.applied.change === "opened" || (i.applied.change === "retry" && !i.applied.before?.posted),
    ) ||
    (group.urgent !== undefined && !hasOwnPost(latestOf(group)))
  );
}

function changed(a: Incident, b: Incident): boolean {
  return (
    a.signals !== b.signals || a.state !== b.state || a.severity !== b.severity || a.stateBy !== b.stateBy
  );
}

/** One incident's app-mode delivery between its steps (see deliverIncidents). */
interface AppState {
  group: IncidentGroup;
  inc: Incident;
  where: IncidentMessage;
  /** Its card was posted by this batch (no update needed before the replies). */
  fresh: boolean;
}

/**
 * The card step: posts the incident's card if this batch opens it; answers where the card is, or
 * undefined once the signals were posted on their own (card not posted yet by another batch).
 */
async function openApp(
  group: IncidentGroup,
  sink: IncidentSink,
  store: IncidentStore,
  inv: Invocation,
  outcomes: Outcomes,
  accountNames: Record<string, string>,
): Promise<AppState | undefined> {
  let inc = latestOf(group);
  const head = group.items[0].record;
  let where = inc.message;
  if (!where && opensHere(group)) {
    where = await sink.post(head, incidentCard(inc, accountNames));
    if (!where) throw new Error("app mode: Slack answered no message ts for the incident's card");
    outcomes.result.messages++;
    inc =
      (await store.markDelivered(
        group.key,
        inc.id,
        { tokens: [], message: where, shown: "own" },
        storeCall(inv),
      )) ?? inc;
    return { group, inc, where, fresh: true };
  }
  if (!where) {
    // Another batch opened this incident and is posting its card: give it a moment.
    await new Promise<void>((r) => setTimeout(r, CARD_RETRY_DELAY_MS));
    const now = await store.get(group.key, storeCall(inv));
    where = now?.id === inc.id ? now.message : undefined;
    if (!where) {
      log(
        "warn",
        "incident card not posted yet by the batch that opened it; posting these signals on their own",
        {
          requestId: inv.requestId,
          incidentKey: group.key,
          incident: inc.id,
        },
      );
      for (const item of group.items) {
        const posted = await sink.post(item.record, withIncidentNote(item.record.message!, inc));
        outcomes.result.messages++;
        outcomes.add(item.record, {
          status: "posted",
          ...(posted ? { channel: posted.channel, ts: posted.ts } : {}),
        });
      }
      await store.markDelivered(group.key, inc.id, { tokens: tokens(group) }, storeCall(inv));
      return undefined;
    }
    inc = now!;
  }
  return { group, inc, where, fresh: false };
}

/** The update step: an existing card rewritten in place with the batch's signals. */
async function refreshApp(s: AppState, sink: IncidentSink, accountNames: Record<string, string>) {
  if (!s.fresh) await sink.update(s.where, incidentCard(s.inc, accountNames));
}

/** The reply step: each signal in the card's thread (a flood: one listing reply), then recorded. */
async function replyApp(
  s: AppState,
  sink: IncidentSink,
  store: IncidentStore,
  inv: Invocation,
  outcomes: Outcomes,
  accountNames: Record<string, string>,
): Promise<void> {
  const { group, inc, where } = s;
  const replies =
    group.items.length <= MAX_RICH_REPLIES
      ? group.items.map((i) => ({ items: [i], message: i.record.message! }))
      : [{ items: group.items, message: listingReply(group.items, inc) }];
  for (const r of replies) {
    const reply = await sink.reply(where, r.message);
    outcomes.result.messages++;
    for (const item of r.items)
      outcomes.add(item.record, {
        status: "posted",
        channel: reply.channel,
        ts: reply.ts,
        threadTs: where.ts,
      });
  }
  const stored = await store.markDelivered(group.key, inc.id, { tokens: tokens(group) }, storeCall(inv));
  // Signals that joined while this batch posted: the card shows them too.
  if (stored && changed(stored, inc)) await sink.update(where, incidentCard(stored, accountNames));
}

async function deliverWebhook(
  group: IncidentGroup,
  sink: IncidentSink,
  store: IncidentStore,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  const inc = latestOf(group);
  const uids = tokens(group);
  // The urgent signal (an escalation of an incident shown only in digests) leads; else the first.
  const head = group.items.find((i) => i.record === group.urgent) ?? group.items[0];
  const opening = opensHere(group);
  if (opening) {
    await sink.post(head.record, withIncidentNote(head.record.message!, inc));
    outcomes.result.messages++;
    outcomes.add(head.record, { status: "posted" });
  }
  const later = opening ? group.items.filter((i) => i !== head) : group.items;
  const shown = opening ? { shown: "own" as const } : {};
  const significant = [...later]
    .reverse()
    .find(
      (i) =>
        i.applied.change === "remediated" ||
        i.applied.change === "resolved" ||
        i.applied.change === "reopened" ||
        (i.applied.change === "joined" &&
          i.applied.before &&
          moreSevere(i.signal.severity, i.applied.before.severity) !== i.applied.before.severity),
    );
  if (significant) {
    const listed = inc.unposted;
    await sink.post(significant.record, incidentFollowUp(inc, significant.applied.change));
    outcomes.result.messages++;
    for (const item of later) outcomes.add(item.record, { status: "posted" });
    await store.markDelivered(group.key, inc.id, { tokens: uids, listed, ...shown }, storeCall(inv));
    return;
  }
  for (const item of later) {
    const reason = `joined incident ${inc.id} without changing it; listed in its next update`;
    log("info", "signal joined its incident (not posted now)", {
      requestId: inv.requestId,
      recordId: item.record.recordId,
      eventId: item.record.eventId ?? item.record.recordId,
      incidentId: inc.id,
      reason,
    });
    outcomes.add(item.record, { status: "skipped", reason });
  }
  await store.markDelivered(group.key, inc.id, { tokens: uids, ...shown }, storeCall(inv));
}

/**
 * Every incident group to Slack; a group that fails is reported failed (its records come back).
 * App mode goes step by step over the groups: every new card, then every card update, then the
 * thread replies, so the cards that tell someone to look land first: past a short burst, each
 * channel's posts are paced (Slack's chat.postMessage allows about one per second per channel:
 * https://docs.slack.dev/apis/web-api/rate-limits; see channelPacer). Callers pass urgent groups first.
 */
export async function deliverIncidents(
  groups: IncidentGroup[],
  sink: IncidentSink,
  store: IncidentStore,
  inv: Invocation,
  outcomes: Outcomes,
  accountNames: Record<string, string> = {},
): Promise<void> {
  const tracked = groups.map((group) => {
    const done = new Set<RenderedMessage>();
    const tracking: Outcomes = {
      ...outcomes,
      add: (r, o) => {
        done.add(r);
        outcomes.add(r, o);
      },
    };
    return { group, tracking, done, failed: false };
  });
  const step = async (t: (typeof tracked)[number], run: () => Promise<void>) => {
    if (t.failed) return;
    try {
      await run();
    } catch (err) {
      t.failed = true;
      log("error", "incident delivery failed", {
        requestId: inv.requestId,
        incidentKey: t.group.key,
        error: errorText(err),
      });
      for (const item of t.group.items)
        if (!t.done.has(item.record)) outcomes.fail(item.record, errorText(err));
    }
  };
  if (sink.mode !== "app") {
    for (const t of tracked) await step(t, () => deliverWebhook(t.group, sink, store, inv, t.tracking));
    return;
  }
  const opened = new Map<(typeof tracked)[number], AppState>();
  for (const t of tracked)
    await step(t, async () => {
      const s = await openApp(t.group, sink, store, inv, t.tracking, accountNames);
      if (s) opened.set(t, s);
    });
  for (const [t, s] of opened) await step(t, () => refreshApp(s, sink, accountNames));
  for (const [t, s] of opened) await step(t, () => replyApp(s, sink, store, inv, t.tracking, accountNames));
}

const LINE_VERB: Record<IncidentChange, string> = {
  opened: "opened",
  joined: "joined",
  remediated: "remediated",
  resolved: "resolved",
  reopened: "reopened",
  repeat: "joined",
  unmatched: "joined",
  retry: "joined",
};

/**
 * A digest run's incident signals as records for the digest: each line names its incident and
 * what the signal did to it ("incident `ID` resolved"); alone in the window, the signal's own
 * message carries the same note.
 */
export function digestLined(group: IncidentGroup): RenderedMessage[] {
  const inc = latestOf(group);
  return group.items.map((i) => {
    const what = `incident ${code(inc.id)} ${LINE_VERB[i.applied.change]}`;
    return {
      ...i.record,
      incident: what,
      message: withIncidentNote(
        i.record.message!,
        inc,
        `Incident ${code(inc.id)} ${LINE_VERB[i.applied.change]} · ${esc(inc.title)}: its later signals are listed in the digest, and its first critical signal is posted at once`,
      ),
    };
  });
}

/** After a digest run posted the group's lines: the incident is in Slack, by digest lines so far. */
export async function markShownInDigest(
  group: IncidentGroup,
  store: IncidentStore,
  inv: Invocation,
): Promise<void> {
  const inc = latestOf(group);
  const listed = group.items.map((i) => ({
    at: i.signal.time,
    source: i.signal.source,
    title: i.signal.title,
    effect: i.signal.effect,
    severity: i.signal.severity,
  }));
  try {
    await store.markDelivered(
      group.key,
      inc.id,
      { tokens: tokens(group), listed, shown: "digest" },
      storeCall(inv),
    );
  } catch (err) {
    // The lines are in Slack; only the incident's record of it is behind (a later signal may post again).
    log("error", "could not record on its incident that the digest listed these signals", {
      requestId: inv.requestId,
      incidentKey: group.key,
      incident: inc.id,
      records: group.items.map((i) => i.record.recordId),
      error: errorText(err),
    });
  }
}
