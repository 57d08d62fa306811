// parse: what Lambda delivered -> one RawRecord per message (envelopes.ts), and whether it came
// from SQS (which decides how failures are reported). An event that is unusable as a whole is
// logged under the request id and thrown as NotifierInputError.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { isNamed } from "../../shared/namedError";
import { RawRecord, notifierInputError, unwrap } from "../../findings/envelopes";

/** An SQS event source mapping's event: every record comes from SQS. */
export function isSqsEvent(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (r) =>
        typeof r === "object" && r !== null && (r as { eventSource?: unknown }).eventSource === "aws:sqs",
    )
  );
}

export function parseEvent(event: unknown, requestId: string): RawRecord[] {
  try {
    return unwrap(event);
  } catch (err) {
    log("error", "notifier received an unusable event", {
      requestId,
      eventId: requestId,
      error: errorText(err),
    });
    if (isNamed(err, "NotifierInputError")) throw err;
    throw notifierInputError(`could not read the event: ${errorText(err)}`);
  }
}
