// The digest queue (SQS): events held for the next digest wait here as the message the notifier
// received (the SNS notification document, or the EventBridge event), so a digest run reads them
// exactly as the notifier queue's records are read. Batches of 10 and 256 KiB per call are SQS's
// limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import { Deadline } from "../shared/deadline";
import { errorText } from "../shared/errors";

const BATCH_ENTRIES = 10;
const BATCH_BYTES = 256 * 1024;
/** Longest one SQS call may take within the invocation's deadline. */
export const QUEUE_CALL_CAP_MS = 5000;

export interface HeldMessage {
  /** Identifies the entry in the batch answer (the notifier's record id). */
  id: string;
  body: string;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: string;
}

export interface DigestQueue {
  /** Sends every body; returns the ids SQS did not take, each with its error. */
  send(messages: HeldMessage[], deadline: Deadline): Promise<Map<string, string>>;
  /** Up to 10 messages, hidden from other readers for `visibilitySeconds`; [] when the queue is empty. */
  receive(visibilitySeconds: number, deadline: Deadline): Promise<ReceivedMessage[]>;
  /** Deletes the given messages; returns the receipt handles SQS did not delete, each with its error. */
  remove(receiptHandles: string[], deadline: Deadline): Promise<Map<string, string>>;
}

function regionOf(queueUrl: string): string {
  const m = /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(queueUrl);
  if (!m) throw new Error(`digest queue URL ${JSON.stringify(queueUrl)} names no region`);
  return m[1];
}

/** Entries in groups SQS accepts in one batch call: at most 10, at most 256 KiB of bodies. */
export function batches<T>(items: T[], size: (t: T) => number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const n = size(it);
    if (cur.length && (cur.length >= BATCH_ENTRIES || bytes + n > BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The queue at `queueUrl`; the client is created on first use and kept (one per container). */
export function sqsDigestQueue(queueUrl: string): DigestQueue {
  const state: { client?: SQSClient } = {};
  // The SDK sends to the queue URL's host; a configured endpoint (AWS_ENDPOINT_URL, as for a local
  // emulator) should win, which the SDK does only with useQueueUrlAsEndpoint off. Lambda sets none.
  const endpointSet = !!(process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL);
  const client = () =>
    (state.client ??= new SQSClient({
      region: regionOf(queueUrl),
      maxAttempts: 3,
      ...(endpointSet ? { useQueueUrlAsEndpoint: false } : {}),
    }));
  /**
   * One batch call per group of `items`; returns the key of every item SQS did not take, with its
   * error (a failed call fails its whole group).
   */
  async function perBatch<T>(
    items: T[],
    size: (t: T) => number,
    key: (t: T) => string,
    call: (group: T[]) => Promise<{ Failed?: Array<{ Id?: string; Code?: string; Message?: string }> }>,
  ): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    for (const group of batches(items, size)) {
      try {
        // Batch entry ids allow only letters, digits, - and _: positions, mapped back here.
        const out = await call(group);
        for (const f of out.Failed ?? [])
          failed.set(key(group[Number(f.Id)]), `${f.Code ?? "error"}: ${f.Message ?? "no message"}`);
      } catch (err) {
        for (const it of group) failed.set(key(it), errorText(err));
      }
    }
    return failed;
  }

  return {
    send(messages, deadline) {
      return perBatch(
        messages,
        (m) => Buffer.byteLength(m.body),
        (m) => m.id,
        (group) =>
          deadline.run(
            "SQS SendMessageBatch (digest queue)",
            (abortSignal) =>
              client().send(
                new SendMessageBatchCommand({
                  QueueUrl: queueUrl,
                  Entries: group.map((m, i) => ({ Id: String(i), MessageBody: m.body })),
                }),
                { abortSignal },
              ),
            QUEUE_CALL_CAP_MS,
          ),
      );
    },
    async receive(visibilitySeconds, deadline) {
      const out = await deadline.run(
        "SQS ReceiveMessage (digest queue)",
        (abortSignal) =>
          client().send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: BATCH_ENTRIES,
              VisibilityTimeout: visibilitySeconds,
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ["ApproximateReceiveCount"],
            }),
            { abortSignal },
          ),
        QUEUE_CALL_CAP_MS,
      );
      return (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        receiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
      }));
    },
    remove(receiptHandles, deadline) {
      return perBatch(
        receiptHandles,
        () => 0,
        (h) => h,
        (group) =>
          deadline.run(
            "SQS DeleteMessageBatch (digest queue)",
            (abortSignal) =>
              client().send(
                new DeleteMessageBatchCommand({
                  QueueUrl: queueUrl,
                  Entries: group.map((h, i) => ({ Id: String(i), ReceiptHandle: h })),
                }),
                { abortSignal },
              ),
            QUEUE_CALL_CAP_MS,
          ),
      );
    },
  };
}
