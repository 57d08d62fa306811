// One invocation from SQS or SNS (the notifier queue, the critical lane, a topic): every record
// through classify, place, route, screen, hold and delivery (pipeline.ts), then the answer to Lambda. The
// digest run (digestRun.ts) sends what it reads back from the digest queue through runRecords too.
import { deadlineFrom } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { RawRecord } from "../../findings/envelopes";
import { bindAlertActions } from "../actionRecords";
import { DeliveryOptions } from "../deliver";
import { HeldWindow } from "../grouping";
import {
  IncidentGroup,
  correlate,
  deliverIncidents,
  digestLined,
  latestOf,
  markShownInDigest,
} from "../incidents/delivery";
import { incidentWaits } from "../incidents/waiting";
import { recordMuted } from "../incidents/muted";
import { postNowBecause } from "../grouping";
import { emailable } from "../incidents/email";
import { appSink, webhookSink } from "../incidents/sinks";
import { NotifierParts, STORE_CALL_CAP_MS } from "../parts";
import { Invocation, InvocationContext, RenderedMessage } from "../pipeline";
import { NotifierResponse } from "../result";
import { DigestSettings } from "../settings";
import { Webhooks } from "../webhooks";
import { classifyRecord } from "./classify";
import { sendEmails } from "./email";
import { holdForDigest, receivedBodies, sendToDigest } from "./hold";
import { isSqsEvent, parseEvent } from "./parse";
import { planPosts } from "./plan";
import { postUnits } from "./post";
import { AppTransport, postUnitsApp } from "./postApp";
import { Outcomes, newOutcomes, report } from "./report";
import { placeRecords } from "./place";
import { routeRecord } from "./route";
import { releaseUnposted } from "./screen";

/** Time kept back from the Lambda's timeout to log and answer after an AWS call gave up. */
export const REPORT_RESERVE_MS = 1000;
/** The AWS call budget when there is no Lambda context (local runs). */
export const LOCAL_BUDGET_MS = 60_000;

/** One SQS or SNS invocation: its records posted, held or skipped, and the answer for Lambda. */
export async function notifyRun(
  parts: NotifierParts,
  event: unknown,
  context: InvocationContext | undefined,
): Promise<NotifierResponse> {
  const requestId = context?.awsRequestId ?? "local";
  const deadline = deadlineFrom(context, REPORT_RESERVE_MS, LOCAL_BUDGET_MS);
  const inv: Invocation = { requestId, sqs: isSqsEvent(event), context, deadline };
  const raw = parseEvent(event, requestId);
  // Only grouping holds records back, and only it needs them as received.
  const bodies = parts.grouping ? receivedBodies(event) : undefined;
  const outcomes = await runRecords(parts, inv, raw, bodies, parts.settings.digest);
  return report(outcomes, inv);
}

/**
 * Every record through classify, route, screen and delivery. `bodies` (the messages as received)
 * lets records that can wait go to the digest queue; a digest run passes none and posts them all.
 */
