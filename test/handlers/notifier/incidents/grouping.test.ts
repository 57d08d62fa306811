// Incidents with grouping on, in process against moto (the incidents table, the digest queue, the
// alert threads table) and the Slack stand-in: the four-signal SSH sequence about one security
// group (CloudTrail AuthorizeSecurityGroupIngress 0.0.0.0/0:22, Config NON_COMPLIANT, the
// remediator's report, Security Hub EC2.13 FAILED then PASSED) gives one top-level post in both
// modes; an incident opened below critical opens in the digest, and its first critical signal
// gives it a post of its own; a muted signal still joins its incident.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NotifierSettings, createNotifierHandler } from "../../../../handlers/notifier";
import { DIGEST_RUN_EVENT } from "../../../../handlers/notifier/grouping";
import { useMoto } from "../../../helpers/moto";
import { createIncidentTable } from "../../../helpers/incidentTable";
import { createSeenTable } from "../../../helpers/seenTable";
import { TEST_BOT_TOKEN, useSlackServer } from "../../../helpers/slackServer";
import { notifierInBothModes } from "../../../helpers/notifierModes";
import { sqsOf } from "../../../helpers/sqsBatch";

const FIX = path.resolve(__dirname, "..", "..", "..", "fixtures");
const SEQUENCE_DIR = path.join(FIX, "incidents", "ssh-sequence");
const SG = "sg-0a1b2c3d4e5f60718";
/** The sequence's events in order, each as EventBridge delivers it; `sg` renames the group. */
const sequence = (sg = SG) =>
  fs
    .readdirSync(SEQUENCE_DIR)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(SEQUENCE_DIR, f), "utf8").replaceAll(SG, sg)));
/** The ids the notifier shows for the sequence (CloudTrail eventID, else the EventBridge id). */
const eventIds = (events: Array<{ id: string; detail?: { eventID?: string } }>) =>
  events.map((e) => e.detail?.eventID ?? e.id);

