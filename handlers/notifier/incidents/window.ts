// A window of events through the notifier's incidents without AWS or Slack: each event (or batch)
// in order is rendered, its signals applied to an in-memory incident store at the event's own
// time, and what the notifier would send is recorded (posts, updates, replies). Shared by
// `npm run render -- FILE [FILE...]` and the noise benchmark, so both say what the function does.
import { deadlineFrom } from "../../shared/deadline";
import type { Invocation, RenderedMessage } from "../pipeline";
import { renderMessages } from "../render";
import type { NotifierSettings } from "../settings";
import { newOutcomes } from "../steps/report";
import type { RecordOutcome } from "../result";
import { correlate, deliverIncidents } from "./delivery";
import { Recorded, recordingSink } from "./sinks";
import { createIncidentStore, memoryIncidentRecords } from "./store";

export interface WindowResult extends Recorded {
  /** Every record's outcome, in order (skipped ones with their reason). */
  outcomes: RecordOutcome[];
}

/** The time a record orders itself by (its signal's, else now). */
function timeOf(records: RenderedMessage[], fallback: number): number {
  const t = records.map((r) => Date.parse(r.signal?.time ?? "")).find((ms) => Number.isFinite(ms));
  return t ?? fallback;
}

/**
 * Renders `batches` (each an event as the notifier receives it) in order as one window. `mode`:
 * app (a card updated in place, details in its thread) or webhook.
 */
export async function renderWindow(
  batches: unknown[],
  settings: NotifierSettings,
  mode: "app" | "webhook",
): Promise<WindowResult> {
  const recorded: Recorded = { posts: [], updates: [], replies: [] };
  const clock = { ms: Date.now() };
  const store = createIncidentStore({
    records: memoryIncidentRecords(),
    windowSeconds: settings.incidents?.windowSeconds,
    now: () => clock.ms,
  });
  const sink = recordingSink(mode, recorded);
  const outcomesAll: RecordOutcome[] = [];
  for (const [n, event] of batches.entries()) {
    const records = renderMessages(event, settings).map((r) => ({
      ...r,
      recordId: `${n + 1}:${r.recordId}`,
    }));
    clock.ms = timeOf(records, clock.ms);
    const inv: Invocation = {
      requestId: `window-${n + 1}`,
      sqs: false,
      deadline: deadlineFrom(undefined, 0, 60_000),
    };
    const outcomes = newOutcomes(records, inv.requestId);
    const postable = outcomes.skipUnpostable(records);
    const { rest, groups } = await correlate(postable, store, inv, outcomes);
    await deliverIncidents(groups, sink, store, inv, outcomes, settings.accountNames);
    for (const r of rest) {
      await sink.post(r, r.message!);
      outcomes.add(r, { status: "posted" });
    }
    outcomes.sortByRecord();
    outcomesAll.push(...outcomes.result.outcomes);
  }
  return { ...recorded, outcomes: outcomesAll };
}
