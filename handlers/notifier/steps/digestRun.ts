// A digest run (the schedule's invocation, grouping on): takes what the digest queue holds, posts
// it as one digest per destination, and deletes what was posted or skipped. A record that failed
// stays in the queue and comes back after its visibility timeout (the dead-letter queue after 5
// receives).
import { deadlineFrom } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { ReceivedMessage } from "../digestQueue";
import { NotifierParts } from "../parts";
import { Invocation, InvocationContext } from "../pipeline";
import { DigestRunResult, SqsBatchResponse } from "../result";
import { parseEvent } from "./parse";
import { report } from "./report";
import { LOCAL_BUDGET_MS, REPORT_RESERVE_MS, runRecords } from "./run";

export async function digestRun(
  parts: NotifierParts,
  context: InvocationContext | undefined,
): Promise<DigestRunResult> {
  const requestId = context?.awsRequestId ?? "local";
  const { grouping, digestQueue } = parts;
  const deadline = deadlineFrom(context, REPORT_RESERVE_MS, LOCAL_BUDGET_MS);
  if (!grouping || !digestQueue) {
    log("error", "digest run without grouping settings: nothing to do", { requestId, eventId: requestId });
    throw new Error("this notifier has no grouping settings (grouping.queueUrl), so it holds no digest");
  }
  const max = grouping.maxEventsPerRun;
  // Hidden for the rest of this run and a margin, so no other run takes them meanwhile.
  const visibility = Math.ceil(deadline.remainingMs() / 1000) + REPORT_RESERVE_MS / 1000 + 30;
  const startMs = deadline.remainingMs();
  const received: ReceivedMessage[] = [];
  // Receive while at least half of the run's time is left for posting.
  while (received.length < max && deadline.remainingMs() > startMs / 2) {
    let got: ReceivedMessage[];
    try {
      got = await digestQueue.receive(visibility, deadline);
    } catch (err) {
      log(received.length ? "warn" : "error", "digest run: could not read the digest queue", {
        requestId,
        eventId: requestId,
        received: received.length,
        error: errorText(err),
      });
      if (!received.length) throw err;
      break;
    }
    if (!got.length) break;
    received.push(...got);
  }
  if (!received.length) {
    log("info", "digest run: no event is held", { requestId, eventId: requestId });
    return { requestId, held: 0, posted: 0, skipped: 0, failed: 0 };
  }
  const inv: Invocation = { requestId, sqs: true, context, deadline };
  const event = {
    Records: received.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: { ApproximateReceiveCount: m.receiveCount },
      eventSource: "aws:sqs",
    })),
  };
  const outcomes = await runRecords(parts, inv, parseEvent(event, requestId), undefined, parts.windowDigest, {
    windowMinutes: grouping.windowMinutes,
    immediate: grouping.immediateSeverity,
  });
  const answer = report(outcomes, inv) as SqsBatchResponse;
  const retry = new Set(answer.batchItemFailures.map((f) => f.itemIdentifier));
  const done = received.filter((m) => !retry.has(m.messageId));
  const notDeleted = await digestQueue.remove(
    done.map((m) => m.receiptHandle),
    deadline,
  );
  if (notDeleted.size)
    log(
      "error",
      "digest run: handled events could not be deleted from the digest queue; they will be posted again",
      {
        requestId,
        eventId: requestId,
        records: done.filter((m) => notDeleted.has(m.receiptHandle)).map((m) => m.messageId),
        errors: [...new Set(notDeleted.values())],
      },
    );
  const { posted, skipped, failed } = outcomes.result;
  log("info", "digest run done", {
    requestId,
    eventId: requestId,
    held: received.length,
    posted,
    skipped,
    failed,
  });
  return { requestId, held: received.length, posted, skipped, failed };
}
