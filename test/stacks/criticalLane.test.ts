// The notifier's critical lane and incidents table, as the hub stack declares them: a second queue
// fed by filtered subscriptions to the events topic and read without a batching window, and the
// table with TTL the notifier's role may only read and conditionally write. The filters are
// deployed into moto's SNS: a world-open ingress call, a root sign-in, a high GuardDuty finding, a
// critical Security Hub finding, the guard's SSH verdict and the remediation report take the lane;
// a low GuardDuty finding, an IAM call and a COMPLIANT verdict do not.
import { strict as assert } from "assert";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { HUB_ACCOUNT, defaultHub, doc, ofType, one } from "../helpers/stacks";
import { useMoto } from "../helpers/moto";
import { topicProbe } from "../../verify/topicProbe";
import { fixture } from "../handlers/notifier/fixtures";

const CRITICAL_ARN = `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-critical`;
const EVENTS_TOPIC = `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-events`;

describe("hub stack: the notifier's critical lane and incidents table", function () {
  this.timeout(180_000);
  useMoto();

  it("reads the critical queue without a batching window; the main queue keeps its 20 s window", async () => {
    const { resources } = await defaultHub();
    const queue = one(resources, "aws:sqs/queue:Queue", "notifier-critical-queue");
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    assert.equal(queue.props.name, "security-guard-notifier-critical");
    assert.equal(queue.props.kmsMasterKeyId, key.state.arn);
    assert.equal(queue.props.visibilityTimeoutSeconds, 1800);
    assert.deepEqual(JSON.parse(String(queue.props.redrivePolicy)), {
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue-dlq`,
      maxReceiveCount: 5,
    });
    const mappings = ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping").map((m) => [
      m.props.eventSourceArn,
      m.props.batchSize,
      m.props.maximumBatchingWindowInSeconds,
      m.props.functionResponseTypes,
    ]);
    assert.deepEqual(mappings.sort(), [
      [
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-critical`,
        10,
        0,
        ["ReportBatchItemFailures"],
      ],
      [
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue`,
        100,
        20,
        ["ReportBatchItemFailures"],
      ],
    ]);
    const policy = one(resources, "aws:sqs/queuePolicy:QueuePolicy", "notifier-critical-queue-policy");
    assert.deepEqual(doc(policy).Statement, [
      {
        Sid: "EventsTopicSends",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: CRITICAL_ARN,
        Condition: { ArnEquals: { "aws:SourceArn": EVENTS_TOPIC } },
      },
    ]);
    const role = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.deepEqual(
      role.find((s) => s.Sid === "ReceiveFromCriticalQueue"),
      {
        Sid: "ReceiveFromCriticalQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: CRITICAL_ARN,
      },
    );
  });

  it("keeps incidents in a TTL table the notifier may only get and put", async () => {
    const { resources } = await defaultHub();
    const table = one(resources, "aws:dynamodb/table:Table", "notifier-incidents");
    assert.equal(table.props.name, "security-guard-incidents");
    assert.equal(table.props.hashKey, "id");
    assert.deepEqual(table.props.ttl, { attributeName: "expiresAt", enabled: true });
    assert.equal(table.props.billingMode, "PAY_PER_REQUEST");
    const role = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.deepEqual(
      role.find((s) => s.Sid === "Incidents"),
      {
        Sid: "Incidents",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: table.state.arn,
      },
    );
    assert.equal(role.filter((s) => s.Sid === "UseEncryptedTable").length, 1);
  });

  it("passes critical signals and alerts with buttons into the lane, and nothing else (moto SNS)", async () => {
    const { resources } = await defaultHub();
    const subs = ofType(resources, "aws:sns/topicSubscription:TopicSubscription").filter((s) =>
      s.name.includes("notifier-critical"),
    );
    assert.ok(subs.length > 0);
    for (const s of subs) {
      assert.equal(s.props.topic, EVENTS_TOPIC);
      assert.equal(s.props.endpoint, CRITICAL_ARN);
      assert.equal(s.props.filterPolicyScope, "MessageBody");
      assert.equal(s.props.rawMessageDelivery, false);
    }
    // Each subscription in moto: one probe queue per subscription, all on one topic.
    const sns = new SNSClient({});
    const probes = [];
    let topicArn: string | undefined;
    for (const [i, s] of subs.entries()) {
      const probe = await topicProbe("security-guard-events", `critical-${i}`, {
        filterPolicy: String(s.props.filterPolicy),
        filterPolicyScope: "MessageBody",
      });
      topicArn = probe.topicArn;
      probes.push(probe);
    }
    const verdict = (complianceType: string) => {
      const e = fixture("eventbridge/config-compliance-change-noncompliant.json") as {
        detail: { newEvaluationResult: Record<string, unknown> };
      };
      return {
        ...e,
        detail: {
          ...e.detail,
          configRuleName: "security-guard-restricted-ssh",
          newEvaluationResult: { ...e.detail.newEvaluationResult, complianceType },
        },
      };
    };
    const events: Record<string, unknown> = {
      "world ssh": fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      "root sign-in": fixture("cis/signin-console-login-root.json"),
      "guardduty 8": fixture("findings/guardduty-iam-anomalous-behavior-high.json"),
      "securityhub critical": fixture("findings/securityhub-imported-ec2-19-critical.json"),
      "ssh verdict": verdict("NON_COMPLIANT"),
      remediation: fixture("eventbridge/remediation-revoked.json"),
      "guardduty 5": fixture("findings/guardduty-ec2-ssh-bruteforce-seoul.json"),
      "iam call": fixture("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json"),
      "compliant verdict": verdict("COMPLIANT"),
    };
    for (const [what, e] of Object.entries(events))
      await sns.send(
        new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ ...(e as object), id: what }) }),
      );
    sns.destroy();
    const passed = new Set<string>();
    for (const p of probes) for (const m of (await p.published()) as Array<{ id: string }>) passed.add(m.id);
    assert.deepEqual([...passed].sort(), [
      "guardduty 8",
      "remediation",
      "root sign-in",
      "securityhub critical",
      "ssh verdict",
      "world ssh",
    ]);
  });
});