export async function runRecords(
  parts: NotifierParts,
  inv: Invocation,
  raw: RawRecord[],
  bodies: Map<string, string> | undefined,
  digest: Required<DigestSettings>,
  window?: HeldWindow,
): Promise<Outcomes> {
  const { settings, incidents, grouping, digestQueue } = parts;
  const classified = raw.map((r) => classifyRecord(r, settings));
  const places = await placeRecords(classified, settings, parts.places, inv);
  let records = classified.map((c, i) => routeRecord(c, settings, places[i]));
  for (const step of parts.screenSteps) records = await step(records, inv);
  const outcomes = newOutcomes(records, inv.requestId);
  if (incidents) await recordMuted(records, incidents, inv);
  let toPost = outcomes.skipUnpostable(records);
  // Grouping on: a critical record or an alert with buttons needs someone now; the rest can wait.
  const urgent = grouping
    ? (r: RenderedMessage) => postNowBecause(r, grouping.immediateSeverity, false) !== undefined
    : undefined;
  // Signals wait for the digest by their incident's state (incidents/waiting.ts).
  if (incidents && urgent && grouping && digestQueue && bodies && toPost.length) {
    const { wait } = await incidentWaits(toPost, incidents, urgent, parts.app ? "app" : "webhook", inv);
    const held = wait.filter((r) => bodies.has(r.recordId));
    if (held.length) await sendToDigest(held, bodies, grouping, digestQueue, inv, outcomes);
    toPost = toPost.filter((r) => !held.includes(r));
  }
  // Signals about a resource join its incident first: an incident's update is never held back.
  let groups: IncidentGroup[] = [];
  if (incidents && toPost.length)
    ({ rest: toPost, groups } = await correlate(toPost, incidents, inv, outcomes));
  if (urgent) for (const g of groups) g.urgent = g.items.find((i) => urgent(i.record))?.record;
  // A digest run lists what waited as digest lines naming the incident, except (app mode) signals
  // of an incident that has its card: those join the card and its thread.
  let lined: IncidentGroup[] = [];
  if (window && grouping) {
    lined = groups.filter((g) => !parts.app || !latestOf(g).message);
    groups = groups.filter((g) => !lined.includes(g));
  }
  if (grouping && digestQueue && bodies && toPost.length)
    toPost = await holdForDigest(toPost, bodies, grouping, digestQueue, !!parts.app, inv, outcomes);
  if (toPost.length || groups.length || lined.length)
    await deliverRecords(parts, inv, toPost, outcomes, digest, window, groups, lined);
  return outcomes;
}

/** Where Slack messages go: the webhook map, or (app mode) the bot token and channel ids. */
type Destination = { hooks: Webhooks } | { transport: AppTransport };

async function deliverRecords(
  parts: NotifierParts,
  inv: Invocation,
  toPost: RenderedMessage[],
  outcomes: Outcomes,
  digest: Required<DigestSettings>,
  window: HeldWindow | undefined,
  groups: IncidentGroup[],
  lined: IncidentGroup[],
): Promise<void> {
  const { settings, incidents, publisher, alertRecords } = parts;
  const inGroups = [...groups, ...lined].flatMap((g) => g.items.map((i) => i.record));
  const dest = await loadDestination(parts, inv, [...toPost, ...inGroups], outcomes);
  if (!dest) return;
  const clock = inv.context?.getRemainingTimeInMillis;
  const opts: DeliveryOptions = { ...settings.delivery, remainingMs: clock ? () => clock() : undefined };
  let linedRecords: RenderedMessage[] = [];
  let keptLined: IncidentGroup[] = [];
  let later = async () => {};
  if ((groups.length || lined.length) && incidents) {
    // Email follows the incidents: their openings and changes of state, not every signal.
    const all = [...groups, ...lined];
    const mailed = new Set(
      await sendEmails(emailable(all), publisher, digest.threshold, inv, outcomes, settings),
    );
    const keep = (gs: IncidentGroup[]) =>
      gs
        .map((g) => ({
          ...g,
          items: g.items.filter((i) => mailed.has(i.record) || !emailable([g]).includes(i.record)),
        }))
        .filter((g) => g.items.length);
    const kept = keep(groups);
    keptLined = keep(lined);
    // Buttons in an incident act on their record, which names the incident (Mute, Acknowledge).
    if (alertRecords)
      for (const g of [...kept, ...keptLined])
        await bindAlertActions(
          g.items.map((i) => i.record),
          alertRecords,
          inv,
          STORE_CALL_CAP_MS,
          settings.worldPrefixes,
          g.key,
        );
    // What needs someone now goes first: incidents with a critical signal or an alert with buttons,
    // then the batch's own posts (those held nothing back are urgent too), then the other incidents.
    const ids = { requestId: inv.requestId };
    const sink = "hooks" in dest ? webhookSink(dest.hooks, opts, ids) : appSink(dest.transport, opts, ids);
    const deliver = async (gs: IncidentGroup[]) => {
      if (gs.length) await deliverIncidents(gs, sink, incidents, inv, outcomes, settings.accountNames);
    };
    await deliver(kept.filter((g) => g.urgent));
    later = () => deliver(kept.filter((g) => !g.urgent));
    linedRecords = keptLined.flatMap(digestLined);
  }
  await postRecords(parts, inv, toPost, linedRecords, keptLined, dest, opts, outcomes, digest, window);
  await later();
}

