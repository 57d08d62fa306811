// Grouping as deployed: the hub's notifier package (grouping on, as Pulumi.hub.yaml leaves it) in a
// separate node process against moto (the digest queue, the seen table) and the Slack stand-in.
// An SQS batch posts its critical and actionable events at once and holds the rest in the digest
// queue; the schedule's digest run then posts them as one digest per destination and empties it.
import { strict as assert } from "assert";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { DIGEST_RUN_EVENT, hasRevertButton, postNowBecause } from "../../../handlers/notifier/grouping";
import { parseNotifierSettings, renderMessages } from "../../../handlers/notifier";
import { RenderedMessage } from "../../../handlers/notifier/pipeline";
import { NOTIFIER_DIGEST_QUEUE_NAME, NOTIFIER_SEEN_TABLE_NAME } from "../../../stacks/functionSettings";
import { BurstEvent, burstEvents, sqsBatch } from "./burst";
import { fixture } from "./fixtures";
import { batches } from "../../../handlers/notifier/digestQueue";

const FUNCTION = "security-guard-notifier";

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ text?: string }>;
};
type Post = { text: string; attachments: Array<{ blocks: Block[] }> };

describe("notifier grouping as deployed (digest queue in moto, Slack stand-in)", function () {
  this.timeout(180_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let fnDir: string;
  let queueUrl: string;
  let env: Record<string, string>;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    const fn = manifest.functions.find((f) => f.function === FUNCTION);
    assert.ok(fn, `${FUNCTION} is in the manifest`);
    fnDir = fn.dir;
  });
  after(async () => slack?.stop());

  beforeEach(async () => {
    await createSeenTable(NOTIFIER_SEEN_TABLE_NAME);
    const sqs = new SQSClient({});
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: NOTIFIER_DIGEST_QUEUE_NAME }))).QueueUrl!;
    env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({
        default: slack.url("/services/default"),
        payments: slack.url("/services/payments"),
      }),
    };
  });

  const queueCounts = async () => {
    const { Attributes } = await new SQSClient({}).send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return [
      Number(Attributes!.ApproximateNumberOfMessages),
      Number(Attributes!.ApproximateNumberOfMessagesNotVisible),
    ];
  };
  /** The ids a post names: a digest's event lines, or a single message's text and footer. */
  const idsIn = (post: Post) => JSON.stringify(post.attachments[0].blocks);
  const idOf = (e: BurstEvent) =>
    String((e.message.detail as { eventID?: string } | undefined)?.eventID ?? e.message.id);

  it("posts critical events at once, holds the rest in the digest queue, and the digest run posts them as one digest per channel", async () => {
    // 0: SSH opened to the world, 6: the root user creates a user (both critical, payments);
    // 1 IAM change, 2 security-group revoke, 3 Config verdict, 4 alarm, 5 remediation report.
    const events = burstEvents(7);
    const { results, stdout, stderr } = await invokeDeployed(fnDir, [sqsBatch(events)], env);
    const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.deepEqual(results[0].value, { batchItemFailures: [] }, diag);
    const now = slack.delivered().map((r) => ({ path: r.path, post: r.json as Post }));
    assert.deepEqual(
      now.map((p) => [p.path, p.post.text.slice(0, 60)]),
      [
        ["/services/payments", "[critical] :red_circle: EC2 AuthorizeSecurityGroupIngress on"],
        ["/services/payments", "[critical] :red_circle: IAM CreateUser on deploy-bot by root"],
      ],
    );
    assert.ok(idsIn(now[0].post).includes(idOf(events[0])) && idsIn(now[1].post).includes(idOf(events[6])));
    assert.deepEqual(await queueCounts(), [5, 0], "five events wait in the digest queue");
    const held = stdout.split("\n").filter((l) => l.includes('"event held for the digest"'));
    assert.deepEqual(
      held.map((l) => JSON.parse(l).recordId),
      [1, 2, 3, 4, 5].map((i) => events[i].sqsMessageId),
    );

    // The schedule's digest run: one digest per channel, most severe first; then an empty run.
    const run = await invokeDeployed(fnDir, [DIGEST_RUN_EVENT, DIGEST_RUN_EVENT], env);
    const runDiag = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    assert.deepEqual(
      run.results.map((r) => r.value as { held: number; posted: number; failed: number } | undefined),
      [
        { requestId: "req-1-" + run.results.length, held: 5, posted: 5, skipped: 0, failed: 0 },
        { requestId: "x", held: 0, posted: 0, skipped: 0, failed: 0 },
      ].map((x, i) => ({ ...x, requestId: (run.results[i].value as { requestId: string }).requestId })),
      runDiag,
    );
    const digests = slack
      .delivered()
      .slice(2)
      .map((r) => ({ path: r.path, post: r.json as Post }));
    assert.deepEqual(
      digests.map((d) => [d.path, d.post.text]),
      [
        ["/services/default", "3 security events (2 high, 1 medium)"],
        ["/services/payments", "2 security events (2 high)"],
      ],
    );
    for (const d of digests) {
      const blocks = d.post.attachments[0].blocks;
      assert.deepEqual(blocks[0], {
        type: "header",
        text: { type: "plain_text", text: d.post.text, emoji: false },
      });
      assert.match(
        blocks[1].elements![0].text!,
        /^Digest every 15 minutes: events 1–\d of \d held for this channel, most severe first; critical events and alerts with a Revert button are posted at once\. /,
      );
    }
    const lines = (i: number) =>
      digests[i].post.attachments[0].blocks.filter((b) => b.block_id?.startsWith("event:"));
    assert.equal(lines(0).length, 3);
    assert.equal(lines(1).length, 2);
    const all = digests.map((d) => idsIn(d.post)).join("\n");
    for (const i of [1, 2, 3, 4, 5]) assert.ok(all.includes(idOf(events[i])), `event ${i} is in a digest`);
    // Most severe first: the medium revoke comes after the two high events.
    assert.match(lines(0)[2].text!.text, /EC2 RevokeSecurityGroupIngress/);
    assert.deepEqual(await queueCounts(), [0, 0], "the digest run deleted what it posted");
  });

  it("keeps held events in the queue when Slack fails during the digest run, and fails back what SQS would not hold", async () => {
    const events = burstEvents(3).slice(1); // IAM change (default), security-group revoke (default)
    await invokeDeployed(fnDir, [sqsBatch(events)], env);
    assert.deepEqual(await queueCounts(), [2, 0]);
    slack.reply(...Array.from({ length: 8 }, () => ({ status: 500 })));
    const run = await invokeDeployed(fnDir, [DIGEST_RUN_EVENT], env);
    assert.deepEqual(
      { ...(run.results[0].value as object), requestId: "" },
      { requestId: "", held: 2, posted: 0, skipped: 0, failed: 2 },
      run.stdout,
    );
    assert.deepEqual(
      await queueCounts(),
      [0, 2],
      "both wait, hidden until the run's visibility timeout ends",
    );
    assert.ok(run.stdout.includes('"digest run done"'));

    // No digest queue: the held records go back to the notifier queue, the critical one still posts.
    await new SQSClient({}).send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    slack.reset();
    const again = burstEvents(7, 100).slice(0, 2); // SSH to the world (critical), IAM change
    const { results } = await invokeDeployed(fnDir, [sqsBatch(again)], env);
    assert.deepEqual(results[0].value, { batchItemFailures: [{ itemIdentifier: again[1].sqsMessageId }] });
    assert.equal(slack.delivered().length, 1);
  });

  it("posts a held event once when it arrived by two paths (the digest run claims it in the seen table)", async () => {
    const [verdict] = burstEvents(4).slice(3); // Config verdict, non-SSH rule: high
    const twin = {
      ...verdict,
      snsMessageId: "0000aaaa-0000-4000-8000-000000000001",
      sqsMessageId: "0000aaaa-0000-4000-8000-000000000002",
    };
    await invokeDeployed(fnDir, [sqsBatch([verdict]), sqsBatch([twin])], env);
    assert.deepEqual(await queueCounts(), [2, 0]);
    const run = await invokeDeployed(fnDir, [DIGEST_RUN_EVENT], env);
    assert.deepEqual(
      { ...(run.results[0].value as object), requestId: "" },
      { requestId: "", held: 2, posted: 1, skipped: 1, failed: 0 },
      run.stdout,
    );
    assert.equal(slack.delivered().length, 1, "a lone event in a window posts as itself, once");
    assert.ok(!(slack.delivered()[0].json as Post).text.includes("security events"));
  });
});

