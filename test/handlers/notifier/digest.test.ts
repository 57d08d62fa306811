// Bursts: more events for one webhook in one invocation than digest.threshold go out as digest
// messages (one line per event, most severe first, split so that none is dropped); SQS batches get
// a partial batch response naming exactly the records whose post failed.
import { strict as assert } from "assert";
import {
  COLORS,
  NotifierResult,
  NotifierSettings,
  SlackMessage,
  SqsBatchResponse,
  createNotifierHandler,
  renderMessages,
  validateNotifierSettings,
} from "../../../handlers/notifier";
import { useLocalWebhooks } from "../../helpers/localWebhooks";
import { headerOf } from "./fixtures";
import { levelCounts } from "../../../handlers/notifier/severity";
import { BurstEvent, burstEvents, lambdaSnsEvent, sqsBatch } from "./burst";

const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments", "333333333333": "data", "444444444444": "web" },
  routes: [],
  delivery: { maxAttempts: 3, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 2 },
};
const ctx = { awsRequestId: "req-digest", getRemainingTimeInMillis: () => 300_000 };

type Block = { type: string; block_id?: string; text?: { text: string } };
function blocks(m: unknown): Block[] {
  return (m as SlackMessage).attachments[0].blocks as unknown as Block[];
}
/** Record ids a digest message lists, from its event lines' block ids. */
function listed(m: unknown): string[] {
  return blocks(m)
    .filter((b) => b.block_id?.startsWith("event:"))
    .map((b) => b.block_id!.slice("event:".length));
}

