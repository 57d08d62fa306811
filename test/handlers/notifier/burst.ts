// Bursts of real-shaped events for the digest tests and bench/notifierThroughput.ts: the fixtures in
// test/fixtures/events cycled, each copy with its own ids, wrapped the way the hub delivers them
// (SNS topic -> SQS queue without raw delivery, so each SQS body is an SNS notification document;
// or a Lambda SNS event for the one-message-per-event path).
import { fixture } from "./fixtures";

const HUB = "111111111111";
export const TOPICS = {
  events: `arn:aws:sns:us-east-1:${HUB}:security-guard-events`,
  config: `arn:aws:sns:us-east-1:${HUB}:security-guard-config`,
  alarms: `arn:aws:sns:us-east-1:${HUB}:security-guard-alarms`,
};
export const QUEUE_ARN = `arn:aws:sqs:us-east-1:${HUB}:security-guard-notifier-queue`;

/** The fixtures a burst cycles through, with the topic each arrives on (no skipped notices). */
export const BURST_FIXTURES: Array<{ file: string; topic: keyof typeof TOPICS }> = [
  { file: "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json", topic: "events" },
  { file: "eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json", topic: "events" },
  { file: "eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json", topic: "events" },
  { file: "eventbridge/config-compliance-change-noncompliant.json", topic: "events" },
  { file: "eventbridge/cloudwatch-alarm-state-change-alarm.json", topic: "events" },
  { file: "eventbridge/remediation-revoked.json", topic: "events" },
  { file: "eventbridge/cloudtrail-iam-createuser-root.json", topic: "events" },
  { file: "eventbridge/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json", topic: "events" },
  { file: "eventbridge/config-compliance-change-compliant.json", topic: "events" },
  { file: "eventbridge/remediation-dry-run.json", topic: "events" },
  { file: "eventbridge/cloudwatch-alarm-state-change-ok.json", topic: "events" },
  { file: "eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json", topic: "events" },
  { file: "eventbridge/remediation-exempt.json", topic: "events" },
  { file: "eventbridge/unknown-macie-finding.json", topic: "events" },
  { file: "eventbridge/cloudtrail-iam-attachrolepolicy-awsservice.json", topic: "events" },
  { file: "eventbridge/remediation-already-compliant-config-trigger.json", topic: "events" },
  { file: "messages/config-compliance-change-notification.json", topic: "config" },
  { file: "messages/cloudwatch-alarm.json", topic: "alarms" },
  { file: "messages/cloudwatch-alarm-ok.json", topic: "alarms" },
  // Configuration-item changes are skipped by the notifier: a burst holds security events only.
  { file: "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json", topic: "events" },
];

/** A deterministic UUID-shaped id: `kind` (one hex digit) tells ids of different kinds apart. */
export function burstId(n: number, kind: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `b0${kind.toString(16)}5${hex.slice(0, 4)}-0000-4000-8000-${hex}`;
}

export interface BurstEvent {
  /** The message the topic carries (an EventBridge event or a bare Config/alarm message). */
  message: Record<string, unknown>;
  topicArn: string;
  /** SNS MessageId of the publication (the same one whether it reaches Lambda or SQS). */
  snsMessageId: string;
  /** SQS messageId once it is in the notifier's queue. */
  sqsMessageId: string;
}

/**
 * Copies of one fixture would be the same event twice (the notifier holds back the second copy):
 * each copy gets its own times (n seconds after a base), so every burst event is a distinct event.
 */
function distinctTimes(m: Record<string, any>, n: number): void {
  const t = new Date(Date.parse("2026-11-20T03:00:00.000Z") + n * 1000).toISOString();
  for (const body of [m, m.detail]) {
    const id = body?.newEvaluationResult?.evaluationResultIdentifier;
    if (id?.orderingTimestamp) id.orderingTimestamp = t;
    if (body?.state?.timestamp) body.state.timestamp = t;
    if (body?.configurationItem?.configurationItemCaptureTime)
      body.configurationItem.configurationItemCaptureTime = t;
  }
  if (typeof m.StateChangeTime === "string") m.StateChangeTime = t.replace("Z", "+0000");
  if (typeof m.time === "string") m.time = t.replace(/\.\d{3}Z$/, "Z");
}

/** `count` events cycling through BURST_FIXTURES (starting at `offset`), each with unique ids. */
export function burstEvents(count: number, offset = 0): BurstEvent[] {
  const out: BurstEvent[] = [];
  for (let k = 0; k < count; k++) {
    const n = offset + k;
    const { file, topic } = BURST_FIXTURES[n % BURST_FIXTURES.length];
    const message = structuredClone(fixture(file)) as Record<string, unknown>;
    distinctTimes(message, n);
    if (typeof message.id === "string") message.id = burstId(n, 1);
    const detail = message.detail as Record<string, unknown> | undefined;
    if (detail && typeof detail.eventID === "string") detail.eventID = burstId(n, 2);
    out.push({
      message,
      topicArn: TOPICS[topic],
      snsMessageId: burstId(n, 3),
      sqsMessageId: burstId(n, 4),
    });
  }
  return out;
}

/** The SNS notification document SNS delivers to an SQS subscriber without raw message delivery. */
export function snsNotificationBody(e: BurstEvent): string {
  return JSON.stringify({
    Type: "Notification",
    MessageId: e.snsMessageId,
    TopicArn: e.topicArn,
    Message: JSON.stringify(e.message),
    Timestamp: "2026-11-20T02:10:02.000Z",
    SignatureVersion: "1",
    Signature: "EXAMPLE",
    SigningCertURL:
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
    UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
  });
}

/** A Lambda SQS event (event source mapping) holding `events`. */
export function sqsBatch(events: BurstEvent[], receiveCount = 1): { Records: unknown[] } {
  return {
    Records: events.map((e) => ({
      messageId: e.sqsMessageId,
      receiptHandle: `AQEB${e.sqsMessageId}`,
      body: snsNotificationBody(e),
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: "1763604602000",
        SenderId: "AIDAIENQZJOLO23YVJ4VO",
        ApproximateFirstReceiveTimestamp: "1763604602010",
      },
      messageAttributes: {},
      md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
      eventSource: "aws:sqs",
      eventSourceARN: QUEUE_ARN,
      awsRegion: "us-east-1",
    })),
  };
}

/** A Lambda SNS event with one record (how SNS invokes a subscribed function). */
export function lambdaSnsEvent(e: BurstEvent): { Records: unknown[] } {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${e.topicArn}:0b1c2d3e-0000-4000-8000-000000000000`,
        Sns: {
          Type: "Notification",
          MessageId: e.snsMessageId,
          TopicArn: e.topicArn,
          Subject: null,
          Message: JSON.stringify(e.message),
          Timestamp: "2026-11-20T02:10:02.000Z",
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl:
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
          UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
          MessageAttributes: {},
        },
      },
    ],
  };
}
