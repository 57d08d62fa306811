// The handler's signal steps end to end, against the local Slack server and moto: routes by
// minSeverity, mute rules (logged with the rule, counted, never posted), de-duplication of one
// verdict arriving by two paths (in one batch, and across invocations through the DynamoDB seen
// store), and the email publish to an SNS topic (checked through an SQS subscription).
import { strict as assert } from "assert";
import { NotifierSettings, SqsBatchResponse, createNotifierHandler } from "../../../handlers/notifier";
import { SlackServer, startSlackServer } from "../../helpers/slackServer";
import { useMoto } from "../../helpers/moto";
import { topicProbe } from "../../../verify/topicProbe";
import { createSeenTable } from "../../helpers/seenTable";
import { captureLogs } from "../../helpers/logs";
import { fixture } from "./fixtures";
import { BurstEvent, sqsBatch } from "./burst";

const EB = "eventbridge";
const ctx = { awsRequestId: "req-signal", getRemainingTimeInMillis: () => 60_000 };
const TOPIC = (n: string) => `arn:aws:sns:us-east-1:111111111111:security-guard-${n}`;
let seq = 0;
const ev = (file: string, topic = "events"): BurstEvent => {
  seq++;
  const hex = seq.toString(16).padStart(12, "0");
  return {
    message: fixture(file) as Record<string, unknown>,
    topicArn: TOPIC(topic),
    snsMessageId: `5150a000-0000-4000-8000-${hex}`,
    sqsMessageId: `5150b000-0000-4000-8000-${hex}`,
  };
};
const base: NotifierSettings = {
  accountNames: { "222222222222": "payments" },
  routes: [],
  delivery: { maxAttempts: 2, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 1 },
};

