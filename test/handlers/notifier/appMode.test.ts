// Slack app mode end to end in this process: the bot token from env (plain with LOCAL_RUN=1), the
// Web API on the local Slack stand-in, the alert threads table in moto's DynamoDB. An alert is
// posted with chat.postMessage and remembered; the remediation report for it goes to the alert's
// thread and the alert's header is rewritten with chat.update; Slack's ok:false answers are
// failures, never successes.
import { strict as assert } from "assert";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  COLORS,
  NotifierDeliveryError,
  NotifierResponse,
  NotifierResult,
  NotifierSettings,
  SqsBatchResponse,
  createNotifierHandler,
  renderMessages,
} from "../../../handlers/notifier";
import { DEFAULT_POST_BURST } from "../../../handlers/notifier/appMode";
import { fitToSlack } from "../../../handlers/notifier/blockKit";
import { THREAD_KEY_ATTRIBUTE, alertKey } from "../../../handlers/shared/alertThreads";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import { useMoto } from "../../helpers/moto";
import { captureLogs } from "../../helpers/logs";
import { createSeenTable } from "../../helpers/seenTable";
import { fixture } from "./fixtures";
import { sqsOf } from "../../helpers/sqsBatch";

const TABLE = "security-guard-alert-threads";
const ALERT = "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json";
const REPORT = "eventbridge/remediation-revoked.json";
const ALERT_EVENT_ID = "b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c";
const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments" },
  routes: [{ webhook: "payments", accounts: ["222222222222"] }],
  delivery: { maxAttempts: 3, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 2 },
  app: {
    channels: { default: "C0DEFAULT", payments: "C0PAYMENTS" },
    threadTable: TABLE,
    minPostIntervalMs: 0,
  },
};
const ctx = { awsRequestId: "req-app" };

async function resultOf(p: Promise<NotifierResponse>): Promise<NotifierResult> {
  return (await p) as NotifierResult;
}

