// Exempt's reason dialog, on loopback with the real ack and worker: a signed click on Exempt makes
// the ack open the dialog with views.open on the Slack stand-in; the signed view_submission goes
// through the ack (signature, 5-minute window, replay refusal, reason and access checks, SNS) to the
// worker, which tags the group in moto and updates the alert at the click's response_url.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { decodeDialogState } from "../../../../handlers/chatops/ack/exemptModal";
import { createWorkerHandler, WorkerSettings } from "../../../../handlers/chatops/worker";
import { createNotifierHandler, NotifierSettings, SlackMessage } from "../../../../handlers/notifier";
import { ALERT_ACTIONS } from "../../../../handlers/shared/alertActions";
import { useMoto } from "../../../helpers/moto";
import {
  ALERT_NOTIFIER,
  ALERT_WORKER,
  EXEMPT_TAG,
  REPLAY_TABLE,
  SIGNING_SECRET,
  THREADS_TABLE,
  createAlertLoop,
} from "../../../helpers/alertLoop";
import { TEST_BOT_TOKEN, useSlackServer } from "../../../helpers/slackServer";
import type { TopicProbe } from "../../../../verify/topicProbe";
import { withCapturedLogs } from "../../../helpers/logs";
import { fixture } from "../../notifier/fixtures";
import { blockActionsPayload, signedInteraction, snsEvent, viewSubmissionPayload } from "../events";
import * as w from "../world";

const REASON_TAG = "security-guard:exempt-reason";
const BY_TAG = "security-guard:exempted-by";
/** The worker's clock, pinned so the exemption's expiry is exact (whole seconds, as the tag has it). */
const WORKER_NOW = Math.floor(Date.now() / 1000) * 1000;
const DAY_MS = 86_400_000;
const expiresAfter = (days: number) =>
  new Date(WORKER_NOW + days * DAY_MS).toISOString().replace(".000Z", "Z");

const EMPTY_200 = { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" };

type Block = { type: string; block_id?: string; elements?: Array<Record<string, unknown>> };
type Outcome = { type: string; elements: Array<{ type: string; text: string }> };

const dialogError = (text: string) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ response_action: "errors", errors: { reason: text } }),
});

