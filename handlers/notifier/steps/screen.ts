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
      return { ...r, skipped: muteReason(m) };
    });
    if (Object.keys(counts).length) log("info", "muted events", { requestId, muted: counts });
    return out;
  };
}

/**
 * Holds back the second copy of an event (the same verdict by the Config topic and by EventBridge):
 * within the batch by its key, across invocations by the seen store, which holds the keys of
 * events already posted (remembered after a successful post, so a failed post is retried, never
 * lost). The store is asked once per candidate, all at once. A store that does not answer is
 * logged and the event is posted: a duplicate is better than a lost alert. Two copies in two
 * batches processed at the same moment may both post.
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
          return await store.seen(r.dedupeKey, run);
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

/** After posting: remembers the keys of posted events, so a later copy is held back. */
export async function rememberPosted(
  posted: RenderedMessage[],
  store: SeenStore | undefined,
  { requestId, deadline }: Invocation,
  capMs: number,
): Promise<void> {
  if (!store) return;
  const run: RunCall = (what, call) => deadline.run(what, call, capMs);
  for (const r of posted) {
    if (!r.dedupeKey) continue;
    try {
      await store.recordOnce(r.dedupeKey, run);
    } catch (err) {
      // The post happened; only a later copy may now be posted again. Say so, do not fail the record.
      log("error", "could not remember a posted event; a copy by another path may be posted too", {
        requestId,
        recordId: r.recordId,
        eventId: r.eventId ?? r.recordId,
        dedupeKey: r.dedupeKey,
        error: errorText(err),
      });
    }
  }
}
