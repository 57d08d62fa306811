// screen: record steps between routing and planning (see RecordStep in pipeline.ts). Each returns
// every record it was given; one that should not be posted is marked `skipped` with a reason.
import { log } from "../../shared/log";
import { RecordStep } from "../pipeline";

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
    });
  }
  return records;
};