describe("notifier signal steps (Slack stand-in, moto)", function () {
  this.timeout(60_000);
  const moto = useMoto();
  let slack: SlackServer;
  let logs: ReturnType<typeof captureLogs>;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    slack = await startSlackServer();
  });
  after(async () => slack.stop());
  beforeEach(() => {
    slack.reset();
    env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({
        default: slack.url("/services/default"),
        oncall: slack.url("/services/oncall"),
      }),
    };
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  const outcomes = () =>
    logs.lines.filter((l) => l.message === "record skipped").map((l) => [l.recordId, l.reason]);

  it("minSeverity: a critical event takes the on-call route; a high one falls through to default", async () => {
    const settings: NotifierSettings = { ...base, routes: [{ webhook: "oncall", minSeverity: "critical" }] };
    const ssh = ev(`${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`);
    const iam = ev(`${EB}/cloudtrail-iam-attachrolepolicy-federateduser.json`);
    const out = await createNotifierHandler(settings, env)(sqsBatch([ssh, iam]), ctx);
    assert.deepEqual(out, { batchItemFailures: [] });
    assert.deepEqual(
      slack.delivered().map((r) => [r.path, (r.json as { text: string }).text.slice(0, 10)]),
      [
        ["/services/oncall", "[critical]"],
        ["/services/default", "[high] IAM"],
      ],
    );
  });

  it("the default route's minSeverity holds back lower events, saying why", async () => {
    const settings: NotifierSettings = { ...base, defaultRoute: { minSeverity: "high" } };
    const ok = ev(`${EB}/cloudwatch-alarm-state-change-ok.json`);
    const alarm = ev(`${EB}/cloudwatch-alarm-state-change-alarm.json`);
    await createNotifierHandler(settings, env)(sqsBatch([ok, alarm]), ctx);
    assert.equal(slack.delivered().length, 1);
    assert.match(
      (slack.delivered()[0].json as { text: string }).text,
      /^\[high\] .*ALARM: root-account-usage/,
    );
    assert.deepEqual(outcomes(), [
      [ok.sqsMessageId, "severity info is below the default route's minSeverity high"],
    ]);
  });

  it("a muted event is not posted: logged with its rule and reason, counted; an expired rule mutes nothing", async () => {
    const settings: NotifierSettings = {
      ...base,
      mutes: [
        { name: "old", kinds: ["iam"], reason: "migration", expires: "2020-01-01" },
        {
          name: "bastion-rebuild",
          accounts: ["222222222222"],
          eventNames: ["AuthorizeSecurityGroupIngress"],
          resources: ["sg-0a1b*"],
          reason: "bastion rebuild, ticket SEC-42",
          expires: "2099-12-31",
        },
      ],
    };
    const ssh = ev(`${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`);
    const iam = ev(`${EB}/cloudtrail-iam-attachrolepolicy-federateduser.json`);
    const out = await createNotifierHandler(settings, env)(sqsBatch([ssh, iam]), ctx);
    assert.deepEqual(out, { batchItemFailures: [] });
    assert.equal(slack.delivered().length, 1, "only the IAM change (its mute rule expired)");
    assert.match((slack.delivered()[0].json as { text: string }).text, /IAM AttachRolePolicy/);
    const muted = logs.lines.find((l) => l.message === "event muted")!;
    assert.deepEqual(
      [muted.recordId, muted.mute, muted.muteReason, muted.muteExpires, muted.severity],
      [ssh.sqsMessageId, "bastion-rebuild", "bastion rebuild, ticket SEC-42", "2099-12-31", "critical"],
    );
    assert.deepEqual(logs.lines.find((l) => l.message === "muted events")!.muted, { "bastion-rebuild": 1 });
    assert.deepEqual(outcomes(), [
      [ssh.sqsMessageId, "muted by bastion-rebuild until 2099-12-31 (bastion rebuild, ticket SEC-42)"],
    ]);
  });

  it("one verdict by the Config topic and by EventBridge in one batch is posted once", async () => {
    const eb = ev(`${EB}/config-compliance-change-noncompliant.json`);
    const sns = ev("messages/config-compliance-change-notification.json", "config");
    const out = await createNotifierHandler(base, env)(sqsBatch([eb, sns]), ctx);
    assert.deepEqual(out, { batchItemFailures: [] });
    assert.equal(slack.delivered().length, 1);
    assert.deepEqual(outcomes(), [
      [sns.sqsMessageId, `duplicate of record ${eb.sqsMessageId} in this batch (same event by another path)`],
    ]);
  });

  it("across invocations the DynamoDB seen store holds back the second path's copy; a failed post is not remembered", async () => {
    await createSeenTable("security-guard-notifier-seen");
    const settings: NotifierSettings = { ...base, dedupe: { tableName: "security-guard-notifier-seen" } };
    const envWithAws = { ...env, ...moto().env };
    const eb = ev(`${EB}/config-compliance-change-noncompliant.json`);
    const sns = ev("messages/config-compliance-change-notification.json", "config");
    // The first delivery fails at Slack: it must not be remembered, so its retry posts.
    slack.reply({ status: 500 }, { status: 500 });
    const first = (await createNotifierHandler(settings, envWithAws)(
      sqsBatch([eb]),
      ctx,
    )) as SqsBatchResponse;
    assert.deepEqual(first, { batchItemFailures: [{ itemIdentifier: eb.sqsMessageId }] });
    const retry = await createNotifierHandler(settings, envWithAws)(sqsBatch([eb], 2), ctx);
    assert.deepEqual(retry, { batchItemFailures: [] });
    // Another container, later: the SNS copy of the same verdict.
    const second = await createNotifierHandler(settings, envWithAws)(sqsBatch([sns]), ctx);
    assert.deepEqual(second, { batchItemFailures: [] });
    assert.equal(slack.delivered().length, 1, "posted once");
    assert.deepEqual(outcomes(), [
      [sns.sqsMessageId, "duplicate of an event already posted (same event by another path)"],
    ]);
  });

  it("email: the route's events are published to the email topic with subject, body and route; digests as one email", async () => {
    // The route's email subscription, as a queue filtered on route "0".
    const mailbox = await topicProbe("security-guard-email", "mailbox", {
      raw: false,
      filterPolicy: JSON.stringify({ route: ["0"] }),
      filterPolicyScope: "MessageAttributes",
    });
    const settings: NotifierSettings = {
      ...base,
      routes: [{ webhook: "oncall", kinds: ["security-group"], email: true }],
      emailTopicArn: mailbox.topicArn,
      digest: { threshold: 2 },
    };
    const envWithAws = { ...env, ...moto().env };
    const mail = async () => (await mailbox.published()) as Array<{ Subject: string; Message: string }>;
    const ssh = ev(`${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`);
    const iam = ev(`${EB}/cloudtrail-iam-createuser-root.json`);
    await createNotifierHandler(settings, envWithAws)(sqsBatch([ssh, iam]), ctx);
    const one = await mail();
    assert.equal(one.length, 1, "only the security-group route emails");
    assert.equal(one[0].Subject, "[CRITICAL] EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718");
    assert.match(one[0].Message, /^EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718\n/);
    assert.match(one[0].Message, /\nAccount: 222222222222 \(payments\)\n/);
    assert.match(
      one[0].Message,
      /\nOpen in CloudTrail: https:\/\/ap-northeast-2\.console\.aws\.amazon\.com\//,
    );
    assert.equal(slack.delivered().length, 2, "Slack gets both");

    // Three security-group changes for the route: over the threshold, one digest email.
    const burst = [
      `${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`,
      `${EB}/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json`,
      `${EB}/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json`,
    ].map((f) => {
      const e = ev(f);
      const d = (e.message as { detail: { eventID: string } }).detail;
      e.message = { ...e.message, detail: { ...d, eventID: `${d.eventID.slice(0, -4)}beef` } };
      return e;
    });
    await createNotifierHandler(settings, envWithAws)(sqsBatch(burst), ctx);
    const digest = await mail();
    assert.equal(digest.length, 1);
    assert.match(digest[0].Subject, /^\[CRITICAL\] 3 security events \(/);
    assert.equal(digest[0].Message.match(/^--- \d of 3 ---$/gm)?.length, 3);
  });

  it("a failed email publish fails the record (retried), and it is not posted to Slack either", async () => {
    const settings: NotifierSettings = {
      ...base,
      routes: [{ webhook: "oncall", email: true }],
      emailTopicArn: TOPIC("no-such-topic"),
    };
    const ssh = ev(`${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`);
    const out = await createNotifierHandler(settings, { ...env, ...moto().env })(sqsBatch([ssh]), ctx);
    assert.deepEqual(out, { batchItemFailures: [{ itemIdentifier: ssh.sqsMessageId }] });
    assert.equal(slack.delivered().length, 0);
    const failed = logs.lines.find((l) => l.message === "email publish failed; the record is retried")!;
    assert.match(String(failed.error), /NotFound|not exist|does not exist/i);
  });
});