const TABLE = "incidents";
const QUEUE = "digest";
const THREADS = "alert-threads";
const base: NotifierSettings = {
  accountNames: {},
  routes: [],
  delivery: { maxAttempts: 2, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 1 },
  incidents: { tableName: TABLE },
  grouping: { queueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${QUEUE}`, windowMinutes: 15 },
};

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ text: string }>;
};
type Post = { text: string; attachments: Array<{ color: string; blocks: Block[] }> };
const blocks = (m: { attachments?: unknown[] }) => (m.attachments as Post["attachments"])[0].blocks;
const incidentIdIn = (text: string) => /Incident `([0-9A-Z]{7})`/.exec(text)?.[1];

describe("incidents with grouping on (moto incidents table and digest queue, Slack stand-in)", function () {
  this.timeout(120_000);
  useMoto();
  const slack = useSlackServer();

  beforeEach(async () => {
    await createIncidentTable(TABLE);
    await createSeenTable(THREADS);
    await new SQSClient({}).send(new CreateQueueCommand({ QueueName: QUEUE }));
  });

  const { webhook, app } = notifierInBothModes(slack, base, THREADS);

  it("webhook mode: the SSH sequence is one top-level post; its later signals are digest lines naming the incident", async () => {
    const notify = webhook();
    const events = sequence();
    const ids = eventIds(events);
    for (const [i, e] of events.entries()) await notify(e, { awsRequestId: `r-${i}` });
    const now = slack.delivered("/services/default").map((r) => r.json as Post);
    assert.equal(now.length, 1, "only the opening is posted at once");
    const opening = blocks(now[0]);
    const id = incidentIdIn(JSON.stringify(opening));
    assert.ok(id, "the opening names its incident");
    assert.equal(
      opening.at(-2)!.elements![0].text,
      `Incident \`${id}\`: later signals about this resource are posted as one short update per change of state`,
    );
    assert.match(JSON.stringify(opening.at(-1)), new RegExp(ids[0]));

    const run = await notify(DIGEST_RUN_EVENT, { awsRequestId: "digest-1" });
    assert.deepEqual(run, { requestId: "digest-1", held: 4, posted: 4, skipped: 0, failed: 0 });
    const all = slack.delivered("/services/default").map((r) => r.json as Post);
    assert.equal(all.length, 2, "one digest for the four signals that waited");
    const digest = all[1];
    assert.equal(digest.text, ":red_circle: 4 security events (1 critical, 2 high, 1 info)");
    const lines = blocks(digest).filter((b) => b.block_id?.startsWith("event:"));
    // Most severe first: the Config verdict (critical), the report and the FAILED finding (high),
    // the PASSED finding (info); each line ends with its event id and what it did to the incident.
    assert.deepEqual(
      lines.map((l) => l.text!.text.replace(/^.* · (`[^`]+`) · (incident `\w+` \w+)$/, "$1 $2")),
      [
        `\`${ids[1]}\` incident \`${id}\` joined`,
        `\`${ids[2]}\` incident \`${id}\` remediated`,
        `\`${ids[3]}\` incident \`${id}\` joined`,
        `\`${ids[4]}\` incident \`${id}\` resolved`,
      ],
    );
  });

  for (const mode of ["webhook", "app"] as const)
    it(`${mode} mode: a lone Security Hub PASSED with no open incident is skipped, posted nowhere, not even in a digest`, async () => {
      const notify = mode === "app" ? app() : webhook();
      const passed = sequence()[4];
      const out = await notify(passed, { awsRequestId: "r-pass" });
      // Below critical, it waits for the digest run, which finds no incident to resolve.
      assert.deepEqual(
        (out as { outcomes: Array<{ status: string; reason: string }> }).outcomes.map((o) => o.status),
        ["skipped"],
      );
      const run = await notify(DIGEST_RUN_EVENT, { awsRequestId: "digest-1" });
      // The digest run skips it: "passing verdict with no open incident: nothing to resolve".
      assert.deepEqual(run, { requestId: "digest-1", held: 1, posted: 0, skipped: 1, failed: 0 });
      assert.deepEqual(slack.apiCalls(), [], "no Slack API call");
      assert.deepEqual(slack.messages("C0SECURITY"), []);
      assert.deepEqual(slack.messages("/services/default"), []);
    });

  it("app mode: the SSH sequence is one card, rewritten in place to Resolved, every signal in its thread; nothing waits", async () => {
    const notify = app();
    for (const [i, e] of sequence().entries()) await notify(e, { awsRequestId: `r-${i}` });
    assert.deepEqual(await notify(DIGEST_RUN_EVENT, { awsRequestId: "digest-1" }), {
      requestId: "digest-1",
      held: 0,
      posted: 0,
      skipped: 0,
      failed: 0,
    });
    const messages = slack.messages("C0SECURITY");
    const top = messages.filter((m) => m.thread_ts === undefined);
    assert.equal(top.length, 1, "one top-level post");
    assert.equal(messages.filter((m) => m.thread_ts === top[0].ts).length, 5, "every signal in its thread");
    assert.deepEqual(
      slack.apiCalls().map((c) => [c.method, c.args.thread_ts === undefined ? "" : "thread"]),
      [
        ["chat.postMessage", ""],
        ["chat.postMessage", "thread"],
        ...[1, 2, 3, 4].flatMap(() => [
          ["chat.update", ""],
          ["chat.postMessage", "thread"],
        ]),
      ],
    );
    assert.match(blocks(top[0])[0].text!.text, /^Resolved: /);
  });

  for (const mode of ["webhook", "app"] as const)
    it(`${mode} mode: incidents opened below critical open in the digest; the first critical signal gives one its own post`, async () => {
      const notify = mode === "app" ? app() : webhook();
      const failedA = sequence("sg-0000000000000000a")[3];
      const failedB = sequence("sg-0000000000000000b")[3];
      failedB.id = "ffffffff-5f60-4718-8293-a4b5c6d7e8f9";
      failedB.detail.findings[0].Id = `${failedB.detail.findings[0].Id}-b`;
      await notify(failedA, { awsRequestId: "r-a" });
      await notify(failedB, { awsRequestId: "r-b" });
      assert.equal(slack.requests.length, 0, "two high findings wait for the digest");
      const run = await notify(DIGEST_RUN_EVENT, { awsRequestId: "digest-1" });
      assert.deepEqual(run, { requestId: "digest-1", held: 2, posted: 2, skipped: 0, failed: 0 });
      const top = () =>
        mode === "app"
          ? slack.messages("C0SECURITY").filter((m) => m.thread_ts === undefined)
          : slack.delivered("/services/default").map((r) => r.json as Post);
      assert.equal(top().length, 1, "one digest");
      const lines = blocks(top()[0] as Post).filter((b) => b.block_id?.startsWith("event:"));
      const named = lines.map((l) => /· incident `(\w+)` opened$/.exec(l.text!.text)?.[1]);
      assert.equal(
        named.filter(Boolean).length,
        2,
        `both lines name their incident: ${JSON.stringify(lines)}`,
      );
      assert.notEqual(named[0], named[1]);

      // SSH opened to the world on group a: critical, so its incident gets a post of its own.
      const ssh = sequence("sg-0000000000000000a")[0];
      await notify(ssh, { awsRequestId: "r-ssh" });
      assert.equal(top().length, 2, "the escalation is the incident's own top-level post");
      const own = JSON.stringify(top()[1]);
      const id = mode === "app" ? /Incident `([0-9A-Z]{7})`/.exec(own)?.[1] : incidentIdIn(own);
      assert.ok(id && named.includes(id), `the post names the incident of the digest line: ${own}`);
      if (mode === "app") {
        assert.match(blocks(top()[1] as Post)[0].text!.text, /^Open: /);
        assert.equal(
          slack.messages("C0SECURITY").filter((m) => m.thread_ts === (top()[1] as { ts: string }).ts).length,
          1,
        );
      }
      // The incident's next below-critical signal (the PASSED finding): app mode joins the card
      // at once; webhook mode lists it in the next digest.
      const passed = sequence("sg-0000000000000000a")[4];
      await notify(passed, { awsRequestId: "r-pass" });
      await notify(DIGEST_RUN_EVENT, { awsRequestId: "digest-2" });
      if (mode === "app") {
        assert.equal(top().length, 2, "no new top-level post");
        assert.match(blocks(top()[1] as Post)[0].text!.text, /^Resolved: /);
      } else {
        assert.equal(top().length, 3);
        assert.match(JSON.stringify(top()[2]), new RegExp(`Incident \\\`${id}\\\` resolved`));
      }
    });

  it("app mode, one mixed batch: urgent incidents first (new card, then card updates, then replies), the rest after", async () => {
    const notify = app();
    /** The sequence about group `n`, each event with ids of its own (the notifier de-duplicates by id). */
    const about = (n: string) =>
      sequence(`sg-000000000000000${n}`).map((e, i) => {
        e.id = `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-00000000000${i}`;
        if (e.detail?.eventID)
          e.detail.eventID = `${n}${n}${n}${n}${n}${n}${n}${n}-1111-4000-8000-00000000000${i}`;
        return e;
      });
    const [a, b, c] = [about("a"), about("b"), about("c")];
    // Incidents a and c already have their cards (SSH opened to the world: posted at once).
    await notify(a[0], { awsRequestId: "r-a" });
    await notify(c[0], { awsRequestId: "r-c" });
    const cardOf = (n: number) => slack.messages("C0SECURITY").filter((m) => m.thread_ts === undefined)[n].ts;
    const [cardA, cardC] = [cardOf(0), cardOf(1)];
    const before = slack.apiCalls().length;
    // One batch, in this order: a's Security Hub FAILED (high: not urgent), b's Config verdict
    // (critical: opens incident b), c's Config verdict (critical: joins c).
    const run = (await notify(sqsOf(a[3], b[1], c[1]), { awsRequestId: "r-batch" })) as {
      batchItemFailures: unknown[];
    };
    assert.deepEqual(run.batchItemFailures, []);
    const calls = slack.apiCalls().slice(before);
    const cardB = calls[0].response.ts as string;
    const name = (ts: unknown) => ({ [cardA]: "a", [cardB]: "b", [cardC]: "c" })[String(ts)] ?? `? ${ts}`;
    assert.deepEqual(
      calls.map((x) =>
        x.method === "chat.update"
          ? `update card ${name(x.args.ts)}`
          : x.args.thread_ts === undefined
            ? `new card ${name(x.response.ts)}`
            : `reply to ${name(x.args.thread_ts)}`,
      ),
      ["new card b", "update card c", "reply to b", "reply to c", "update card a", "reply to a"],
    );
    assert.ok(
      calls.every((x) => x.status === 200 && x.response.ok === true && x.args.channel === "C0SECURITY"),
    );
  });

  it("a muted signal joins its incident (state and count), recorded but not posted", async () => {
    const notify = createNotifierHandler(
      {
        ...base,
        grouping: undefined,
        app: { channels: { default: "C0SECURITY" }, threadTable: THREADS },
        mutes: [
          {
            name: "reports",
            eventNames: ["revoked"],
            reason: "reports seen elsewhere",
            expires: "2999-12-31",
          },
        ],
      },
      { LOCAL_RUN: "1", SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() },
    );
    const [open, , report, failed] = sequence();
    await notify(open, { awsRequestId: "r-1" });
    const muted = await notify(report, { awsRequestId: "r-2" });
    assert.deepEqual(
      (muted as { outcomes: Array<{ status: string; reason?: string }> }).outcomes.map((o) => [
        o.status,
        o.reason,
      ]),
      [["skipped", "muted by reports until 2999-12-31 (reports seen elsewhere)"]],
    );
    const calls = slack.apiCalls().length;
    await notify(failed, { awsRequestId: "r-3" });
    assert.equal(slack.apiCalls().length, calls + 2, "the next signal: one card update, one reply");
    const [card] = slack.messages("C0SECURITY").filter((m) => m.thread_ts === undefined);
    const fields = JSON.stringify(blocks(card));
    assert.match(blocks(card)[0].text!.text, /^Remediated: /, "the muted report remediated the incident");
    assert.match(fields, /\*Signals\*\\n3/, "the muted report is counted");
  });
});
