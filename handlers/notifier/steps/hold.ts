// hold: with grouping on, the records below the immediate severity go to the digest queue (as the
// message the notifier received) instead of Slack; the next digest run posts them together. A
// record SQS does not take is reported failed, so the notifier queue delivers it again: nothing is
// lost between the two queues.
import { log } from "../../shared/log";
import { DigestQueue } from "../digestQueue";
import { isObject } from "../../findings/parse";
import { GroupingSettings, postNowBecause, postedAtOnceText, windowText } from "../grouping";
import { Invocation, RenderedMessage } from "../pipeline";
import { Outcomes } from "./report";

/**
 * Each record's message as received, by the record id the notifier gives it (envelopes.ts): an SQS
 * record's body, an SNS record rebuilt as the notification document SNS delivers to SQS, or the
 * event itself (EventBridge, or one SNS notification).
 */
export function receivedBodies(event: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObject(event)) return out;
  if (!Array.isArray(event.Records)) {
    const id = typeof event.MessageId === "string" ? event.MessageId : event.id;
    if (typeof id === "string") out.set(id, JSON.stringify(event));
    return out;
  }
  for (const rec of event.Records as unknown[]) {
    if (!isObject(rec)) continue;
    if (isObject(rec.Sns) && typeof rec.Sns.MessageId === "string") {
      const s = rec.Sns;
      out.set(
        s.MessageId as string,
        JSON.stringify({
          Type: "Notification",
          MessageId: s.MessageId,
          TopicArn: s.TopicArn,
          ...(typeof s.Subject === "string" && s.Subject ? { Subject: s.Subject } : {}),
          Message: s.Message,
          Timestamp: s.Timestamp,
        }),
      );
    } else if (typeof rec.messageId === "string" && typeof rec.body === "string") {
      out.set(rec.messageId, rec.body);
    }
  }
  return out;
}

/**
 * Sends the records that can wait to the digest queue and returns the ones to post now. Held
 * records are reported skipped ("held for the digest ..."); those SQS refused are reported failed.
 */
export async function holdForDigest(
  toPost: RenderedMessage[],
  bodies: Map<string, string>,
  grouping: Required<GroupingSettings>,
  queue: DigestQueue,
  appMode: boolean,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<RenderedMessage[]> {
  const held = toPost.filter(
    (r) => postNowBecause(r, grouping.immediateSeverity, appMode) === undefined && bodies.has(r.recordId),
  );
  if (!held.length) return toPost;
  await sendToDigest(held, bodies, grouping, queue, inv, outcomes);
  return toPost.filter((r) => !held.includes(r));
}

/**
 * Sends `held` (each with its body as received) to the digest queue: reported skipped ("held for
 * the digest ..."), or failed when SQS refused it (the notifier queue delivers it again).
 */
export async function sendToDigest(
  held: RenderedMessage[],
  bodies: Map<string, string>,
  grouping: Required<GroupingSettings>,
  queue: DigestQueue,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  const immediate = grouping.immediateSeverity;
  const failed = await queue.send(
    held.map((r) => ({ id: r.recordId, body: bodies.get(r.recordId)! })),
    inv.deadline,
  );
  const reason = `held for the digest posted ${windowText(grouping.windowMinutes)} (${postedAtOnceText(immediate)})`;
  for (const r of held) {
    const ids = { requestId: inv.requestId, recordId: r.recordId, eventId: r.eventId ?? r.recordId };
    const error = failed.get(r.recordId);
    if (error !== undefined) {
      log("error", "could not hold the event for the digest; it is retried", { ...ids, error });
      outcomes.fail(r, `digest queue: ${error}`);
    } else {
      log("info", "event held for the digest", { ...ids, kind: r.kind, severity: r.severity });
      outcomes.add(r, { status: "skipped", reason });
    }
  }
}