async function postRecords(
  parts: NotifierParts,
  inv: Invocation,
  toPost: RenderedMessage[],
  linedRecords: RenderedMessage[],
  keptLined: IncidentGroup[],
  dest: Destination,
  opts: DeliveryOptions,
  outcomes: Outcomes,
  digest: Required<DigestSettings>,
  window: HeldWindow | undefined,
): Promise<void> {
  const { settings, incidents, publisher, alertRecords } = parts;
  if (!toPost.length && !linedRecords.length) return;
  const fresh = toPost.length ? outcomes.skipUnpostable(await parts.holdBackDuplicates(toPost, inv)) : [];
  if (alertRecords && fresh.length)
    await bindAlertActions(fresh, alertRecords, inv, STORE_CALL_CAP_MS, settings.worldPrefixes);
  const toSlack = await sendEmails(fresh, publisher, digest.threshold, inv, outcomes, settings);
  // Incident signals of a digest run go in the same digest as the rest of their channel.
  const units = [...toSlack, ...linedRecords];
  if ("hooks" in dest) {
    await postUnits(planPosts(units, dest.hooks, settings, digest, window), dest.hooks, opts, inv, outcomes);
  } else {
    // planPosts only asks whether a route's destination is configured: the channel map answers that.
    const planned = planPosts(units, dest.transport.channels, settings, digest, window);
    await postUnitsApp(planned, dest.transport, opts, inv, outcomes);
  }
  const posted = outcomes.result.outcomes.filter((o) => o.status === "posted").map((o) => o.recordId);
  if (incidents)
    for (const g of keptLined)
      if (g.items.every((i) => posted.includes(i.record.recordId)))
        await markShownInDigest(g, incidents, inv);
  await releaseUnposted(
    toSlack.filter((r) => !posted.includes(r.recordId)),
    parts.store,
    inv,
    STORE_CALL_CAP_MS,
  );
}

async function loadDestination(
  parts: NotifierParts,
  inv: Invocation,
  toPost: RenderedMessage[],
  outcomes: Outcomes,
): Promise<Destination | undefined> {
  const { app, webhooks } = parts;
  if (!app) {
    const hooks = await loadOrFail(
      "Slack webhooks",
      () => webhooks.load(inv.deadline),
      toPost,
      inv,
      outcomes,
    );
    return hooks ? { hooks } : undefined;
  }
  const transport = await loadOrFail(
    "the Slack bot token or API URL",
    () => app.transport(inv),
    toPost,
    inv,
    outcomes,
  );
  return transport ? { transport } : undefined;
}

/**
 * The secret a delivery needs (webhook map or bot token), or undefined after logging why not.
 * SNS: rethrown, so Lambda's async retry and the DLQ keep the event. SQS: every record goes back.
 */
async function loadOrFail<T>(
  what: string,
  load: () => Promise<T>,
  toPost: RenderedMessage[],
  inv: Invocation,
  outcomes: Outcomes,
): Promise<T | undefined> {
  try {
    return await load();
  } catch (err) {
    log("error", `cannot load ${what}; no record was posted`, {
      requestId: inv.requestId,
      eventId: inv.requestId,
      records: toPost.map((r) => r.recordId),
      error: errorText(err),
    });
    if (!inv.sqs) throw err;
    for (const r of toPost) outcomes.fail(r, errorText(err));
    return undefined;
  }
}
