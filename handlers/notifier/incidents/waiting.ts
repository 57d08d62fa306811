// Incidents with grouping on: which signals wait for the digest. An incident is news when it opens
// or gets worse, not each time a signal joins it, so below-critical signals do not post at once:
//
//   - an incident's opening waits for the digest (a line naming the incident) unless a signal of it
//     in the batch is critical or carries buttons (an alert that needs someone now);
//   - an incident shown only in digests so far gets a top-level message of its own for its first
//     critical signal or alert with buttons (delivery.ts: the group's `urgent` record);
//   - app mode: a signal of an incident that has its card joins it at once (the card is rewritten
//     in place, the signal goes in its thread: no new top-level message);
//   - webhook mode (no edits, no threads): after the incident's own message, its later signals
//     wait for the digest too, listed as lines naming the incident and what changed (remediated,
//     resolved), except one that reopens it or raises its severity, posted at once. Quiet, but
//     nothing hidden: every signal reaches the channel, as a message or a digest line.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import type { Invocation, RenderedMessage } from "../pipeline";
import { storeCall } from "./delivery";
import { Incident, applySignal, rank } from "./state";
import { type IncidentStore, hasOwnPost } from "./store";

export interface Waiting {
  /** Signal records that go to the digest queue. */
  wait: RenderedMessage[];
  /** Everything else, in order: posted (or joined to its incident) now. */
  now: RenderedMessage[];
}

/**
 * Splits `records` by their incidents' state (read, not changed: a waiting signal joins its
 * incident when the digest run posts it). `urgent`: a critical record or an alert with buttons.
 * A store that does not answer leaves the record to be posted now (correlate logs it).
 */
export async function incidentWaits(
  records: RenderedMessage[],
  store: IncidentStore,
  urgent: (r: RenderedMessage) => boolean,
  mode: "app" | "webhook",
  inv: Invocation,
): Promise<Waiting> {
  const byKey = new Map<string, RenderedMessage[]>();
  const keyless = new Set<RenderedMessage>();
  for (const r of records) {
    if (!r.signal) continue;
    try {
      const key = await store.keyOf(r.signal, storeCall(inv));
      if (key) byKey.set(key, [...(byKey.get(key) ?? []), r]);
      else keyless.add(r);
    } catch (err) {
      log("warn", "incident store did not answer; the signal is not held for the digest", {
        requestId: inv.requestId,
        recordId: r.recordId,
        eventId: r.eventId ?? r.recordId,
        error: errorText(err),
      });
      keyless.add(r);
    }
  }
  const wait = new Set<RenderedMessage>();
  for (const [key, group] of byKey) {
    let current: Incident | undefined;
    try {
      current = await store.get(key, storeCall(inv));
    } catch (err) {
      log("warn", "incident store did not answer; the signals are not held for the digest", {
        requestId: inv.requestId,
        incidentKey: key,
        records: group.map((r) => r.recordId),
        error: errorText(err),
      });
      continue;
    }
    const own = current !== undefined && hasOwnPost(current);
    if (mode === "app") {
      if (!own && !group.some(urgent)) for (const r of group) wait.add(r);
      continue;
    }
    // Webhook mode: one record claims the incident's own message; later ones wait unless news.
    let claimed = own;
    for (const r of group) {
      if (urgent(r) && !claimed) {
        claimed = true;
        continue;
      }
      if (urgent(r) && current && isNews(key, current, r)) continue;
      wait.add(r);
    }
  }
  return { wait: records.filter((r) => wait.has(r)), now: records.filter((r) => !wait.has(r)) };
}

/** Whether the signal would reopen the incident or raise its severity (posted at once). */
function isNews(key: string, current: Incident, r: RenderedMessage): boolean {
  const a = applySignal(key, current, r.signal!, current.lastSignalAtMs);
  return a.change === "reopened" || rank(r.signal!.severity) < rank(current.severity);
}
