// A control that passes again can match both hub rules (notify and resolve: resolveOverlap.test.ts),
// and each rule's target publishes it to the events topic: the notifier's queue then holds two
// messages (two SQS message ids) carrying one EventBridge event. The seen store (dedupe.ts) does not
// see incident signals (they join their incident before anything is posted); the incident store
// does: it remembers what each finding last said (uid -> effect), so the second copy is a repeat.
// In process against moto (incidents table, seen table) and the Slack stand-in, grouping off.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { NotifierSettings } from "../../../../handlers/notifier";
import { dynamoIncidentRecords } from "../../../../handlers/notifier/incidents/store";
import type { Incident } from "../../../../handlers/notifier/incidents/state";
import { deadlineFrom } from "../../../../handlers/shared/deadline";
import { useMoto } from "../../../helpers/moto";
import { createIncidentTable } from "../../../helpers/incidentTable";
import { createSeenTable } from "../../../helpers/seenTable";
import { type LogLine, withCapturedLogs } from "../../../helpers/logs";
import { useSlackServer } from "../../../helpers/slackServer";
import { notifierInBothModes } from "../../../helpers/notifierModes";

const FIX = path.resolve(__dirname, "..", "..", "..", "fixtures");
const json = (rel: string) => JSON.parse(fs.readFileSync(path.join(FIX, rel), "utf8"));
const ASFF_FAILED = () => json("incidents/ssh-sequence/4-securityhub-ec2-13-failed.json");
const ASFF_PASSED = () => json("incidents/ssh-sequence/5-securityhub-ec2-13-passed.json");
const OCSF_FAILED = () => json("events/findings/securityhub-v2-ocsf-compliance-s3-public-write-high.json");
const OCSF_PASSED = () => json("events/findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json");
const SG_KEY = "resource#222222222222#ap-northeast-2#sg-0a1b2c3d4e5f60718";
const BUCKET_KEY = "resource#333333333333#eu-west-1#data-lake-landing";

const INCIDENTS = "incidents";
const SEEN = "seen";
const THREADS = "alert-threads";
const base: NotifierSettings = {
  accountNames: {},
  routes: [],
  delivery: { maxAttempts: 2, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 1 },
  incidents: { tableName: INCIDENTS },
  dedupe: { tableName: SEEN },
};

/** SQS records as the notifier queue delivers them: one message per rule target, each its own id. */
const sqs = (...messages: Array<[string, unknown]>) => ({
  Records: messages.map(([messageId, event]) => ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify(event),
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:111111111111:security-guard-notifier-queue",
    awsRegion: "us-east-1",
  })),
});

/** The "record skipped" log lines: [recordId, reason]. */
const skips = (logs: LogLine[]) =>
  logs.filter((l) => l.message === "record skipped").map((l) => [l.recordId, l.reason]);

async function incident(key: string): Promise<Incident | undefined> {
  const run = deadlineFrom(undefined, 0, 10_000).run;
  return (await dynamoIncidentRecords({ tableName: INCIDENTS }).get(key, run)).incident;
}

describe("a passing control delivered by both hub rules is one resolution (moto, Slack stand-in)", function () {
  this.timeout(120_000);
  useMoto();
  const slack = useSlackServer();

  beforeEach(async () => {
    await createIncidentTable(INCIDENTS);
    await createSeenTable(SEEN);
    await createSeenTable(THREADS);
  });

  const { webhook, app } = notifierInBothModes(slack, base, THREADS);

  for (const [format, failed, passed, key, title] of [
    [
      "ASFF",
      ASFF_FAILED,
      ASFF_PASSED,
      SG_KEY,
      "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
    ],
    [
      "OCSF",
      OCSF_FAILED,
      OCSF_PASSED,
      BUCKET_KEY,
      "S3 general purpose buckets should block public write access",
    ],
  ] as const) {
    it(`${format}, webhook mode, both copies in one batch: one resolved follow-up, one timeline entry, the copy a repeat`, async () => {
      const notify = webhook();
      assert.deepEqual(await notify(sqs(["m-failed", failed()]), { awsRequestId: "r-1" }), {
        batchItemFailures: [],
      });
      const opened = await incident(key);
      assert.equal(opened?.state, "open");
      const { value, logs } = await withCapturedLogs(() =>
        notify(sqs(["m-notify-rule", passed()], ["m-resolve-rule", passed()]), { awsRequestId: "r-2" }),
      );
      assert.deepEqual(value, { batchItemFailures: [] });
      assert.deepEqual(skips(logs), [
        ["m-resolve-rule", `repeat of a finding already in incident ${opened!.id} (not posted again)`],
      ]);
      const posts = slack.delivered("/services/default").map((r) => r.json as { text: string });
      assert.equal(posts.length, 2, "the opening, then one follow-up");
      assert.equal(posts[1].text, `Incident ${opened!.id} resolved: ${title}`);
      const after = (await incident(key))!;
      assert.equal(after.state, "resolved");
      assert.equal(after.signals, 2);
      assert.equal(after.repeats, 1);
      assert.deepEqual(
        after.timeline.map((e) => e.effect),
        ["fail", "pass"],
      );
    });

    it(`${format}, app mode, the copies in two invocations: the card rewritten once, one reply, the copy a repeat`, async () => {
      const notify = app();
      await notify(sqs(["m-failed", failed()]), { awsRequestId: "r-1" });
      const opened = (await incident(key))!;
      await notify(sqs(["m-notify-rule", passed()]), { awsRequestId: "r-2" });
      const calls = slack.apiCalls().length;
      const { value, logs } = await withCapturedLogs(() =>
        notify(sqs(["m-resolve-rule", passed()]), { awsRequestId: "r-3" }),
      );
      assert.deepEqual(value, { batchItemFailures: [] });
      assert.deepEqual(skips(logs), [
        ["m-resolve-rule", `repeat of a finding already in incident ${opened.id} (not posted again)`],
      ]);
      assert.equal(slack.apiCalls().length, calls, "no Slack call for the copy");
      assert.deepEqual(
        slack.apiCalls().map((c) => [c.method, c.args.thread_ts === undefined ? "" : "thread"]),
        [
          ["chat.postMessage", ""],
          ["chat.postMessage", "thread"],
          ["chat.update", ""],
          ["chat.postMessage", "thread"],
        ],
      );
      const after = (await incident(key))!;
      assert.equal(after.state, "resolved");
      assert.deepEqual(
        after.timeline.map((e) => e.effect),
        ["fail", "pass"],
      );
    });

    it(`${format}: with no open incident both copies are skipped, nothing posted, no incident stored`, async () => {
      const notify = webhook();
      const { value, logs } = await withCapturedLogs(() =>
        notify(sqs(["m-notify-rule", passed()], ["m-resolve-rule", passed()]), { awsRequestId: "r-1" }),
      );
      assert.deepEqual(value, { batchItemFailures: [] });
      assert.deepEqual(skips(logs), [
        ["m-notify-rule", "passing verdict with no open incident: nothing to resolve"],
        ["m-resolve-rule", "passing verdict with no open incident: nothing to resolve"],
      ]);
      assert.deepEqual(slack.requests, []);
      assert.equal(await incident(key), undefined);
    });
  }
});
