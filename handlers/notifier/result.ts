// What the notifier returns (or throws) for one invocation.
import { namedError } from "../shared/namedError";
import type { EventKind } from "./settings";

export interface RecordOutcome {
  recordId: string;
  eventId?: string;
  kind: EventKind;
  webhook: string;
  status: "posted" | "skipped" | "failed";
  attempts?: number;
  error?: string;
  /** Why a skipped record was not posted (muted, duplicate, below the minimum severity, ...). */
  reason?: string;
  /** Set when the event went out in a digest message: which of the digest's messages listed it. */
  digest?: { part: number; parts: number };
  /** Slack app mode: the channel and ts of the posted message. */
  channel?: string;
  ts?: string;
  /** Slack app mode: the alert whose thread the message was posted in. */
  threadTs?: string;
  /** Slack app mode, a reply to an alert: whether the alert's header was updated, or why not. */
  headerUpdated?: boolean;
  headerError?: string;
}

export interface NotifierResult {
  requestId: string;
  records: number;
  /** Records (events) delivered, skipped, failed. */
  posted: number;
  skipped: number;
  failed: number;
  /** Slack messages delivered (a digest message carries many events). */
  messages: number;
  outcomes: RecordOutcome[];
}

/**
 * What the function returns for an SQS event: the records to retry
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** A digest run's answer: how many held events it read, and what became of them. */
export interface DigestRunResult {
  requestId: string;
  held: number;
  posted: number;
  skipped: number;
  failed: number;
}

export type NotifierResponse = NotifierResult | SqsBatchResponse | DigestRunResult;

/** Thrown when any record failed to post; `result` lists what was posted and what failed. */
export type NotifierDeliveryError = Error & { result: NotifierResult };

// A named plain Error, not a subclass: see handlers/shared/namedError.ts.
export function notifierDeliveryError(message: string, result: NotifierResult): NotifierDeliveryError {
  return namedError("NotifierDeliveryError", message, { result });
}
