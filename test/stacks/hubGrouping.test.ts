import { strict as assert } from "assert";
import { DIGEST_RUN_EVENT } from "../../handlers/notifier/grouping";
import { scheduleRate } from "../../stacks/components/notifier";
import {
  HUB_ACCOUNT,
  HUB_CONFIG,
  HUB_SECRET_KEYS,
  defaultHub,
  doc,
  evaluateStack,
  ofType,
  one,
} from "../helpers/stacks";

const DIGEST_QUEUE_ARN = `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-digest`;
const hubWith = (grouping: unknown) =>
  evaluateStack("hub", { ...HUB_CONFIG, grouping }, { secretKeys: HUB_SECRET_KEYS });

describe("hub grouping (digests of events below the immediate severity)", function () {
  this.timeout(240_000);

  it("by default: a KMS-encrypted digest queue redriving to the notifier's DLQ, a 15-minute schedule invoking the notifier with the digest-run input", async () => {
    const { resources } = await defaultHub();
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    const queue = one(resources, "aws:sqs/queue:Queue", "hub-notifier-digest");
    assert.equal(queue.props.name, "security-guard-notifier-digest");
    assert.equal(queue.props.kmsMasterKeyId, key.state.arn);
    assert.equal(queue.props.visibilityTimeoutSeconds, 1800);
    assert.deepEqual(JSON.parse(String(queue.props.redrivePolicy)), {
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue-dlq`,
      maxReceiveCount: 5,
    });

    const rule = one(resources, "aws:cloudwatch/eventRule:EventRule", "hub-notifier-digest-schedule");
    assert.equal(rule.props.scheduleExpression, "rate(15 minutes)");
    assert.equal(rule.props.eventBusName, undefined, "schedules run on the default bus");
    const target = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "hub-notifier-digest-target");
    assert.equal(target.props.rule, "security-guard-notifier-digest");
    assert.equal(
      target.props.arn,
      `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:security-guard-notifier`,
    );
    assert.deepEqual(JSON.parse(String(target.props.input)), DIGEST_RUN_EVENT);
    // An undeliverable run is retried for one window, then kept in its own dead-letter queue.
    assert.deepEqual(target.props.retryPolicy, { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 900 });
    const dlq = one(resources, "aws:sqs/queue:Queue", "hub-notifier-digest-dlq");
    assert.equal(dlq.props.name, "security-guard-notifier-digest-dlq");
    assert.deepEqual(target.props.deadLetterConfig, {
      arn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-digest-dlq`,
    });
    const dlqPolicy = doc(
      one(resources, "aws:sqs/queuePolicy:QueuePolicy", "hub-notifier-digest-dlq-policy"),
    );
    assert.equal(
      dlqPolicy.Statement[0].Condition.ArnLike["aws:SourceArn"],
      `arn:aws:events:us-east-1:${HUB_ACCOUNT}:rule/security-guard-notifier-digest`,
    );

    const policy = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.deepEqual(
      policy.find((s) => s.Sid === "HoldAndReadDigest"),
      {
        Sid: "HoldAndReadDigest",
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        Resource: DIGEST_QUEUE_ARN,
      },
    );
  });

  it("an hourly window with high events posted at once; grouping off leaves no queue, schedule or permission", async () => {
    const hourly = (await hubWith({ windowMinutes: 60, immediateSeverity: "high" })).resources;
    assert.equal(
      one(hourly, "aws:cloudwatch/eventRule:EventRule", "hub-notifier-digest-schedule").props
        .scheduleExpression,
      "rate(1 hour)",
    );
    const off = (await hubWith({ enabled: false })).resources;
    assert.deepEqual(
      ofType(off, "aws:sqs/queue:Queue")
        .map((q) => q.props.name)
        .filter((n) => String(n).includes("digest")),
      [],
    );
    assert.deepEqual(
      ofType(off, "aws:cloudwatch/eventRule:EventRule")
        .map((r) => r.name)
        .filter((n) => n.includes("digest")),
      [],
    );
    assert.deepEqual(
      ofType(off, "aws:lambda/permission:Permission").filter(
        (p) => p.props.function === "security-guard-notifier",
      ),
      [],
    );
    const offPolicy = doc(one(off, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.equal(
      offPolicy.find((s) => s.Sid === "HoldAndReadDigest"),
      undefined,
    );
  });

  it("refuses a window EventBridge cannot schedule or a severity that is not one, naming the key", async () => {
    await assert.rejects(
      hubWith({ windowMinutes: 0 }),
      /grouping\.windowMinutes.*whole number of minutes from 1 to 1440/s,
    );
    await assert.rejects(
      hubWith({ immediateSeverity: "urgent" }),
      /grouping\.immediateSeverity.*not a severity/s,
    );
  });

  it("writes rate expressions as EventBridge wants them (singular for one)", () => {
    assert.deepEqual([1, 5, 15, 60, 120, 1440].map(scheduleRate), [
      "rate(1 minute)",
      "rate(5 minutes)",
      "rate(15 minutes)",
      "rate(1 hour)",
      "rate(2 hours)",
      "rate(24 hours)",
    ]);
  });
});
