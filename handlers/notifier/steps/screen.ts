// screen: record steps between routing and planning (see RecordStep in pipeline.ts). Each returns
// every record it was given; one that should not be posted is marked `skipped` with a reason.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { RunCall } from "../../shared/deadline";
import { SeenStore } from "../../shared/seenStore";
import { MuteRule, findMute } from "../mutes";
import { Invocation, RecordStep, RenderedMessage } from "../pipeline";
import { muteReason } from "../signal";

/** How much of an unreadable record the log keeps (CloudWatch Logs takes events up to 256 KiB). */
export const LOGGED_RECORD_CHARS = 16_384;

/** The record as logged: its first LOGGED_RECORD_CHARS characters, saying when it was cut. */
function loggedRecord(raw: string): Record<string, unknown> {
  if (raw.length <= LOGGED_RECORD_CHARS) return { record: raw };
  return {
    record: raw.slice(0, LOGGED_RECORD_CHARS),
    recordTruncated: `first ${LOGGED_RECORD_CHARS} of ${raw.length} characters`,
  };
}

/** Logs the problems found in each incomplete or unreadable event under its ids (the message shows a short note). */
export const logProblems: RecordStep = (records, { requestId }) => {
  for (const r of records) {
    if (!r.problems.length) continue;
    log("error", "event is incomplete or unreadable; posting what could be read", {
      requestId,
      recordId: r.recordId,
      eventId: r.eventId ?? r.recordId,
      kind: r.kind,
      problems: r.problems,
      ...(r.raw !== undefined ? loggedRecord(r.raw) : {}),
    });
  }
  return records;
};

/**
 * Holds back events that match a live mute rule: logged with the rule (name, reason, expiry) that
 * muted them, counted per rule in one summary line, and reported as skipped with the reason.
 * Muting acts here only: the remediation rule and function never see mute rules.
 */
export function muteRecords(mutes: MuteRule[], now: () => number): RecordStep {
  return (records, { requestId }) => {
    if (!mutes.length) return records;
    const at = now();
    const counts: Record<string, number> = {};
    const out = records.map((r) => {
      if (r.skipped !== undefined || !r.message || !r.facts) return r;
      const m = findMute(mutes, r.facts, at);
      if (!m) return r;
      counts[m.name] = (counts[m.name] ?? 0) + 1;
      log("info", "event muted", {
        requestId,
        recordId: r.recordId,
        eventId: r.eventId ?? r.recordId,
        kind: r.kind,
        severity: r.severity,
        mute: m.name,
        muteReason: m.rule.reason,
        muteExpires: m.rule.expires,
      });
      return { ...r, skipped: muteReason(m), muted: m.name };
    });
    if (Object.keys(counts).length) log("info", "muted events", { requestId, muted: counts });
    return out;
  };
}

/**
 * Holds back the second copy of an event (the same verdict by the Config topic and by EventBridge,
 * a finding delivered twice): within the batch by its key, across invocations and containers by
 * claiming the key in the seen store before posting (a conditional put naming this delivery, so of
 * two copies processed at the same moment exactly one posts, and a retry of the same delivery
 * still may). A claim whose post fails is released (releaseUnposted), so nothing is lost. The store
 * is asked once per candidate, all at once; a store that does not answer is logged and the event is
 * posted: a duplicate is better than a lost alert.
 */
export function dedupeRecords(store: SeenStore | undefined, capMs: number): RecordStep {
  return async (records, { requestId, deadline }) => {
    const run: RunCall = (what, call) => deadline.run(what, call, capMs);
    const firstOf: Record<string, string> = Object.create(null);
    const sameBatch: Array<string | undefined> = records.map((r) => {
      if (r.skipped !== undefined || !r.message || !r.dedupeKey) return undefined;
      const first = firstOf[r.dedupeKey];
      if (first === undefined) firstOf[r.dedupeKey] = r.recordId;
      return first;
    });
    const seenBefore = await Promise.all(
      records.map(async (r, i) => {
        if (!store || sameBatch[i] !== undefined || r.skipped !== undefined || !r.message || !r.dedupeKey)
          return false;
        try {
          // Claimed before posting, by this delivery (the queue message): of two copies processed
          // at the same moment in two containers exactly one wins; a retry of the winner wins again.
          return !(await store.claim(r.dedupeKey, r.recordId, run));
        } catch (err) {
          log("error", "de-duplication store did not answer; posting the event", {
            requestId,
            recordId: r.recordId,
            eventId: r.eventId ?? r.recordId,
            error: errorText(err),
          });
          return false;
        }
      }),
    );
    return records.map((r, i) => {
      const first = sameBatch[i];
      if (first === undefined && !seenBefore[i]) return r;
      log("info", "duplicate event held back", {
        requestId,
        recordId: r.recordId,
        eventId: r.eventId ?? r.recordId,
        kind: r.kind,
        dedupeKey: r.dedupeKey,
        ...(first ? { sameAs: first } : {}),
      });
      return {
        ...r,
        skipped: first
          ? `duplicate of record ${first} in this batch (same event by another path)`
          : "duplicate of an event already posted (same event by another path)",
      };
    });
  };
}

/**
 * After posting: gives up the claims of records that were not posted (a failed post, or no time
 * left), so the copy by the other path, or the retry, may still be posted.
 */
export async function releaseUnposted(
  unposted: RenderedMessage[],
  store: SeenStore | undefined,
  { requestId, deadline }: Invocation,
  capMs: number,
): Promise<void> {
  if (!store) return;
  const run: RunCall = (what, call) => deadline.run(what, call, capMs);
  for (const r of unposted) {
    if (!r.dedupeKey) continue;
    try {
      await store.release(r.dedupeKey, r.recordId, run);
    } catch (err) {
      // Only this delivery's retry (same owner) can post it now; the record is failed and retried.
      log("error", "could not release the claim of an unposted event; only its retry can post it", {
        requestId,
        recordId: r.recordId,
        eventId: r.eventId ?? r.recordId,
        dedupeKey: r.dedupeKey,
        error: errorText(err),
      });
    }
  }
}
