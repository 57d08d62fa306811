// screen: record steps between routing and planning (see RecordStep in pipeline.ts). Each returns
// every record it was given; one that should not be posted is marked `skipped` with a reason.
import { log } from "../../shared/log";
import { RecordStep } from "../pipeline";

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