describe("Exempt's reason dialog: click -> views.open -> view_submission -> worker (moto, Slack stand-in)", function () {
  this.timeout(30_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let commands: TopicProbe;
  let prod: w.Creds;
  let n = 0;

  beforeEach(async () => {
    commands = await createAlertLoop();
    prod = await w.credsFor(w.PROD);
  });

  const ec2 = () => w.ec2In(prod, w.SEOUL);

  async function group(): Promise<string> {
    return (await ec2().send(new CreateSecurityGroupCommand({ GroupName: `web-${++n}`, Description: "web" })))
      .GroupId!;
  }

  async function tags(id: string): Promise<Record<string, string>> {
    const g = (await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0];
    return Object.fromEntries((g.Tags ?? []).map((t) => [t.Key!, t.Value!]));
  }

  function openedEvent(groupId: string): Record<string, unknown> {
    const e = structuredClone(
      fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
    ) as { detail: { requestParameters: Record<string, unknown> } };
    e.detail.requestParameters = {
      groupId,
      ipPermissions: {
        items: [
          { ipProtocol: "tcp", fromPort: 8080, toPort: 8080, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } },
        ],
      },
    };
    return e;
  }

  async function postAlert(event: unknown): Promise<SlackMessage> {
    const env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }),
    };
    await withCapturedLogs(() =>
      createNotifierHandler(ALERT_NOTIFIER, env)(event, { awsRequestId: "req-notify" }),
    );
    const posts = slack.posts("/services/alerts") as SlackMessage[];
    assert.equal(posts.length, 1);
    slack.requests.length = 0;
    return posts[0];
  }

  const actionsOf = (m: { attachments?: Array<{ blocks: Block[] }> }) =>
    m.attachments?.[0].blocks.find((b) => b.block_id === "guard_alert_actions");
  const exemptValueOf = (alert: SlackMessage) =>
    actionsOf(alert as never)!.elements!.find((e) => e.action_id === ALERT_ACTIONS.exempt)!.value as string;

  const appEnv = () => ({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() });
  const ack = (env: Record<string, string> = appEnv()) =>
    createAckHandler(
      { commandName: "/guard", operators: [w.OPERATOR] },
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        COMMAND_TOPIC_ARN: commands.topicArn,
        REPLAY_TABLE_NAME: REPLAY_TABLE,
        ...env,
      },
    );
  const worker = (settings: WorkerSettings = ALERT_WORKER) =>
    createWorkerHandler(settings, {
      env: { ...process.env, LOCAL_RUN: "1", ...appEnv() },
      now: () => WORKER_NOW,
    });

  /** Runs the worker on everything the ack published. */
  async function work(published: unknown[], settings?: WorkerSettings) {
    return withCapturedLogs(() =>
      worker(settings)(
        snsEvent(published.map((m, i) => ({ id: `msg-${++n}-${i}`, message: JSON.stringify(m) }))),
      ),
    );
  }

  /** A signed click on the alert's Exempt button; returns the ack's answer and what it published. */
  async function clickExempt(
    alert: SlackMessage,
    opts: { user?: string; env?: Record<string, string>; value?: string } = {},
  ) {
    const responsePath = `/actions/T0001/${++n}/token`;
    const request = signedInteraction({
      secret: SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      payload: blockActionsPayload({
        actionId: ALERT_ACTIONS.exempt,
        value: opts.value ?? exemptValueOf(alert),
        responseUrl: slack.url(responsePath),
        message: alert,
        userId: opts.user,
      }),
    });
    const { value: answer, logs } = await withCapturedLogs(() => ack(opts.env)(request));
    return { answer, logs, responsePath, published: await commands.published() };
  }

  /** A signed submission of `view` (as opened) with `reason` typed in. */
  async function submit(
    view: Record<string, unknown>,
    reason: string | null,
    opts: { user?: string; secret?: string; timestamp?: number; days?: string | null } = {},
  ) {
    const request = signedInteraction({
      secret: opts.secret ?? SIGNING_SECRET,
      timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
      payload: viewSubmissionPayload({
        view,
        values: {
          reason: { reason_input: reason },
          ...(opts.days !== undefined ? { days: { days_input: opts.days } } : {}),
        },
        userId: opts.user,
      }),
    });
    const { value: answer, logs } = await withCapturedLogs(() => ack()(request));
    return { request, answer, logs, published: await commands.published() };
  }

  /** Click Exempt as the operator: the dialog the ack opened on the stand-in. */
  async function openDialog(alert: SlackMessage) {
    const click = await clickExempt(alert);
    assert.deepEqual(click.answer, EMPTY_200);
    assert.deepEqual(click.published, [], "nothing is queued until the dialog is submitted");
    assert.equal(slack.views.length, 1);
    return { ...click, view: slack.views[0].view };
  }

  function outcomeLine(response: Record<string, unknown>): Outcome {
    const blocks = (response as { attachments: Array<{ blocks: Block[] }> }).attachments[0].blocks;
    return blocks[blocks.findIndex((b) => b.block_id === "guard_alert_actions") + 1] as unknown as Outcome;
  }

  it("opens the dialog with the reason input, and the submitted reason is tagged on the group and shown on the alert", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view, responsePath, logs } = await openDialog(alert);

    const [call] = slack.apiCalls("views.open");
    assert.equal(call.token, TEST_BOT_TOKEN);
    assert.equal(call.args.trigger_id, "1.2.3");
    assert.equal(typeof call.args.view, "string", "the view is sent JSON-encoded, as views.open documents");
    const { private_metadata: metadata, ...rest } = view;
    assert.deepEqual(rest, {
      type: "modal",
      callback_id: "guard_exempt_reason",
      title: { type: "plain_text", text: "Exempt security group" },
      submit: { type: "plain_text", text: "Exempt" },
      close: { type: "plain_text", text: "Cancel" },
      blocks: [
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              "Exempt this alert's security group: the automatic SSH remediation and Revert will leave " +
              "it open until the exemption expires; then it is removed and SSH open to the world is " +
              "closed. The reason, who gave it and the expiry are written to the group's tags.",
          },
        },
        {
          type: "input",
          block_id: "reason",
          label: { type: "plain_text", text: "Reason" },
          element: {
            type: "plain_text_input",
            action_id: "reason_input",
            min_length: 1,
            max_length: 256,
            placeholder: { type: "plain_text", text: "e.g. public web server, reviewed in CHG-1234" },
          },
          hint: { type: "plain_text", text: "At most 256 characters (an EC2 tag value)." },
        },
        {
          type: "input",
          block_id: "days",
          label: { type: "plain_text", text: "Expires after (days)" },
          element: {
            type: "number_input",
            action_id: "days_input",
            is_decimal_allowed: false,
            min_value: "1",
            max_value: "90",
            initial_value: "30",
          },
          hint: { type: "plain_text", text: "1 to 90 days." },
        },
      ],
    });
    assert.ok(
      (metadata as string).length <= 3000,
      `private_metadata is ${(metadata as string).length} chars`,
    );
    // The dialog carries the button's pointer to the alert's record, nothing to act on by itself.
    assert.match(exemptValueOf(alert), /^\{"v":2,"id":"[0-9a-f]{32}"\}$/);
    assert.deepEqual(decodeDialogState(metadata), {
      ok: true,
      state: {
        value: exemptValueOf(alert),
        responseUrl: slack.url(responsePath),
        channelId: "C0ALERTS",
        messageTs: "1764380000.000100",
      },
    });
    assert.deepEqual(
      logs.filter((l) => String(l.message).startsWith("chatops ack")).map((l) => [l.message, l.outcome]),
      [["chatops ack: exempt reason dialog opened", "dialog"]],
    );
    assert.deepEqual(await tags(id), {}, "opening the dialog changes nothing");

    const typed = "  public web server <!channel>, reviewed in CHG-1234 ";
    const submitted = await submit(view, typed, { days: "14" });
    assert.deepEqual(submitted.answer, EMPTY_200, "an empty 200 closes the dialog");
    assert.equal(submitted.published.length, 1);
    assert.deepEqual(
      { ...(submitted.published[0] as Record<string, unknown>), receivedAt: undefined },
      {
        version: 1,
        type: "alert-action",
        receivedAt: undefined,
        userId: w.OPERATOR,
        userName: "alice",
        teamId: "T0001",
        channelId: "C0ALERTS",
        action: "exempt",
        value: exemptValueOf(alert),
        reason: "public web server <!channel>, reviewed in CHG-1234",
        expiryDays: 14,
        responseUrl: slack.url(responsePath),
      },
    );

    const run = await work(submitted.published);
    assert.deepEqual(await tags(id), {
      [EXEMPT_TAG]: `expires=${expiresAfter(14)} by=slack-U0OPERATOR why=public web server <!channel>, reviewed in CHG-1234`,
      [REASON_TAG]: "public web server <!channel>, reviewed in CHG-1234",
      [BY_TAG]: "slack-U0OPERATOR",
    });
    const responses = slack.posts(responsePath) as Array<Record<string, unknown>>;
    assert.equal(responses.length, 1);
    assert.equal(responses[0].replace_original, true);
    assert.equal(responses[0].text, alert.text);
    assert.deepEqual(
      actionsOf(responses[0] as never)!.elements!.map((e) => e.action_id),
      ["guard_revert", "guard_mute", "guard_ack"],
    );
    assert.deepEqual(outcomeLine(responses[0]), {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text:
            `:white_check_mark: Exempted \`${id}\` in prod (222222222222) ap-northeast-2 until ${expiresAfter(14)} (tag \`${EXEMPT_TAG}\`): ` +
            "public web server &lt;!channel&gt;, reviewed in CHG-1234. (Exempt by <@U0OPERATOR>)",
        },
      ],
    });
    const line = run.logs.find((l) => l.message === "chatops alert action")!;
    assert.deepEqual(
      [line.action, line.outcome, line.groupId, line.delivered, line.reported],
      ["exempt", "ok", id, true, true],
    );
  });

  it("in Slack app mode the outcome with the typed reason also goes into the alert's thread", async () => {
    const id = await group();
    const app: NotifierSettings = {
      ...ALERT_NOTIFIER,
      app: { channels: { default: "C0ALERTS" }, threadTable: THREADS_TABLE, minPostIntervalMs: 0 },
    };
    await withCapturedLogs(() =>
      createNotifierHandler(app, { LOCAL_RUN: "1", ...appEnv() })(openedEvent(id), {
        awsRequestId: "req-app",
      }),
    );
    const [posted] = slack.messages("C0ALERTS");
    const alert = { text: posted.text!, attachments: posted.attachments } as unknown as SlackMessage;
    const { view } = await openDialog(alert);
    const submitted = await submit(view, "load balancer health checks");
    const settings: WorkerSettings = {
      ...ALERT_WORKER,
      alertActions: { ...ALERT_WORKER.alertActions!, threadTable: THREADS_TABLE },
    };
    const run = await work(submitted.published, settings);
    assert.equal((await tags(id))[REASON_TAG], "load balancer health checks");
    assert.deepEqual(
      slack.threadReplies("C0ALERTS", posted.ts).map((m) => m.text),
      [
        `:white_check_mark: Exempted \`${id}\` in prod (222222222222) ap-northeast-2 until ${expiresAfter(30)} (tag \`${EXEMPT_TAG}\`): ` +
          "load balancer health checks. (Exempt by <@U0OPERATOR>)",
      ],
    );
    assert.equal(run.logs.find((l) => l.message === "chatops alert action")!.threadReply, "posted");
  });

  it("an expiry outside 1 to 90 whole days keeps the dialog open with the error under it, and changes nothing", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view } = await openDialog(alert);
    for (const days of ["0", "91", "1.5", "-3", "ten"]) {
      const r = await submit(view, "reviewed", { days });
      assert.deepEqual(
        r.answer,
        {
          statusCode: 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            response_action: "errors",
            errors: { days: "An exemption lasts 1 to 90 whole days." },
          }),
        },
        days,
      );
      assert.deepEqual(r.published, [], days);
    }
    assert.deepEqual(await tags(id), {});
  });

  it("an empty, blank or too long reason keeps the dialog open with the error under the input, and changes nothing", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view } = await openDialog(alert);
    const cases: Array<[string | null, string]> = [
      [null, "Enter a reason for the exemption."],
      ["   \n ", "Enter a reason for the exemption."],
      ["x".repeat(257), "The reason is 257 characters; at most 256 fit in the group's tag."],
      ["🔒".repeat(257), "The reason is 257 characters; at most 256 fit in the group's tag."],
    ];
    for (const [reason, error] of cases) {
      const r = await submit(view, reason);
      assert.deepEqual(r.answer, dialogError(error), String(reason));
      assert.deepEqual(r.published, []);
      assert.equal(
        r.logs.find((l) => l.message === "chatops ack: exempt dialog refused")!.outcome,
        "invalid",
      );
    }
    // 256 characters counted as EC2 counts them (an emoji is one), accepted and tagged whole.
    const longest = await submit(view, "🔒".repeat(256));
    assert.deepEqual(longest.answer, EMPTY_200);
    await work(longest.published);
    assert.equal((await tags(id))[REASON_TAG], "🔒".repeat(256));
  });

  it("a read-only user gets no dialog and the existing refusal; a read-only user's submission is refused in the dialog", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const click = await clickExempt(alert, { user: w.READER });
    assert.deepEqual(slack.views, []);
    assert.equal(click.published.length, 1);
    await work(click.published);
    assert.deepEqual(slack.posts(click.responsePath), [
      {
        response_type: "ephemeral",
        replace_original: false,
        text:
          "Sorry, Exempt was not run: you may not use account prod (222222222222). " +
          "Accounts you may use: `staging` (333333333333).",
      },
    ]);
    // The operator's dialog, submitted by the read-only user (a forwarded or crafted submission).
    const { view } = await openDialog(alert);
    const r = await submit(view, "mine now", { user: w.READER });
    assert.deepEqual(
      r.answer,
      dialogError("Exempt needs operator access in the hub's chat-ops config; nothing was changed."),
    );
    assert.deepEqual(r.published, []);
    assert.deepEqual(await tags(id), {});
  });

  it("forged, stale and replayed submissions are refused: nothing is queued twice", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view } = await openDialog(alert);
    const forged = await submit(view, "forged", { secret: "not-the-signing-secret-0000000000" });
    const stale = await submit(view, "stale", { timestamp: Math.floor(Date.now() / 1000) - 301 });
    for (const r of [forged, stale]) {
      assert.deepEqual(r.answer, { statusCode: 401, headers: { "content-type": "text/plain" }, body: "" });
      assert.deepEqual(r.published, []);
    }
    const first = await submit(view, "reviewed");
    assert.equal(first.published.length, 1);
    const { value: again, logs } = await withCapturedLogs(() => ack()(first.request));
    assert.deepEqual(again, EMPTY_200);
    assert.deepEqual(await commands.published(), []);
    assert.equal(
      logs.find((l) => l.message === "chatops ack: replayed interaction refused")!.outcome,
      "replay",
    );
    assert.deepEqual(await tags(id), {});
  });

  it("tampered private_metadata: a pointer to no record, or a whole crafted reference, is refused by the worker; garbage by the ack", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view, responsePath } = await openDialog(alert);
    const decoded = decodeDialogState(view.private_metadata);
    assert.ok(decoded.ok);
    const state = decoded.state;
    const tamper = (change: (ref: Record<string, unknown>) => void) => {
      const ref = JSON.parse(state.value);
      change(ref);
      const meta = JSON.parse(view.private_metadata as string);
      meta.r = JSON.stringify(ref);
      return { ...view, private_metadata: JSON.stringify(meta) };
    };
    const crafted = await submit(
      tamper((r) => (r.id = "0".repeat(32))),
      "x",
    );
    const foreign = await submit(
      tamper((r) =>
        Object.assign(r, { v: 1, a: "999999999999", r: w.SEOUL, k: "security-group", g: id, p: [] }),
      ),
      "x",
    );
    for (const r of [crafted, foreign]) {
      assert.deepEqual(r.answer, EMPTY_200);
      assert.equal(r.published.length, 1);
    }
    await work([...crafted.published, ...foreign.published]);
    assert.deepEqual(
      slack.posts(responsePath).map((p) => (p as { replace_original: boolean }).replace_original),
      [false, false],
    );
    assert.deepEqual(
      slack.posts(responsePath).map((p) => (p as { text: string }).text),
      [
        "Sorry, Exempt was not run: this alert has no record of what it may act on (it was not posted by the guard, " +
          "or it is older than 30 days). Nothing was changed.",
        "Sorry, Exempt was not run: button value: this button carries the alert itself (an alert posted before " +
          "actions were bound to records). Nothing was changed.",
      ],
    );
    const garbage = await submit({ ...view, private_metadata: "{not json" }, "x");
    assert.deepEqual(
      garbage.answer,
      dialogError("This dialog cannot be used (private_metadata: not JSON); nothing was changed."),
    );
    assert.deepEqual(garbage.published, []);
    assert.deepEqual(await tags(id), {});
  });

  it("a submission of a dialog that is not ours is refused with 400 naming its callback_id", async () => {
    const id = await group();
    const alert = await postAlert(openedEvent(id));
    const { view } = await openDialog(alert);
    const r = await submit({ ...view, callback_id: "someone_elses_dialog" }, "x");
    assert.deepEqual(r.answer, {
      statusCode: 400,
      headers: { "content-type": "text/plain" },
      body: 'unknown dialog callback_id "someone_elses_dialog"',
    });
    assert.deepEqual(r.published, []);
  });

  describe("without the dialog Exempt still runs, with the default reason, and says why", () => {
    async function fallback(opts: { env?: Record<string, string>; alert?: SlackMessage; id?: string }) {
      const id = opts.id ?? (await group());
      const alert = opts.alert ?? (await postAlert(openedEvent(id)));
      const click = await clickExempt(alert, { env: opts.env });
      assert.deepEqual(click.answer, EMPTY_200);
      assert.equal(click.published.length, 1);
      await work(click.published);
      assert.deepEqual(await tags(id), {
        [EXEMPT_TAG]: `expires=${expiresAfter(30)} by=slack-U0OPERATOR why=exempted from Slack by alice (U0OPERATOR)`,
        [REASON_TAG]: "exempted from Slack by alice (U0OPERATOR)",
        [BY_TAG]: "slack-U0OPERATOR",
      });
      const [response] = slack.posts(click.responsePath) as Array<Record<string, unknown>>;
      assert.equal(response.replace_original, true);
      return { id, click, line: outcomeLine(response).elements[0].text };
    }
    const exempted = (id: string) =>
      `:white_check_mark: Exempted \`${id}\` in prod (222222222222) ap-northeast-2 until ${expiresAfter(30)} (tag \`${EXEMPT_TAG}\`): ` +
      "exempted from Slack by alice (U0OPERATOR).";

    it("no bot token (webhook-only setup)", async () => {
      const { id, line } = await fallback({ env: {} });
      assert.deepEqual(slack.apiCalls(), []);
      assert.equal(
        line,
        `${exempted(id)} (No reason dialog: the hub has no Slack bot token (webhook-only setup), so no reason ` +
          "dialog can be opened.) (Exempt by <@U0OPERATOR>)",
      );
    });

    it("Slack refuses views.open (an expired trigger)", async () => {
      slack.replyTo("views.open", { slackError: "expired_trigger_id" });
      const { id, line, click } = await fallback({});
      assert.equal(slack.apiCalls("views.open").length, 1);
      assert.equal(
        line,
        `${exempted(id)} (No reason dialog: Slack did not open the reason dialog (views.open answered ` +
          "expired_trigger_id).) (Exempt by <@U0OPERATOR>)",
      );
      assert.equal(
        click.logs.find((l) => l.message === "chatops ack: alert action queued")!.outcome,
        "queued",
      );
    });

    it("views.open does not answer: the click is still queued within the ack's deadline", async () => {
      slack.replyTo("views.open", { hang: true });
      const started = Date.now();
      const { line } = await fallback({});
      assert.ok(Date.now() - started < 10_000);
      assert.match(
        line,
        // Whichever gives up first names the call: the dialog step's deadline, or the request's timeout.
        /No reason dialog: Slack did not open the reason dialog \((DeadlineExceeded: Slack views\.open did not answer within \d+ ms|SlackApiError: views\.open: gave up after 1 attempt\(s\): timed out after \d+ ms)\)/,
      );
    });
  });

  it("a large alert still opens the dialog: it carries the record's pointer, not the alert", async () => {
    const id = await group();
    const posted = await postAlert(openedEvent(id));
    const big = structuredClone(posted) as unknown as { attachments: Array<{ blocks: Block[] }> };
    // Random text does not deflate: Slack's copy of this alert would not fit in 3,000 characters.
    big.attachments[0].blocks.unshift({
      type: "section",
      text: { type: "mrkdwn", text: randomBytes(1500).toString("hex") },
    } as never);
    const { view } = await openDialog(big as unknown as SlackMessage);
    assert.ok((view.private_metadata as string).length < 300);
    const submitted = await submit(view, "reviewed");
    assert.equal(submitted.published.length, 1);
    assert.equal("message" in (submitted.published[0] as object), false);
  });
});
