// report: every record's outcome (posted, skipped, failed), then the invocation's answer. SQS: a
// partial batch response naming exactly the failed records, which SQS redelivers. Otherwise: the
// result, or a NotifierDeliveryError when any record failed, so Lambda's retry and the DLQ keep it.
import { log } from "../../shared/log";
import { Invocation, RenderedMessage } from "../pipeline";
import { NotifierResponse, NotifierResult, RecordOutcome, notifierDeliveryError } from "../result";

type OutcomeFields = Omit<RecordOutcome, "recordId" | "eventId" | "kind" | "webhook">;

export interface Outcomes {
  result: NotifierResult;
  /** Puts the outcomes in record order, whatever order the posts went out in. */
  sortByRecord(): void;
  add(r: RenderedMessage, o: OutcomeFields): void;
  /** Records every skipped record (logged with its reason) and returns the rest, in order. */
  skipUnpostable(records: RenderedMessage[]): RenderedMessage[];
  fail(r: RenderedMessage, error: string, attempts?: number, digest?: RecordOutcome["digest"]): void;
}

export function newOutcomes(records: RenderedMessage[], requestId: string): Outcomes {
  const result: NotifierResult = {
    requestId,
    records: records.length,
    posted: 0,
    skipped: 0,
    failed: 0,
    messages: 0,
    outcomes: [],
  };
  const position = new Map(records.map((r, i) => [r, i] as const));
  const rank = new Map<RecordOutcome, number>();
  const add = (r: RenderedMessage, o: OutcomeFields): void => {
    const full: RecordOutcome = {
      recordId: r.recordId,
      eventId: r.eventId,
      kind: r.kind,
      webhook: r.webhook,
      ...o,
    };
    rank.set(full, position.get(r) ?? 0);
    result.outcomes.push(full);
    if (o.status === "posted") result.posted++;
    else if (o.status === "failed") result.failed++;
    else result.skipped++;
  };
  return {
    result,
    sortByRecord: () => void result.outcomes.sort((a, b) => rank.get(a)! - rank.get(b)!),
    add,
    skipUnpostable(list) {
      return list.filter((r) => {
        if (r.skipped === undefined && r.message) return true;
        log("info", "record skipped", {
          requestId,
          recordId: r.recordId,
          eventId: r.eventId ?? r.recordId,
          kind: r.kind,
          reason: r.skipped,
        });
        add(r, { status: "skipped", ...(r.skipped !== undefined ? { reason: r.skipped } : {}) });
        return false;
      });
    },
    fail(r, error, attempts, digest) {
      add(r, {
        status: "failed",
        ...(attempts !== undefined ? { attempts } : {}),
        error,
        ...(digest ? { digest } : {}),
      });
    },
  };
}

function logFailures(failed: RecordOutcome[], requestId: string): void {
  for (const f of failed) {
    log("error", "Slack post failed after retries", {
      requestId,
      recordId: f.recordId,
      eventId: f.eventId ?? f.recordId,
      webhook: f.webhook,
      attempts: f.attempts,
      error: f.error,
    });
  }
}

export function report(outcomes: Outcomes, inv: Invocation): NotifierResponse {
  const { result } = outcomes;
  const { requestId } = inv;
  outcomes.sortByRecord();
  const failed = result.outcomes.filter((o) => o.status === "failed");
  logFailures(failed, requestId);
  const posted = result.outcomes.filter((o) => o.status === "posted").map((o) => o.recordId);
  const summary = {
    requestId,
    eventId: requestId,
    records: result.records,
    posted: result.posted,
    skipped: result.skipped,
    messages: result.messages,
  };
  if (inv.sqs) {
    const retry = [...new Set(failed.map((f) => f.recordId))];
    if (failed.length)
      log("error", "notifier batch partly failed; SQS will redeliver the failed records", {
        ...summary,
        failed: retry,
        alreadyPosted: posted,
      });
    else log("info", "notifier done", summary);
    return { batchItemFailures: retry.map((id) => ({ itemIdentifier: id })) };
  }
  if (!failed.length) {
    log("info", "notifier done", summary);
    return result;
  }
  log("error", "notifier batch partly failed; Lambda will retry the whole event", {
    requestId,
    eventId: requestId,
    failed: failed.map((f) => f.recordId),
    alreadyPosted: posted,
  });
  throw notifierDeliveryError(
    `${result.failed} of ${result.records} record(s) failed to post to Slack (${failed.map((f) => f.recordId).join(", ")}); ${posted.length} posted`,
    result,
  );
}
