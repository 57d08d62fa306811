// Unwraps what Lambda receives into one record per message: a Lambda SNS event (every record), an
// SQS event (bodies may be SNS notifications, EventBridge events or bare messages), an SNS
// notification document, or a single payload (raw EventBridge event, bare Config/alarm message).
// Event shapes: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html and /with-sqs.html.
import { namedError } from "../shared/namedError";
import { Json, isObject } from "./parse";

// Named plain Errors, not subclasses: see handlers/shared/namedError.ts.
export function notifierInputError(message: string): Error {
  return namedError("NotifierInputError", message, {});
}

export interface RawRecord {
  /** SNS MessageId, SQS messageId, EventBridge id, or a position ("Records[2]") when absent. */
  recordId: string;
  via: "sns" | "sqs" | "direct";
  /** Topic or queue ARN the record came through. */
  origin?: string;
  /** SNS Subject, when given. */
  subject?: string;
  /** The SNS MessageId of a notification that arrived inside an SQS message (the SQS id is recordId). */
  snsMessageId?: string;
  /** Parsed JSON payload. */
  payload?: Json;
  /** A plain-text (non-JSON) message. */
  text?: string;
  /** Why the record could not be read; `excerpt` holds its start. */
  error?: string;
  excerpt?: string;
  /** The whole record as received (JSON), kept only for one that could not be read: the log shows it. */
  raw?: string;
}

/** `r` with the record it came from, when it could not be read. */
function keepRaw(r: RawRecord, received: unknown): RawRecord {
  if (!r.error) return r;
  try {
    return { ...r, raw: JSON.stringify(received) };
  } catch {
    return { ...r, raw: String(received) };
  }
}

const EXCERPT_CHARS = 300;

/**
 * The first `max` code points of `text`: a cut never splits a surrogate pair, and a lone surrogate
 * already in the text becomes U+FFFD (Slack and JSON encoders reject or mangle lone surrogates).
 */
export function excerptOf(text: string, max = EXCERPT_CHARS): string {
  const points = Array.from(text);
  const cut = points.length > max ? points.slice(0, max).join("") : text;
  return cut.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

// Not named `describe`: built inside the test runner (which has a global `describe`), the deployed
// package left a function of that name out and failed with "describe is not defined".
function describeValue(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Whether `v` is an SNS notification document (what SNS delivers to SQS or HTTP without raw delivery). */
function isSnsNotification(v: unknown): v is Json & { Message: string } {
  return isObject(v) && v.Type === "Notification" && typeof v.Message === "string";
}

/** Parses a message body; JSON-looking text that does not parse is an error, other text is kept as text. */
function fromBody(base: Omit<RawRecord, "payload" | "text" | "error">, body: string, depth = 0): RawRecord {
  const trimmed = body.trim();
  if (trimmed === "") return { ...base, error: "the message body is empty" };
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return { ...base, text: trimmed };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (err) {
    return {
      ...base,
      error: `the message body is not valid JSON (${(err as Error).message})`,
      excerpt: excerptOf(trimmed),
    };
  }
  if (!isObject(parsed)) {
    return {
      ...base,
      error: `the message body is ${describeValue(parsed)}, expected a JSON object`,
      excerpt: excerptOf(trimmed),
    };
  }
  if (isSnsNotification(parsed) && depth === 0) {
    const inner = { ...base, origin: typeof parsed.TopicArn === "string" ? parsed.TopicArn : base.origin };
    if (typeof parsed.MessageId === "string" && parsed.MessageId && parsed.MessageId !== base.recordId) {
      inner.snsMessageId = parsed.MessageId;
    }
    if (typeof parsed.Subject === "string" && parsed.Subject) inner.subject = parsed.Subject;
    return fromBody(inner, parsed.Message, depth + 1);
  }
  return { ...base, payload: parsed };
}

function snsRecord(rec: Json, index: number): RawRecord {
  const sns = rec.Sns;
  const fallbackId = `Records[${index}]`;
  if (!isObject(sns))
    return {
      recordId: fallbackId,
      via: "sns",
      error: `Records[${index}].Sns is ${describeValue(sns)}, expected an object`,
    };
  const base = {
    recordId: typeof sns.MessageId === "string" && sns.MessageId ? sns.MessageId : fallbackId,
    via: "sns" as const,
    origin: typeof sns.TopicArn === "string" ? sns.TopicArn : undefined,
    subject: typeof sns.Subject === "string" && sns.Subject ? sns.Subject : undefined,
  };
  if (typeof sns.Message !== "string")
    return {
      ...base,
      error: `Records[${index}].Sns.Message is ${describeValue(sns.Message)}, expected a string`,
    };
  return fromBody(base, sns.Message);
}

function sqsRecord(rec: Json, index: number): RawRecord {
  const base = {
    recordId: typeof rec.messageId === "string" && rec.messageId ? rec.messageId : `Records[${index}]`,
    via: "sqs" as const,
    origin: typeof rec.eventSourceARN === "string" ? rec.eventSourceARN : undefined,
  };
  if (typeof rec.body !== "string")
    return { ...base, error: `Records[${index}].body is ${describeValue(rec.body)}, expected a string` };
  return fromBody(base, rec.body);
}

/**
 * One RawRecord per message. Throws NotifierInputError only when the event as a whole is unusable
 * (not an object, Records not an array, or no records at all); a bad record becomes an `error` record
 * so the rest of the batch is still delivered and the bad one still produces a visible message.
 */
export function unwrap(event: unknown): RawRecord[] {
  if (!isObject(event))
    throw notifierInputError(
      `the event is ${describeValue(event)}, expected a JSON object (SNS, SQS or EventBridge event)`,
    );
  if ("Records" in event) {
    const records = event.Records;
    if (!Array.isArray(records))
      throw notifierInputError(`the event's Records is ${describeValue(records)}, expected an array`);
    if (records.length === 0)
      throw notifierInputError("the event's Records array is empty: there is nothing to notify");
    return records.map((rec: unknown, i: number): RawRecord => keepRaw(record(rec, i), rec));
  }
  if (isSnsNotification(event)) {
    return [
      keepRaw(
        fromBody(
          {
            recordId: typeof event.MessageId === "string" ? event.MessageId : "message",
            via: "sns",
            origin: typeof event.TopicArn === "string" ? event.TopicArn : undefined,
            subject: typeof event.Subject === "string" && event.Subject ? event.Subject : undefined,
          },
          event.Message,
          1,
        ),
        event,
      ),
    ];
  }
  const id = typeof event.id === "string" && event.id ? event.id : "event";
  return [{ recordId: id, via: "direct", payload: event }];
}

/** One element of a Lambda event's Records. */
function record(rec: unknown, i: number): RawRecord {
  if (!isObject(rec))
    return {
      recordId: `Records[${i}]`,
      via: "direct",
      error: `Records[${i}] is ${describeValue(rec)}, expected an object`,
    };
  if (rec.EventSource === "aws:sns" || "Sns" in rec) return snsRecord(rec, i);
  if (rec.eventSource === "aws:sqs" || "body" in rec) return sqsRecord(rec, i);
  const source = rec.EventSource ?? rec.eventSource;
  return {
    recordId: `Records[${i}]`,
    via: "direct",
    error: `Records[${i}] is neither an SNS nor an SQS record (event source ${typeof source === "string" ? source : "not given"})`,
  };
}