describe("notifier digests for bursts", () => {
  const { slack, local } = useLocalWebhooks();

  it("posts 12 events for one webhook as one digest: exact header, fallback, colour and lines, dangerous first", async () => {
    const events = burstEvents(12);
    const response = await createNotifierHandler(settings, local.env)(sqsBatch(events), ctx);
    assert.deepEqual(response, { batchItemFailures: [] });
    const [post, ...more] = slack.posts();
    assert.equal(more.length, 0, "one message");
    const msg = post as SlackMessage;
    // Burst fixtures 0-11 by severity (severity.ts): 4 critical (SSH to the world, CreateUser by
    // the root user, remediation dry run, the SSH rule's NON_COMPLIANT), 5 high, 1 medium, 2 info.
    assert.equal(msg.text, ":red_circle: 12 security events (4 critical, 5 high, 1 medium, 2 info)");
    assert.equal(msg.attachments.length, 1);
    assert.equal(msg.attachments[0].color, COLORS.danger);
    const b = blocks(msg);
    assert.equal(b.length, 2 + 12);
    assert.deepEqual(b[0], {
      type: "header",
      text: {
        type: "plain_text",
        text: "12 security events (4 critical, 5 high, 1 medium, 2 info)",
        emoji: false,
      },
    });
    assert.deepEqual(b[1], {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Burst digest: events 1–12 of 12 for this channel, most severe first. Full details: the console links, or the notifier log by event id.",
        },
      ],
    });
    // The first line: the Seoul SG opened to the world (fixture 0), exactly.
    assert.deepEqual(b[2], {
      type: "section",
      block_id: `event:${events[0].sqsMessageId}`,
      text: {
        type: "mrkdwn",
        text:
          ":rotating_light: *<https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b0250000-0000-4000-8000-000000000000|[critical] EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718>*" +
          " · `sg-0a1b2c3d4e5f60718` · by IAM user alice · payments (222222222222) · ap-northeast-2 · `b0250000-0000-4000-8000-000000000000`",
      },
    });
    // Every line, from its finding: the emoji of its severity, "[severity] title" linked to the
    // first console link, the resource, the actor (when there is one), account, region, event id;
    // most severe first, record order within a severity.
    assert.deepEqual(
      b.slice(2).map((x) => x.text!.text),
      [
        ":rotating_light: *<https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b0250000-0000-4000-8000-000000000000|[critical] EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718>* · `sg-0a1b2c3d4e5f60718` · by IAM user alice · payments (222222222222) · ap-northeast-2 · `b0250000-0000-4000-8000-000000000000`",
        ":rotating_light: *<https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/b0250000-0000-4000-8000-000000000006|[critical] IAM CreateUser on deploy-bot>* · `deploy-bot` · by root user of account 222222222222 · payments (222222222222) · us-east-1 · `b0250000-0000-4000-8000-000000000006`",
        ":rotating_light: *<https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b0250000-0000-4000-8000-000000000007|[critical] EC2 ModifySecurityGroupRules on sg-0d4e5f60718293a4b>* · `sg-0d4e5f60718293a4b` · by role Developer (session carol) · web (444444444444) · ap-northeast-2 · `b0250000-0000-4000-8000-000000000007`",
        ":rotating_light: *<https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0a1b2c3d4e5f60718|[critical] Dry run: would revoke SSH open to the internet on sg-0a1b2c3d4e5f60718>* · `bastion` · by user/alice · payments (222222222222) · ap-northeast-2 · `b0150000-0000-4000-8000-000000000009`",
        ":red_circle: *<https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/b0250000-0000-4000-8000-000000000001|[high] IAM AttachRolePolicy on app-runtime>* · `app-runtime` · by federated user dave (via IAM user ci-broker) · web (444444444444) · us-east-1 · `b0250000-0000-4000-8000-000000000001`",
        ":red_circle: *<https://ap-northeast-2.console.aws.amazon.com/config/home?region=ap-northeast-2#/rules/details?configRuleName=restricted-ssh|[high] sg-0a1b2c3d4e5f60718 is NON_COMPLIANT with restricted-ssh>* · `sg-0a1b2c3d4e5f60718` · payments (222222222222) · ap-northeast-2 · `b0150000-0000-4000-8000-000000000003`",
        ":red_circle: *<https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/root-account-usage|[high] ALARM: root-account-usage>* · `root-account-usage` · data (333333333333) · ap-northeast-1 · `b0150000-0000-4000-8000-000000000004`",
        ":red_circle: *<https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0a1b2c3d4e5f60718|[high] Revoked SSH open to the internet on sg-0a1b2c3d4e5f60718>* · `bastion` · by user/alice · payments (222222222222) · ap-northeast-2 · `b0150000-0000-4000-8000-000000000005`",
        ":red_circle: *<https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/b0250000-0000-4000-8000-00000000000b|[high] IAM DetachUserPolicy on legacy-app>* · `legacy-app` · by IAM user erin · payments (222222222222) · us-east-1 · `b0250000-0000-4000-8000-00000000000b`",
        ":large_orange_circle: *<https://ap-northeast-1.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-1#/events/b0250000-0000-4000-8000-000000000002|[medium] EC2 RevokeSecurityGroupIngress on sg-0b2c3d4e5f6071829>* · `sg-0b2c3d4e5f6071829` · by role OpsAdmin (session bob@example.com) · data (333333333333) · ap-northeast-1 · `b0250000-0000-4000-8000-000000000002`",
        ":white_circle: *<https://ap-northeast-2.console.aws.amazon.com/config/home?region=ap-northeast-2#/rules/details?configRuleName=restricted-ssh|[info] sg-0a1b2c3d4e5f60718 is COMPLIANT with restricted-ssh>* · `sg-0a1b2c3d4e5f60718` · payments (222222222222) · ap-northeast-2 · `b0150000-0000-4000-8000-000000000008`",
        ":white_circle: *<https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/root-account-usage|[info] OK: root-account-usage>* · `root-account-usage` · data (333333333333) · ap-northeast-1 · `b0150000-0000-4000-8000-00000000000a`",
      ],
    );
    assert.deepEqual(
      [...listed(msg)].sort(),
      events.map((e) => e.sqsMessageId).sort(),
      "every event listed exactly once",
    );
    const digestLog = local.logs.lines.find((l) => l.message === "posted digest to Slack")!;
    assert.deepEqual(digestLog.recordIds, listed(msg));
    assert.equal(digestLog.digestPart, "1/1");
  });

  it("splits 95 events into 3 messages of 40, 40 and 15, listing each event exactly once", async () => {
    const events = burstEvents(95);
    const response = await createNotifierHandler(settings, local.env)(sqsBatch(events), ctx);
    assert.deepEqual(response, { batchItemFailures: [] });
    const posts = slack.posts();
    assert.equal(posts.length, 3);
    assert.deepEqual(
      posts.map((p) => listed(p).length),
      [40, 40, 15],
    );
    const all = posts.flatMap(listed);
    assert.equal(new Set(all).size, 95);
    assert.deepEqual([...all].sort(), events.map((e) => e.sqsMessageId).sort());
    const counts = levelCounts(renderMessages(sqsBatch(events), settings).map((r) => r.severity!));
    assert.match(counts, /^\d+ critical, \d+ high, \d+ medium, \d+ info$/);
    assert.deepEqual(
      posts.map((p) => [(p as SlackMessage).text, headerOf(p as SlackMessage)]),
      [1, 2, 3].map((n) => [
        `:red_circle: 95 security events (${counts}), part ${n} of 3`,
        `95 security events (${counts}) · part ${n} of 3`,
      ]),
    );
    assert.deepEqual(
      posts.map(
        (p) => (blocks(p)[1] as { elements?: Array<{ text: string }> }).elements![0].text.split(" for")[0],
      ),
      [
        "Burst digest: events 1–40 of 95",
        "Burst digest: events 41–80 of 95",
        "Burst digest: events 81–95 of 95",
      ],
    );
    for (const p of posts) assert.ok(blocks(p).length <= 50);
    const done = local.logs.lines.find((l) => l.message === "notifier done")!;
    assert.deepEqual([done.records, done.posted, done.messages], [95, 95, 3]);
  });

  it("up to the threshold (5 for one webhook) keeps today's single-event messages, exactly as rendered", async () => {
    const event = sqsBatch(burstEvents(5));
    await createNotifierHandler(settings, local.env)(event, ctx);
    assert.deepEqual(
      slack.posts(),
      renderMessages(event, settings).map((r) => r.message),
    );
  });

  it("mixed routes: the webhook over the threshold gets a digest, the other keeps single messages, in record order", async () => {
    const routed: NotifierSettings = {
      ...settings,
      routes: [{ webhook: "payments", accounts: ["222222222222"] }],
    };
    // 20 burst events: 11 from payments (222222222222), 9 from the other accounts.
    const events = burstEvents(20);
    const rendered = renderMessages(sqsBatch(events), routed);
    const toPayments = rendered.filter((r) => r.webhook === "payments").map((r) => r.recordId);
    const toDefault = rendered.filter((r) => r.webhook === "default");
    assert.equal(toPayments.length, 11);
    // Keep 3 of the default ones: under the threshold there.
    const keep = new Set([...toPayments, ...toDefault.slice(0, 3).map((r) => r.recordId)]);
    const batch = sqsBatch(events.filter((e) => keep.has(e.sqsMessageId)));
    const response = await createNotifierHandler(routed, local.env)(batch, ctx);
    assert.deepEqual(response, { batchItemFailures: [] });
    const delivered = slack.delivered();
    // Record order: payments first (fixture 0), so its digest goes first, then the 3 singles.
    assert.deepEqual(
      delivered.map((r) => r.path),
      ["/services/payments", "/services/default", "/services/default", "/services/default"],
    );
    assert.deepEqual([...listed(delivered[0].json)].sort(), [...toPayments].sort());
    assert.equal(
      (delivered[0].json as SlackMessage).text.replace(/ \(.*$/, ""),
      ":red_circle: 11 security events",
    );
    assert.deepEqual(
      delivered.slice(1).map((r) => r.json),
      toDefault.slice(0, 3).map((r) => r.message),
    );
  });

  it("partial failure: returns exactly the failed records (a failed digest part fails all its events); no throw", async () => {
    const routed: NotifierSettings = {
      ...settings,
      routes: [{ webhook: "payments", accounts: ["222222222222"] }],
    };
    // 50 payments events (a digest of 40 + 10) between two default ones (single messages).
    const pool = burstEvents(400);
    const rendered = renderMessages(sqsBatch(pool), routed);
    const payments = pool.filter((_, i) => rendered[i].webhook === "payments").slice(0, 50);
    const others = pool.filter((_, i) => rendered[i].webhook === "default").slice(0, 2);
    const batch = sqsBatch([others[0], ...payments, others[1]]);
    // Posts in order: single, digest 1/2, digest 2/2, single. The second part and the last single fail.
    slack.reply(
      { status: 200 },
      { status: 200 },
      { status: 404, body: "channel_not_found" },
      { status: 400, body: "invalid_blocks" },
    );
    const response = (await createNotifierHandler(routed, local.env)(batch, ctx)) as SqsBatchResponse;
    const part1 = listed(slack.requests[1].json);
    const part2 = listed(slack.requests[2].json);
    assert.equal(part1.length, 40);
    assert.equal(part2.length, 10);
    // In record order: the second part's events, then the failed single.
    const failedIds = [
      ...payments.map((e) => e.sqsMessageId).filter((id) => part2.includes(id)),
      others[1].sqsMessageId,
    ];
    assert.deepEqual(response, { batchItemFailures: failedIds.map((id) => ({ itemIdentifier: id })) });
    assert.deepEqual([...part1, ...part2].sort(), payments.map((e) => e.sqsMessageId).sort());
    const failures = local.logs.lines.filter((l) => l.message === "Slack post failed after retries");
    assert.deepEqual(
      failures.map((l) => l.recordId),
      failedIds,
      "one error line per failed event, in record order",
    );
    const summary = local.logs.lines.find(
      (l) => l.message === "notifier batch partly failed; SQS will redeliver the failed records",
    )!;
    assert.equal(summary.level, "error");
    assert.equal((summary.alreadyPosted as string[]).length, 41);
  });

  it("every record goes back when the webhooks cannot be loaded (SQS), and the SNS path still throws", async () => {
    delete local.env.LOCAL_RUN;
    const events = burstEvents(8);
    const response = await createNotifierHandler(settings, local.env)(sqsBatch(events), ctx);
    assert.deepEqual(response, {
      batchItemFailures: events.map((e) => ({ itemIdentifier: e.sqsMessageId })),
    });
    await assert.rejects(createNotifierHandler(settings, local.env)(lambdaSnsEvent(events[0]), ctx), {
      name: "SecretError",
    });
    assert.equal(slack.requests.length, 0);
  });

  it("an SNS event with a burst also gets a digest, and still throws when its post fails", async () => {
    const events: BurstEvent[] = burstEvents(7);
    const snsBatch = { Records: events.flatMap((e) => lambdaSnsEvent(e).Records) };
    const ok = (await createNotifierHandler(settings, local.env)(snsBatch, ctx)) as NotifierResult;
    assert.deepEqual([ok.records, ok.posted, ok.messages], [7, 7, 1]);
    assert.ok(ok.outcomes.every((o) => o.digest?.part === 1 && o.digest.parts === 1));
    slack.reply({ status: 404, body: "no_service" });
    await assert.rejects(createNotifierHandler(settings, local.env)(snsBatch, ctx), {
      name: "NotifierDeliveryError",
      message: /^7 of 7 record\(s\) failed to post to Slack/,
    });
  });

  it("a route to an unconfigured webhook: the digest goes to default and says so", async () => {
    const s: NotifierSettings = { ...settings, routes: [{ webhook: "security-team" }] };
    await createNotifierHandler(s, local.env)(sqsBatch(burstEvents(6)), ctx);
    assert.deepEqual(
      slack.delivered().map((r) => r.path),
      ["/services/default"],
    );
    const last = blocks(slack.posts()[0]).at(-1) as unknown as { elements: Array<{ text: string }> };
    assert.equal(
      last.elements[0].text,
      ':warning: Routed to the default channel: webhook "security-team" is not configured in SLACK_WEBHOOKS_CIPHERTEXT.',
    );
  });

  it("validates digest settings", () => {
    assert.deepEqual(
      validateNotifierSettings({ ...settings, digest: { threshold: 0, maxEventsPerMessage: 47 } }),
      [],
    );
    assert.deepEqual(
      validateNotifierSettings({ ...settings, digest: { threshold: -1, maxEventsPerMessage: 48 } }),
      [
        "digest.threshold must be an integer from 0 up, got -1",
        "digest.maxEventsPerMessage must be an integer from 1 to 47, got 48",
      ],
    );
    assert.deepEqual(validateNotifierSettings({ ...settings, digest: [] }), [
      "digest must be an object when given",
    ]);
  });
});