describe("notifier in Slack app mode (bot token, chat.postMessage, threads)", function () {
  this.timeout(60_000);
  useMoto();
  const slack = useSlackServer();
  let logs: ReturnType<typeof captureLogs>;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    await createSeenTable(TABLE);
    env = { LOCAL_RUN: "1", SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() };
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it("posts an alert with chat.postMessage (exact payload) and remembers its channel and ts", async () => {
    const result = await resultOf(createNotifierHandler(settings, env)(fixture(ALERT), ctx));
    const [rendered] = renderMessages(fixture(ALERT), settings);
    const expected = fitToSlack(rendered.message!);
    const [call] = slack.apiCalls();
    assert.equal(slack.apiCalls().length, 1);
    assert.equal(call.method, "chat.postMessage");
    assert.equal(call.token, TEST_BOT_TOKEN);
    assert.deepEqual(call.args, {
      channel: "C0PAYMENTS",
      text: expected.text,
      attachments: expected.attachments,
      unfurl_links: false,
      unfurl_media: false,
    });
    const [posted] = slack.messages("C0PAYMENTS");
    assert.deepEqual(result.outcomes[0], {
      recordId: rendered.recordId,
      eventId: ALERT_EVENT_ID,
      kind: "security-group",
      webhook: "payments",
      status: "posted",
      attempts: 1,
      channel: "C0PAYMENTS",
      ts: posted.ts,
    });
    const ddb = new DynamoDBClient({});
    const item = await ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { [THREAD_KEY_ATTRIBUTE]: { S: alertKey("222222222222", ALERT_EVENT_ID) } },
      }),
    );
    ddb.destroy();
    assert.equal(item.Item?.channel?.S, "C0PAYMENTS");
    assert.equal(item.Item?.ts?.S, posted.ts);
    assert.deepEqual(JSON.parse(item.Item!.message!.S!), {
      text: expected.text,
      attachments: expected.attachments,
    });
    assert.ok(Number(item.Item?.expiresAt?.N) > Date.now() / 1000 + 29 * 86_400, "kept about 30 days");
  });

  it("posts the remediation report in the alert's thread and rewrites the alert's header", async () => {
    const notify = createNotifierHandler(settings, env);
    await notify(fixture(ALERT), ctx);
    const alert = structuredClone(slack.messages("C0PAYMENTS")[0]);
    const result = await resultOf(notify(fixture(REPORT), ctx));

    const [, reply, update] = slack.apiCalls();
    assert.equal(reply.method, "chat.postMessage");
    assert.equal(reply.args.channel, "C0PAYMENTS", "the report goes to the alert's channel");
    assert.equal(reply.args.thread_ts, alert.ts);
    const [report] = renderMessages(fixture(REPORT), settings);
    assert.deepEqual(reply.args.attachments, fitToSlack(report.message!).attachments);
    assert.deepEqual(
      slack.threadReplies("C0PAYMENTS", alert.ts).map((m) => m.text),
      [fitToSlack(report.message!).text],
    );

    assert.equal(update.method, "chat.update");
    assert.equal(update.args.channel, "C0PAYMENTS");
    assert.equal(update.args.ts, alert.ts);
    // The alert opened SSH at 01:02:03Z; the remediation function reported at 01:02:10Z.
    const header = "SSH closed automatically 7 s after it was opened";
    const now = slack.messages("C0PAYMENTS")[0];
    const blocks = (now.attachments as Array<{ color: string; blocks: Array<Record<string, any>> }>)[0];
    assert.equal(blocks.color, COLORS.good);
    assert.deepEqual(blocks.blocks[0], {
      type: "header",
      text: { type: "plain_text", text: header, emoji: false },
    });
    const oldHeader = (alert.attachments as any)[0].blocks[0].text.text as string;
    assert.deepEqual(blocks.blocks[1], {
      type: "context",
      elements: [{ type: "mrkdwn", text: `~${oldHeader}~` }],
    });
    assert.deepEqual(
      blocks.blocks.slice(2),
      (alert.attachments as any)[0].blocks.slice(1),
      "the rest of the alert is unchanged",
    );
    assert.equal(now.text, `${header}: ${alert.text}`);
    assert.equal(now.history.length, 1);
    assert.equal(slack.messages("C0PAYMENTS").length, 2, "the alert and its reply, nothing else");

    assert.deepEqual(
      { ...result.outcomes[0], recordId: "-" },
      {
        recordId: "-",
        eventId: report.eventId,
        kind: "remediation",
        webhook: "payments",
        status: "posted",
        attempts: 1,
        channel: "C0PAYMENTS",
        ts: slack.threadReplies("C0PAYMENTS", alert.ts)[0].ts,
        threadTs: alert.ts,
        headerUpdated: true,
      },
    );
  });

  it("threads a report triggered by a Config compliance change under that change's alert", async () => {
    const notify = createNotifierHandler(settings, env);
    await notify(fixture("eventbridge/config-compliance-change-noncompliant.json"), ctx);
    await notify(fixture("eventbridge/remediation-already-compliant-config-trigger.json"), ctx);
    const [alert, reply] = slack.messages("C0PAYMENTS");
    assert.equal(reply.thread_ts, alert.ts);
    const blocks = (
      alert.attachments as Array<{ color: string; blocks: Array<{ text?: { text: string } }> }>
    )[0];
    assert.equal(blocks.blocks[0].text?.text, "SSH is no longer open to the internet: nothing to revoke");
    assert.equal(blocks.color, COLORS.good);
  });

  it("threads a report that arrives before its alert in the same batch (alerts are posted first)", async () => {
    const response = (await createNotifierHandler(settings, env)(
      sqsOf(fixture(REPORT), fixture(ALERT)),
      ctx,
    )) as SqsBatchResponse;
    assert.deepEqual(response, { batchItemFailures: [] });
    const [alert, reply] = slack.messages("C0PAYMENTS");
    assert.equal(alert.thread_ts, undefined);
    assert.equal(reply.thread_ts, alert.ts);
    assert.deepEqual(
      slack.apiCalls().map((c) => c.method),
      ["chat.postMessage", "chat.postMessage", "chat.update"],
    );
  });

  it("a fresh report racing its alert (another invocation posting it) waits for the alert's thread", async () => {
    // The remediation reported just now; its alert is being posted by a concurrent invocation.
    const report = { ...(fixture(REPORT) as object), time: new Date().toISOString() };
    const reporting = createNotifierHandler(settings, env)(sqsOf(report), ctx);
    await new Promise((r) => setTimeout(r, 300));
    await createNotifierHandler(settings, env)(fixture(ALERT), ctx);
    assert.deepEqual(await reporting, { batchItemFailures: [] });
    const [alert, reply] = slack.messages("C0PAYMENTS");
    assert.equal(reply.thread_ts, alert.ts, "the report waited for the alert and went to its thread");
    assert.ok(
      logs.lines.some(
        (l) => l.message === "alert thread not recorded yet for a fresh report; looking again shortly",
      ),
    );
  });

  it("a report whose alert is unknown is posted in its route's channel, without thread or update", async () => {
    const result = await resultOf(createNotifierHandler(settings, env)(fixture(REPORT), ctx));
    assert.deepEqual(
      slack.apiCalls().map((c) => [c.method, c.args.channel, c.args.thread_ts]),
      [["chat.postMessage", "C0PAYMENTS", undefined]],
    );
    assert.equal(result.outcomes[0].status, "posted");
    assert.equal(result.outcomes[0].threadTs, undefined);
  });

  for (const error of ["invalid_auth", "channel_not_found", "not_in_channel", "account_inactive"]) {
    it(`ok:false ${error} is a failure: not retried, not reported posted, the record comes back`, async () => {
      slack.replyTo("chat.postMessage", { slackError: error });
      const response = (await createNotifierHandler(settings, env)(
        sqsOf(fixture(ALERT)),
        ctx,
      )) as SqsBatchResponse;
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "m-0" }] });
      assert.equal(slack.apiCalls().length, 1, "not retried");
      assert.equal(slack.messages("C0PAYMENTS").length, 0);
      const failed = logs.lines.find((l) => l.message === "Slack post failed after retries");
      assert.match(
        String(failed?.error),
        new RegExp(`chat.postMessage: Slack answered ok:false, error ${error}`),
      );
    });
  }

  it("ok:false through SNS throws a NotifierDeliveryError naming Slack's error", async () => {
    slack.webApi({ tokens: ["xoxb-another-token"] });
    await assert.rejects(
      createNotifierHandler(settings, env)(fixture(ALERT), ctx),
      (err: NotifierDeliveryError) => {
        assert.equal(err.name, "NotifierDeliveryError");
        assert.equal(err.result.posted, 0);
        assert.match(err.result.outcomes[0].error!, /ok:false, error invalid_auth/);
        return true;
      },
    );
  });

  it("retries what Slack says is retryable: 429 after Retry-After, internal_error with backoff", async () => {
    slack.replyTo(
      "chat.postMessage",
      { slackError: "ratelimited", retryAfter: 1 },
      { slackError: "internal_error" },
    );
    const result = await resultOf(createNotifierHandler(settings, env)(fixture(ALERT), ctx));
    const calls = slack.apiCalls("chat.postMessage");
    assert.deepEqual(
      calls.map((c) => [c.status, c.response.error]),
      [
        [429, "ratelimited"],
        [200, "internal_error"],
        [200, undefined],
      ],
    );
    assert.ok(calls[1].receivedAt - calls[0].receivedAt >= 950, "waited the Retry-After second");
    assert.equal(result.outcomes[0].status, "posted");
    assert.equal(result.outcomes[0].attempts, 3);
  });

  it("a Retry-After beyond maxRetryAfterSeconds gives up and the record fails", async () => {
    slack.replyTo("chat.postMessage", { slackError: "ratelimited", retryAfter: 30 });
    const response = (await createNotifierHandler(settings, env)(
      sqsOf(fixture(ALERT)),
      ctx,
    )) as SqsBatchResponse;
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "m-0" }] });
    assert.equal(slack.apiCalls().length, 1);
  });

  it("a failed header update is logged and named in the outcome; the reply is not posted twice", async () => {
    const notify = createNotifierHandler(settings, env);
    await notify(fixture(ALERT), ctx);
    slack.replyTo("chat.update", { slackError: "cant_update_message" });
    const response = (await notify(sqsOf(fixture(REPORT)), ctx)) as SqsBatchResponse;
    assert.deepEqual(
      response,
      { batchItemFailures: [] },
      "the reply is in Slack: redelivery would repeat it",
    );
    const line = logs.lines.find((l) => l.message === "could not update the alert's header");
    assert.equal(line?.level, "error");
    assert.match(String(line?.error), /chat.update: Slack answered ok:false, error cant_update_message/);
    assert.equal(slack.messages("C0PAYMENTS")[0].history.length, 0, "the alert is unchanged");
  });

  // Alerts for the default channel (account 444444444444 has no route), each with its own ids.
  const OTHER = "eventbridge/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json";
  const others = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...(fixture(OTHER) as object),
      id: `other-${i}`,
      detail: { ...(fixture(OTHER) as any).detail, eventID: `e-${i}` },
    }));
  const paced: NotifierSettings = { ...settings, app: { ...settings.app!, minPostIntervalMs: undefined } };

  it("paces posts per channel within Slack's limit: a burst of 3, then one per second", async () => {
    // The stand-in enforces Slack's documented limit (about 1 per second per channel, bursts
    // allowed); 1.5 rather than 1 because the pacer counts a post when it sends it and the stand-in
    // when it arrives, and on a loaded machine one request can take a few hundred ms longer to
    // arrive than the next. Without pacing the fourth post would still arrive with no token left.
    slack.limit({ perSecond: 1.5, burst: DEFAULT_POST_BURST });
    const [a, b, c, d, e] = others(5);
    const response = (await createNotifierHandler(paced, env)(
      sqsOf(a, b, fixture(ALERT), c, d, e),
      ctx,
    )) as SqsBatchResponse;
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(
      slack.apiCalls().map((call) => [call.args.channel, call.status]),
      [
        ["C0DEFAULT", 200],
        ["C0DEFAULT", 200],
        ["C0PAYMENTS", 200],
        ["C0DEFAULT", 200],
        ["C0DEFAULT", 200],
        ["C0DEFAULT", 200],
      ],
      "no 429: posts past the burst waited for the channel's budget, the other channel did not",
    );
  });

  it("after a 429 the channel's next post waits out the Retry-After, so it earns no 429 of its own", async () => {
    // A stricter Slack than the pacer assumes: no burst at all (1.5 per second: see above).
    slack.limit({ perSecond: 1.5, burst: 1 });
    const response = (await createNotifierHandler(paced, env)(sqsOf(...others(3)), ctx)) as SqsBatchResponse;
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(
      slack.apiCalls().map((call) => [call.args.text === undefined ? "?" : call.args.channel, call.status]),
      [
        ["C0DEFAULT", 200],
        ["C0DEFAULT", 429],
        ["C0DEFAULT", 200],
        ["C0DEFAULT", 200],
      ],
      "one 429: the second post retried after its Retry-After, the third waited for the channel",
    );
  });

  it("refuses a token that is not a bot token, and a plaintext token outside local runs", async () => {
    await assert.rejects(
      createNotifierHandler(settings, { ...env, SLACK_BOT_TOKEN: "xoxp-user-token" })(fixture(ALERT), ctx),
      /does not look like a bot token \(xoxb-\.\.\.\)/,
    );
    await assert.rejects(
      createNotifierHandler(settings, { ...env, LOCAL_RUN: undefined, SLACK_API_BASE_URL: undefined })(
        fixture(ALERT),
        ctx,
      ),
      /SLACK_BOT_TOKEN holds a plaintext secret, which is accepted only for local runs/,
    );
    await assert.rejects(
      createNotifierHandler(settings, { ...env, SLACK_API_BASE_URL: "http://example.com/api/" })(
        fixture(ALERT),
        ctx,
      ),
      /SLACK_API_BASE_URL may only name an http:\/\/127\.0\.0\.1 URL in local runs/,
    );
    assert.equal(slack.apiCalls().length, 0);
  });

  it("refuses app settings that name no default channel or a malformed channel id", () => {
    assert.throws(
      () =>
        createNotifierHandler(
          { ...settings, app: { channels: { payments: "#payments" }, threadTable: TABLE } },
          env,
        ),
      (err: Error) =>
        /app.channels has no "default" channel/.test(err.message) &&
        /app.channels.payments: "#payments" is not a Slack channel id/.test(err.message),
    );
  });

  it("refuses a post burst that is not a whole number of at least 1, naming it", () => {
    for (const postBurst of [0, 1.5, "3"])
      assert.throws(
        () =>
          createNotifierHandler(
            { ...settings, app: { ...settings.app!, postBurst: postBurst as number } },
            env,
          ),
        new RegExp(
          `app.postBurst must be a whole number >= 1, got ${JSON.stringify(JSON.stringify(postBurst)).slice(1, -1)}`,
        ),
      );
    assert.doesNotThrow(() =>
      createNotifierHandler({ ...settings, app: { ...settings.app!, postBurst: 5 } }, env),
    );
  });
});