describe("grouping: what posts at once", () => {
  const settings = parseNotifierSettings({ accountNames: {}, routes: [], alertActions: true });
  const rendered = (file: string): RenderedMessage => renderMessages(fixture(file), settings)[0];

  it("critical (or above the configured level), a Revert button, or an app-mode thread reply; the rest waits", () => {
    const ssh = rendered("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json");
    const iam = rendered("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json");
    const revoke = rendered("eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json");
    const report = rendered("eventbridge/remediation-revoked.json");
    assert.equal(postNowBecause(ssh, "critical", false), "it is critical");
    assert.equal(postNowBecause(iam, "critical", false), undefined);
    assert.equal(postNowBecause(iam, "high", false), "it is high");
    assert.equal(
      postNowBecause(revoke, "critical", false),
      undefined,
      "Mute and Acknowledge alone do not hurry it",
    );
    assert.equal(hasRevertButton(ssh), true);
    assert.equal(hasRevertButton(revoke), false);
    const port8080 = structuredClone(ssh);
    port8080.severity = "high";
    assert.equal(postNowBecause(port8080, "critical", false), "it carries a Revert button");
    assert.equal(
      postNowBecause(report, "critical", false),
      undefined,
      "webhook mode: the report joins the digest",
    );
    const appSettings = parseNotifierSettings({
      accountNames: {},
      routes: [],
      app: { channels: { default: "C0DEFAULT1" }, threadTable: "alert-threads" },
    });
    const appReport = renderMessages(fixture("eventbridge/remediation-revoked.json"), appSettings)[0];
    assert.equal(postNowBecause(appReport, "critical", true), "it is a reply in its alert's thread");
    assert.equal(postNowBecause({ ...iam, severity: undefined }, "critical", false), "it has no severity");
  });
});

describe("grouping: SQS batch calls", () => {
  it("groups at most 10 entries and 256 KiB of bodies per call, in order, none dropped", () => {
    const sizes = (groups: number[][]) => groups.map((g) => g.length);
    assert.deepEqual(sizes(batches([...Array(25).keys()], () => 1)), [10, 10, 5]);
    const kib = 1024;
    assert.deepEqual(
      sizes(
        batches(
          [100, 100, 100, 56, 1, 256].map((k) => k * kib),
          (n) => n,
        ),
      ),
      [2, 3, 1],
    );
    assert.deepEqual(
      batches([], () => 1),
      [],
    );
  });
});
