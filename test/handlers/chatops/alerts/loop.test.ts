// The whole loop of a button on an alert, on loopback: the notifier posts a world-open
// security-group alert to the Slack stand-in; a signed block_actions click on one of its buttons
// goes through the ack (signature, 5-minute window, replay refusal, SNS) and the worker (moto:
// assumed role in the spoke, EC2, DynamoDB, EventBridge); the alert is updated at response_url.
import { strict as assert } from "assert";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeSecurityGroupsCommand,
  IpPermission,
} from "@aws-sdk/client-ec2";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { createWorkerHandler, WorkerSettings } from "../../../../handlers/chatops/worker";
import { createNotifierHandler, NotifierSettings, SlackMessage } from "../../../../handlers/notifier";
import { ALERT_ACTIONS } from "../../../../handlers/shared/alertActions";
import { listRuntimeMutes } from "../../../../handlers/shared/runtimeMutes";
import { useMoto } from "../../../helpers/moto";
import {
  ACTIONS_ROLE,
  ALERT_NOTIFIER,
  ALERT_WORKER,
  EXEMPT_TAG,
  MUTES_TABLE,
  REPLAY_TABLE,
  SIGNING_SECRET,
  THREADS_TABLE,
  createAlertLoop,
} from "../../../helpers/alertLoop";
import { TEST_BOT_TOKEN, useSlackServer } from "../../../helpers/slackServer";
import type { TopicProbe } from "../../../../verify/topicProbe";
import { withCapturedLogs } from "../../../helpers/logs";
import { fixture } from "../../notifier/fixtures";
import { Fault, FaultProxy, startFaultProxy, stsError } from "../../remediator/faultProxy";
import { blockActionsPayload, signedInteraction, snsEvent } from "../events";
import * as w from "../world";

import { recordOf, recordWithCopy, recordedValue } from "../alertRecord";

type Block = { type: string; block_id?: string; elements?: Array<Record<string, unknown>> };

describe("alert buttons: notifier -> click -> ack -> worker (moto, Slack stand-in)", function () {
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

  /** A group in the prod spoke (Seoul) with `perms` authorized. */
  async function group(perms: IpPermission[]): Promise<string> {
    const id = (
      await ec2().send(new CreateSecurityGroupCommand({ GroupName: `web-${++n}`, Description: "web" }))
    ).GroupId!;
    if (perms.length)
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: perms }));
    return id;
  }

  async function ingress(id: string): Promise<string[]> {
    const g = (await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0];
    const out: string[] = [];
    for (const p of g.IpPermissions ?? []) {
      for (const r of p.IpRanges ?? []) out.push(`${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`);
      for (const r of p.Ipv6Ranges ?? []) out.push(`${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIpv6}`);
    }
    return out.sort();
  }

  async function tags(id: string): Promise<Record<string, string>> {
    const g = (await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0];
    return Object.fromEntries((g.Tags ?? []).map((t) => [t.Key!, t.Value!]));
  }

  /** The CloudTrail event of opening tcp 8080 to 0.0.0.0/0 and ::/0 on `groupId` (the fixture, retargeted). */
  function openedEvent(groupId: string): Record<string, unknown> {
    const e = structuredClone(
      fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
    ) as {
      detail: { requestParameters: Record<string, unknown> };
    };
    e.detail.requestParameters = {
      groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: "tcp",
            fromPort: 8080,
            toPort: 8080,
            ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
            ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] },
          },
        ],
      },
    };
    return e;
  }

  /** The alert as posted to the Slack stand-in by the notifier. */
  async function postAlert(
    event: unknown,
    settings: NotifierSettings = ALERT_NOTIFIER,
  ): Promise<SlackMessage> {
    const env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }),
    };
    await withCapturedLogs(() => createNotifierHandler(settings, env)(event, { awsRequestId: "req-notify" }));
    const posts = slack.posts("/services/alerts") as SlackMessage[];
    assert.equal(posts.length, 1);
    return posts[0];
  }

  function actionsOf(m: { attachments?: Array<{ blocks: Block[] }> }): Block | undefined {
    return m.attachments?.[0].blocks.find((b) => b.block_id === "guard_alert_actions");
  }

  const ack = () =>
    createAckHandler(
      { commandName: "/guard" },
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        COMMAND_TOPIC_ARN: commands.topicArn,
        REPLAY_TABLE_NAME: REPLAY_TABLE,
      },
    );
  const appEnv = () => ({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() });
  const worker = (settings: WorkerSettings = ALERT_WORKER) =>
    createWorkerHandler(settings, { env: { ...process.env, LOCAL_RUN: "1", ...appEnv() } });

  /** Clicks `action` on `alert` as `user`: ack, then the worker on what the ack published. */
  async function click(
    alert: SlackMessage,
    action: keyof typeof ALERT_ACTIONS,
    opts: { user?: string; timestamp?: number; secret?: string; settings?: WorkerSettings } = {},
  ) {
    const responsePath = `/actions/T0001/${++n}/token`;
    const button = actionsOf(alert as never)!.elements!.find((e) => e.action_id === ALERT_ACTIONS[action])!;
    const request = signedInteraction({
      secret: opts.secret ?? SIGNING_SECRET,
      timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
      payload: blockActionsPayload({
        actionId: ALERT_ACTIONS[action],
        value: button.value as string,
        responseUrl: slack.url(responsePath),
        message: alert,
        userId: opts.user,
      }),
    });
    const { value: answer } = await withCapturedLogs(() => ack()(request));
    const published = await commands.published();
    const run = published.length
      ? await withCapturedLogs(() =>
          worker(opts.settings)(
            snsEvent(published.map((m, i) => ({ id: `msg-${n}-${i}`, message: JSON.stringify(m) }))),
          ),
        )
      : undefined;
    return {
      request,
      answer,
      published,
      run,
      responses: slack.posts(responsePath) as Array<Record<string, unknown>>,
    };
  }

  it("posts Revert, Exempt, Mute 24 h and Acknowledge on a world-open alert, each carrying a valid reference", async () => {
    const id = await group([]);
    const alert = await postAlert(openedEvent(id));
    const actions = actionsOf(alert as never)!;
    assert.deepEqual(
      actions.elements!.map((e) => [e.action_id, (e.text as { text: string }).text]),
      [
        ["guard_revert", "Revert"],
        ["guard_exempt", "Exempt group"],
        ["guard_mute", "Mute 24 h"],
        ["guard_ack", "Acknowledge"],
      ],
    );
    // Each button carries only a pointer; the record holds what the alert may act on.
    for (const e of actions.elements!) assert.match(String(e.value), /^\{"v":2,"id":"[0-9a-f]{32}"\}$/);
    const ref = await recordOf(actions.elements![0].value);
    assert.deepEqual(ref, {
      ok: true,
      ref: {
        accountId: w.PROD,
        region: w.SEOUL,
        kind: "security-group",
        eventName: "AuthorizeSecurityGroupIngress",
        groupId: id,
        eventId: "b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
        permissions: [
          { protocol: "tcp", fromPort: 8080, toPort: 8080, cidr: "0.0.0.0/0" },
          { protocol: "tcp", fromPort: 8080, toPort: 8080, cidr: "::/0" },
        ],
      },
    });
    for (const e of actions.elements!) assert.ok((e.value as string).length <= 2000);
    // The record keeps the alert exactly as posted: a click's outcome is shown on this copy.
    const kept = await recordWithCopy(actions.elements![0].value);
    assert.deepEqual(kept.ok && kept.message, alert);
  });

  it("Revert revokes exactly what the event added in the spoke and updates the alert", async () => {
    const id = await group([
      {
        IpProtocol: "tcp",
        FromPort: 8080,
        ToPort: 8080,
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
        Ipv6Ranges: [{ CidrIpv6: "::/0" }],
      },
      // Already there before the event: Revert must leave these alone.
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      { IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
    ]);
    const alert = await postAlert(openedEvent(id));
    const { answer, published, run, responses } = await click(alert, "revert");
    assert.deepEqual(answer, { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" });
    assert.equal(published.length, 1);
    assert.deepEqual(await ingress(id), ["tcp 443-443 0.0.0.0/0", "tcp 8080-8080 10.0.0.0/8"]);
    assert.equal(responses.length, 1);
    const updated = responses[0] as {
      replace_original: boolean;
      text: string;
      attachments: Array<{ blocks: Block[] }>;
    };
    assert.equal(updated.replace_original, true);
    assert.equal(updated.text, alert.text);
    assert.deepEqual(
      actionsOf(updated)!.elements!.map((e) => e.action_id),
      ["guard_exempt", "guard_mute", "guard_ack"],
    );
    const blocks = updated.attachments[0].blocks;
    const outcome = blocks[blocks.findIndex((b) => b.block_id === "guard_alert_actions") + 1];
    assert.deepEqual(outcome, {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text:
            `:white_check_mark: Reverted: revoked tcp 8080 from 0.0.0.0/0, tcp 8080 from ::/0 on \`${id}\` in prod (222222222222) ap-northeast-2.` +
            " (Revert by <@U0OPERATOR>)",
        },
      ],
    });
    const line = run!.logs.find((l) => l.message === "chatops alert action")!;
    assert.deepEqual(
      [
        line.action,
        line.outcome,
        line.account,
        line.region,
        line.groupId,
        line.roleArn,
        line.delivered,
        line.reported,
      ],
      [
        "revert",
        "ok",
        w.PROD,
        w.SEOUL,
        id,
        "arn:aws:iam::222222222222:role/security-guard-chatops-operator",
        true,
        true,
      ],
    );
  });

  it("Revert revokes ranges as wide as the world the event added (0.0.0.0/1, 2000::/3), keeping a /24", async () => {
    const wide: IpPermission = {
      IpProtocol: "tcp",
      FromPort: 8080,
      ToPort: 8080,
      IpRanges: [{ CidrIp: "0.0.0.0/1" }, { CidrIp: "203.0.113.0/24" }],
      Ipv6Ranges: [{ CidrIpv6: "2000::/3" }],
    };
    const id = await group([wide]);
    const event = openedEvent(id) as { detail: { requestParameters: Record<string, unknown> } };
    event.detail.requestParameters.ipPermissions = {
      items: [
        {
          ipProtocol: "tcp",
          fromPort: 8080,
          toPort: 8080,
          ipRanges: { items: [{ cidrIp: "0.0.0.0/1" }, { cidrIp: "203.0.113.0/24" }] },
          ipv6Ranges: { items: [{ cidrIpv6: "2000::/3" }] },
        },
      ],
    };
    const alert = await postAlert(event);
    const { responses } = await click(alert, "revert");
    assert.deepEqual(await ingress(id), ["tcp 8080-8080 203.0.113.0/24"]);
    const blocks = (responses[0] as { attachments: Array<{ blocks: Block[] }> }).attachments[0].blocks;
    const outcome = blocks[blocks.findIndex((b) => b.block_id === "guard_alert_actions") + 1];
    assert.match(
      JSON.stringify(outcome),
      /Reverted: revoked tcp 8080 from 0\.0\.0\.0\/1, tcp 8080 from 2000::\/3 on/,
    );
  });

  describe("the hub's worldPrefixes (ipv4 /12): 64.0.0.0/10 counts as the world", () => {
    const world = { ipv4: 12, ipv6: 16 };
    /** A group the event opened tcp 8080 to 64.0.0.0/10 on, and the alert the notifier posts for it. */
    async function opened(notifier: NotifierSettings): Promise<{ id: string; alert: SlackMessage }> {
      const id = await group([
        { IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "64.0.0.0/10" }] },
      ]);
      const event = openedEvent(id) as { detail: { requestParameters: Record<string, unknown> } };
      event.detail.requestParameters.ipPermissions = {
        items: [
          {
            ipProtocol: "tcp",
            fromPort: 8080,
            toPort: 8080,
            ipRanges: { items: [{ cidrIp: "64.0.0.0/10" }] },
          },
        ],
      };
      return { id, alert: await postAlert({ ...event, id: `wide-${n}` }, notifier) };
    }
    const revertOf = (alert: SlackMessage) =>
      actionsOf(alert as never)?.elements?.find((e) => e.action_id === ALERT_ACTIONS.revert);

    it("the alert offers Revert, the worker reads its record and revokes the range", async () => {
      const { id, alert } = await opened({ ...ALERT_NOTIFIER, worldPrefixes: world });
      const value = revertOf(alert)?.value;
      assert.ok(value, "Revert is offered");
      // Read with the default world, the record is refused: the worker needs the hub's.
      await assert.rejects(recordOf(value), /"64\.0\.0\.0\/10" is not a range open to the world/);
      const { responses } = await click(alert, "revert", {
        settings: { ...ALERT_WORKER, worldPrefixes: world },
      });
      assert.deepEqual(await ingress(id), []);
      assert.match(JSON.stringify(responses), /Reverted: revoked tcp 8080 from 64\.0\.0\.0\/10 on/);
    });

    it("a worker left at the default world refuses it and revokes nothing", async () => {
      const { id, alert } = await opened({ ...ALERT_NOTIFIER, worldPrefixes: world });
      const { responses } = await click(alert, "revert");
      assert.deepEqual(await ingress(id), ["tcp 8080-8080 64.0.0.0/10"]);
      assert.deepEqual(responses, [
        {
          response_type: "ephemeral",
          replace_original: false,
          text: "Sorry, Revert could not read the alert's record (Error). Nothing was changed; please try again later.",
        },
      ]);
    });

    it("with the default world the notifier offers no Revert for it (a /10 is not the world)", async () => {
      const { alert } = await opened(ALERT_NOTIFIER);
      assert.equal(revertOf(alert), undefined);
    });
  });

  it("Revert in dry-run and on an exempt group changes nothing and says why", async () => {
    const perms = [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];
    const id = await group(perms);
    const alert = await postAlert(openedEvent(id));
    const dry = await click(alert, "revert", {
      settings: {
        ...ALERT_WORKER,
        alertActions: { ...ALERT_WORKER.alertActions!, dryRunAccounts: [w.PROD] },
      },
    });
    assert.deepEqual(await ingress(id), ["tcp 8080-8080 0.0.0.0/0"]);
    const dryText = JSON.stringify(dry.responses[0]);
    assert.match(
      dryText,
      /Dry-run \(account 222222222222 is in dry-run\): would revoke tcp 8080 from 0.0.0.0\/0 on/,
    );
    assert.match(dryText, /Already gone: tcp 8080 from ::\/0/);

    await ec2().send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: EXEMPT_TAG, Value: "TRUE" }] }));
    const exempt = await click(alert, "revert");
    assert.deepEqual(await ingress(id), ["tcp 8080-8080 0.0.0.0/0"]);
    assert.match(
      JSON.stringify(exempt.responses[0]),
      /is exempt \(tag `security-guard:ssh-exempt`\); left open: tcp 8080 from 0.0.0.0\/0/,
    );
    // An expired exemption no longer holds Revert back.
    await ec2().send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [{ Key: EXEMPT_TAG, Value: "expires=2020-01-01T00:00:00Z by=slack-U1 why=over" }],
      }),
    );
    await click(alert, "revert");
    assert.deepEqual(await ingress(id), []);
  });

  it("Acknowledge updates the alert with who and when; a read-only user may acknowledge", async () => {
    const id = await group([]);
    const alert = await postAlert(openedEvent(id));
    const before = Date.now();
    const settings = {
      ...ALERT_WORKER,
      users: { ...ALERT_WORKER.users, [w.READER]: { access: "read-only" as const, accounts: ["*"] } },
    };
    const { responses } = await click(alert, "acknowledge", { user: w.READER, settings });
    const updated = responses[0] as { replace_original: boolean; attachments: Array<{ blocks: Block[] }> };
    assert.equal(updated.replace_original, true);
    assert.deepEqual(
      actionsOf(updated)!.elements!.map((e) => e.action_id),
      ["guard_revert", "guard_exempt", "guard_mute"],
    );
    const text = JSON.stringify(updated.attachments[0].blocks.at(-2));
    const m = /Acknowledged by <@U0READER> at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(text);
    assert.ok(m, text);
    assert.ok(Math.abs(Date.parse(`${m![1]}Z`) - before) < 5_000);
  });

  it("Exempt tags the group with the exemption tag and a reason naming the user", async () => {
    const id = await group([]);
    const alert = await postAlert(openedEvent(id));
    const before = Date.now();
    const { responses } = await click(alert, "exempt");
    const after = Date.now();
    const got = await tags(id);
    // The default 30 days from the click, to the second.
    const m = /^expires=(\S+) by=slack-U0OPERATOR why=exempted from Slack by alice \(U0OPERATOR\)$/.exec(
      got[EXEMPT_TAG],
    );
    assert.ok(m, got[EXEMPT_TAG]);
    const expires = Date.parse(m![1]);
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 30 * 86_400_000, m![1]);
    assert.ok(expires <= after + 30 * 86_400_000, m![1]);
    assert.deepEqual(got, {
      [EXEMPT_TAG]: got[EXEMPT_TAG],
      "security-guard:exempt-reason": "exempted from Slack by alice (U0OPERATOR)",
      "security-guard:exempted-by": "slack-U0OPERATOR",
    });
    assert.match(
      JSON.stringify(responses[0]),
      new RegExp(`Exempted \`sg-[0-9a-f]+\` in prod \\(222222222222\\) ap-northeast-2 until ${m![1]} `),
    );
  });

  it("Mute 24 h writes a mute for this group and event, with user, reason and expiry", async () => {
    const id = await group([]);
    const alert = await postAlert(openedEvent(id));
    const before = Date.now();
    const { responses } = await click(alert, "mute");
    const listed = await listRuntimeMutes(
      new DynamoDBClient({ region: "us-east-1" }),
      MUTES_TABLE,
      Date.now(),
      (_w, f) => f(new AbortController().signal),
    );
    assert.equal(listed.mutes.length, 1);
    const mute = listed.mutes[0];
    assert.equal(mute.createdBy, "slack-U0OPERATOR");
    const expiry = Date.parse(mute.rule.expires);
    assert.ok(Math.abs(expiry - before - 24 * 3_600_000) < 5_000);
    assert.deepEqual(
      { ...mute.rule, expires: undefined },
      {
        name: "muted from Slack by alice (U0OPERATOR)",
        accounts: [w.PROD],
        regions: [w.SEOUL],
        kinds: ["security-group"],
        eventNames: ["AuthorizeSecurityGroupIngress"],
        resources: [id],
        reason: "muted for 24 h from Slack by alice (U0OPERATOR)",
        expires: undefined,
      },
    );
    assert.match(JSON.stringify(responses[0]), /Muted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    // The notifier honours it: the same change on this group is held back, another group's is posted.
    const other = await group([]);
    slack.reset();
    const env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }),
    };
    const notifier = createNotifierHandler({ ...ALERT_NOTIFIER, runtimeMutesTable: MUTES_TABLE }, env);
    const { value, logs } = await withCapturedLogs(() =>
      notifier(openedEvent(id), { awsRequestId: "req-muted" }),
    );
    assert.equal(slack.posts("/services/alerts").length, 0);
    assert.equal((value as { skipped: number }).skipped, 1);
    const muted = logs.find((l) => l.message === "event muted")!;
    assert.deepEqual(
      [muted.mute, muted.muteReason, muted.muteExpires],
      [
        "muted from Slack by alice (U0OPERATOR)",
        "muted for 24 h from Slack by alice (U0OPERATOR)",
        mute.rule.expires,
      ],
    );
    await withCapturedLogs(() => notifier(openedEvent(other), { awsRequestId: "req-other" }));
    assert.equal(slack.posts("/services/alerts").length, 1);
  });

  it("in Slack app mode the outcome also goes into the alert's thread", async () => {
    const id = await group([
      { IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ]);
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
    assert.ok(posted, "the alert is in the channel");
    const alert = { text: posted.text!, attachments: posted.attachments } as unknown as SlackMessage;
    const settings: WorkerSettings = {
      ...ALERT_WORKER,
      alertActions: { ...ALERT_WORKER.alertActions!, threadTable: THREADS_TABLE },
    };
    const { responses, run } = await click(alert, "revert", { settings });
    assert.deepEqual(await ingress(id), []);
    assert.equal(responses[0].replace_original, true);
    const replies = slack.messages("C0ALERTS").filter((m) => m.thread_ts === posted.ts && m.ts !== posted.ts);
    assert.deepEqual(
      replies.map((m) => m.text),
      [
        `:white_check_mark: Reverted: revoked tcp 8080 from 0.0.0.0/0 on \`${id}\` in prod (222222222222) ap-northeast-2. Already gone: tcp 8080 from ::/0. (Revert by <@U0OPERATOR>)`,
      ],
    );
    const line = run!.logs.find((l) => l.message === "chatops alert action")!;
    assert.equal(line.threadReply, "posted");
  });

  describe("Mute and Acknowledge run as the Slack user in the hub (CloudTrail's AssumeRole record)", () => {
    let proxy: FaultProxy | undefined;
    afterEach(async () => {
      process.env.AWS_ENDPOINT_URL = moto().endpoint;
      await proxy?.close();
      proxy = undefined;
    });

    /** Routes every AWS call through a proxy in front of moto; returns the AssumeRole answers it saw. */
    async function throughProxy(faults: Fault[] = []): Promise<string[]> {
      const answers: string[] = [];
      proxy = await startFaultProxy(moto().endpoint, [
        ...faults,
        { action: "AssumeRole", times: Infinity, rewrite: (body) => (answers.push(body), body) },
      ]);
      process.env.AWS_ENDPOINT_URL = proxy.url;
      return answers;
    }
    const assumeRequests = () =>
      (proxy!.bodies.AssumeRole ?? []).map((b) => Object.fromEntries(new URLSearchParams(b)));
    /** The access key ids that signed PutItem requests on the mutes table. */
    const mutePutSigners = () =>
      (proxy!.bodies.PutItem ?? [])
        .map((b, i) => [JSON.parse(b).TableName, proxy!.signedBy.PutItem[i]])
        .filter(([table]) => table === MUTES_TABLE)
        .map(([, key]) => key);
    const listMutes = async () =>
      (
        await listRuntimeMutes(
          new DynamoDBClient({ region: "us-east-1" }),
          MUTES_TABLE,
          Date.now(),
          (_w, f) => f(new AbortController().signal),
        )
      ).mutes;
    const assumeRequest = (action: string) => ({
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: ACTIONS_ROLE,
      RoleSessionName: "slack-U0OPERATOR",
      SourceIdentity: "slack-U0OPERATOR",
      DurationSeconds: "3600",
      "Tags.member.1.Key": "action",
      "Tags.member.1.Value": action,
      "Tags.member.2.Key": "alert",
      "Tags.member.2.Value": `${w.PROD}/${w.SEOUL}/AuthorizeSecurityGroupIngress/b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c`,
    });

    it("Mute assumes the alert-actions role as the user, tagged mute and the alert, and writes the item with that session", async () => {
      const alert = await postAlert(openedEvent(await group([])));
      const answers = await throughProxy();
      const { run } = await click(alert, "mute");
      assert.deepEqual(assumeRequests(), [assumeRequest("mute")]);
      const sessionKey = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(answers[0])?.[1];
      assert.ok(sessionKey, answers[0]);
      assert.notEqual(sessionKey, process.env.AWS_ACCESS_KEY_ID, "the session's key, not the worker's own");
      assert.deepEqual(mutePutSigners(), [sessionKey]);
      assert.equal((await listMutes()).length, 1);
      const line = run!.logs.find((l) => l.message === "chatops alert action")!;
      assert.deepEqual([line.outcome, line.roleArn], ["ok", ACTIONS_ROLE]);
    });

    it("Acknowledge makes exactly one AssumeRole as the user, tagged acknowledge and the alert, and writes nothing", async () => {
      const alert = await postAlert(openedEvent(await group([])));
      await throughProxy();
      const { responses } = await click(alert, "acknowledge");
      assert.deepEqual(assumeRequests(), [assumeRequest("acknowledge")]);
      assert.deepEqual(mutePutSigners(), []);
      assert.equal(responses[0].replace_original, true);
      assert.match(JSON.stringify(responses[0]), /Acknowledged by <@U0OPERATOR> at /);
    });

    for (const action of ["mute", "acknowledge"] as const) {
      it(`a refused AssumeRole fails ${action} with a final reply naming the call; nothing is written`, async () => {
        const alert = await postAlert(openedEvent(await group([])));
        await throughProxy([
          {
            action: "AssumeRole",
            times: 1,
            status: 403,
            body: stsError("AccessDenied", "not authorized to perform: sts:TagSession"),
          },
        ]);
        const { responses, run } = await click(alert, action);
        const label = action === "mute" ? "Mute 24 h" : "Acknowledge";
        assert.deepEqual(responses, [
          {
            response_type: "ephemeral",
            replace_original: false,
            text: `Sorry, ${label} was not run: STS AssumeRole of ${ACTIONS_ROLE} as slack-U0OPERATOR failed (AccessDenied). Nothing was changed; please try again later.`,
          },
        ]);
        assert.equal(proxy!.counts.AssumeRole, 1);
        assert.deepEqual(mutePutSigners(), []);
        assert.deepEqual(await listMutes(), []);
        const line = run!.logs.find((l) => l.message === "chatops alert action")!;
        assert.deepEqual([line.level, line.outcome, line.updated], ["error", "aws-error", false]);
        assert.match(String(line.error), /AccessDenied/);
      });
    }
  });

  describe("Mute 24 h and Acknowledge on every other single-event alert", () => {
    const IAM_EVENT = "eventbridge/cloudtrail-iam-createuser-root.json";
    const GUARDDUTY = "findings/guardduty-ec2-ssh-bruteforce-seoul.json";
    /** Mute always confirms, naming what it silences and for how long; critical alerts: 1 h. */
    const muteAck = (value: string, o: { scope: string; critical?: boolean; ackValue?: string }) => {
      const hours = o.critical ? 1 : 24;
      return [
        {
          type: "button",
          action_id: "guard_mute",
          text: { type: "plain_text", text: `Mute ${hours} h`, emoji: false },
          value,
          confirm: {
            title: { type: "plain_text", text: "Mute alerts like this?" },
            text: {
              type: "plain_text",
              text:
                `${o.critical ? "Critical alert: muted for at most 1 h. " : ""}` +
                `Silences ${o.scope} for ${hours} h from now. Other alerts still post.`,
            },
            confirm: { type: "plain_text", text: `Mute ${hours} h` },
            deny: { type: "plain_text", text: "Cancel" },
          },
        },
        {
          type: "button",
          action_id: "guard_ack",
          text: { type: "plain_text", text: "Acknowledge", emoji: false },
          value: o.ackValue ?? value,
        },
      ];
    };
    const blocksOf = (m: SlackMessage) => m.attachments[0].blocks as Block[];
    /** The IAM fixture as another CreateUser (another user name and event id). */
    function otherUser(): Record<string, unknown> {
      const e = structuredClone(fixture(IAM_EVENT)) as {
        detail: { eventID: string; requestParameters: Record<string, unknown> };
      };
      e.detail.eventID = "e0d4b3f5-6a7c-4b8d-0e9f-000000000002";
      e.detail.requestParameters = { ...e.detail.requestParameters, userName: "other-bot" };
      return e;
    }

    it("an IAM change and a GuardDuty finding carry exactly Mute 24 h and Acknowledge, above the footer", async () => {
      const iam = await postAlert(fixture(IAM_EVENT));
      // A root CreateUser is critical: its Mute lasts 1 h, and that length is in its own record.
      const iamValue = String(actionsOf(iam as never)!.elements![0].value);
      const iamAckValue = String(actionsOf(iam as never)!.elements![1].value);
      assert.deepEqual(actionsOf(iam as never), {
        type: "actions",
        block_id: "guard_alert_actions",
        elements: muteAck(iamValue, {
          scope: "CreateUser alerts on deploy-bot in account 222222222222 us-east-1",
          critical: true,
          ackValue: iamAckValue,
        }),
      });
      const iamRef = {
        accountId: w.PROD,
        region: "us-east-1",
        kind: "iam",
        eventName: "CreateUser",
        resource: "deploy-bot",
        eventId: "e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f",
        permissions: [],
      };
      assert.deepEqual(await recordOf(iamValue), { ok: true, ref: { ...iamRef, muteHours: 1 } });
      assert.deepEqual(await recordOf(iamAckValue), { ok: true, ref: iamRef });
      assert.equal(blocksOf(iam).at(-2)!.block_id, "guard_alert_actions");
      slack.reset();
      const finding = await postAlert(fixture(GUARDDUTY));
      const value = String(actionsOf(finding as never)!.elements![0].value);
      const recorded = await recordOf(value);
      assert.ok(recorded.ok);
      assert.deepEqual(recorded.ref, {
        accountId: w.PROD,
        region: w.SEOUL,
        kind: "guardduty",
        eventName: "UnauthorizedAccess:EC2/SSHBruteForce",
        resource: "i-0a1b2c3d4e5f67890",
        eventId: recorded.ref.eventId,
        permissions: [],
      });
      assert.deepEqual(
        actionsOf(finding as never)!.elements,
        muteAck(value, {
          scope: `UnauthorizedAccess:EC2/SSHBruteForce alerts on i-0a1b2c3d4e5f67890 in account ${w.PROD} ${w.SEOUL}`,
        }),
      );
      // A remediation report gets no buttons.
      slack.reset();
      const report = await postAlert(fixture("eventbridge/remediation-revoked.json"));
      assert.equal(actionsOf(report as never), undefined);
    });

    it("Mute from an IAM alert writes a rule for that event and user; the notifier holds back the next such alert, not another", async () => {
      const alert = await postAlert(fixture(IAM_EVENT));
      const before = Date.now();
      const { responses } = await click(alert, "mute");
      const [mute] = await listRuntimeMutes(
        new DynamoDBClient({ region: "us-east-1" }),
        MUTES_TABLE,
        Date.now(),
        (_w, f) => f(new AbortController().signal),
      ).then((l) => l.mutes);
      assert.deepEqual(
        { ...mute.rule, expires: undefined },
        {
          name: "muted from Slack by alice (U0OPERATOR)",
          accounts: [w.PROD],
          regions: ["us-east-1"],
          kinds: ["iam"],
          eventNames: ["CreateUser"],
          resources: ["deploy-bot"],
          // Critical (root CreateUser): 1 h, from the alert's record.
          reason: "muted for 1 h from Slack by alice (U0OPERATOR)",
          expires: undefined,
        },
      );
      const expires = Date.parse(mute.rule.expires!);
      assert.ok(expires >= before + 3_600_000 && expires <= Date.now() + 3_600_000, mute.rule.expires);
      assert.match(
        JSON.stringify(responses[0]),
        /Muted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: `CreateUser` on `deploy-bot` in prod \(222222222222\) us-east-1 .*\(Mute 1 h by <@U0OPERATOR>\)/,
      );
      const notifier = createNotifierHandler(
        { ...ALERT_NOTIFIER, runtimeMutesTable: MUTES_TABLE },
        { LOCAL_RUN: "1", SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }) },
      );
      slack.reset();
      const held = await withCapturedLogs(() => notifier(fixture(IAM_EVENT), { awsRequestId: "req-held" }));
      assert.equal((held.value as { skipped: number }).skipped, 1);
      assert.equal(slack.posts("/services/alerts").length, 0);
      assert.equal(held.logs.find((l) => l.message === "event muted")?.mute, mute.rule.name);
      await withCapturedLogs(() => notifier(otherUser(), { awsRequestId: "req-other-user" }));
      const posted = slack.posts("/services/alerts") as SlackMessage[];
      assert.equal(posted.length, 1);
      assert.match(JSON.stringify(posted[0]), /other-bot/);
    });

    it("a read-only user may only Acknowledge; Revert on a non-security-group alert is refused", async () => {
      const alert = await postAlert(fixture(IAM_EVENT));
      const settings = {
        ...ALERT_WORKER,
        users: { ...ALERT_WORKER.users, [w.READER]: { access: "read-only" as const, accounts: ["*"] } },
      };
      const mute = await click(alert, "mute", { user: w.READER, settings });
      assert.deepEqual(mute.responses, [
        {
          response_type: "ephemeral",
          replace_original: false,
          text: "Sorry, Mute 24 h needs operator access; you have read-only access (you may Acknowledge). Nothing was changed.",
        },
      ]);
      const ack = await click(alert, "acknowledge", { user: w.READER, settings });
      assert.equal(ack.responses[0].replace_original, true);
      assert.match(JSON.stringify(ack.responses[0]), /Acknowledged by <@U0READER> at /);
      // A crafted Revert button carrying this alert's reference: nothing to revert, refused.
      const crafted = structuredClone(alert) as unknown as { attachments: Array<{ blocks: Block[] }> };
      const actions = actionsOf(crafted)!;
      actions.elements!.push({ ...actions.elements![0], action_id: "guard_revert" });
      const revert = await click(crafted as never, "revert");
      assert.deepEqual(revert.responses, [
        {
          response_type: "ephemeral",
          replace_original: false,
          text: "Sorry, Revert was not run: it applies to security-group alerts only.",
        },
      ]);
      assert.deepEqual(
        (
          await listRuntimeMutes(
            new DynamoDBClient({ region: "us-east-1" }),
            MUTES_TABLE,
            Date.now(),
            (_w, f) => f(new AbortController().signal),
          )
        ).mutes,
        [],
      );
    });

    for (const [what, craft, error] of [
      [
        "a whole reference with a wildcard resource (no record)",
        (v: string) => JSON.stringify({ v: 1, a: w.PROD, r: "us-east-1", k: "iam", x: "*", p: [], was: v }),
        "button value: this button carries the alert itself (an alert posted before actions were bound to records)",
      ],
      [
        "a pointer to no record",
        () => JSON.stringify({ v: 2, id: "f".repeat(32) }),
        "this alert has no record of what it may act on (it was not posted by the guard, or it is older than 30 days)",
      ],
    ] as const) {
      it(`a crafted Mute value, ${what}, is refused and writes nothing`, async () => {
        const alert = await postAlert(fixture(IAM_EVENT));
        const crafted = structuredClone(alert) as unknown as { attachments: Array<{ blocks: Block[] }> };
        const mute = actionsOf(crafted)!.elements![0];
        mute.value = craft(mute.value as string);
        const r = await click(crafted as never, "mute");
        assert.deepEqual(r.responses, [
          {
            response_type: "ephemeral",
            replace_original: false,
            text: `Sorry, Mute 24 h was not run: ${error}. Nothing was changed.`,
          },
        ]);
        const listed = await listRuntimeMutes(
          new DynamoDBClient({ region: "us-east-1" }),
          MUTES_TABLE,
          Date.now(),
          (_w, f) => f(new AbortController().signal),
        );
        assert.deepEqual(listed.mutes, []);
      });
    }
  });

  describe("refused clicks change nothing", () => {
    const world = [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];

    it("a forged signature and a stale timestamp get 401 and nothing is queued", async () => {
      const id = await group(world);
      const alert = await postAlert(openedEvent(id));
      const forged = await click(alert, "revert", { secret: "not-the-signing-secret-0000000000" });
      const stale = await click(alert, "revert", { timestamp: Math.floor(Date.now() / 1000) - 301 });
      for (const r of [forged, stale]) {
        assert.deepEqual(r.answer, { statusCode: 401, headers: { "content-type": "text/plain" }, body: "" });
        assert.deepEqual([r.published, r.responses], [[], []]);
      }
      assert.deepEqual(await ingress(id), ["tcp 8080-8080 0.0.0.0/0"]);
    });

    it("a replayed click is answered but not queued again", async () => {
      const id = await group([]);
      const alert = await postAlert(openedEvent(id));
      const first = await click(alert, "acknowledge");
      assert.equal(first.published.length, 1);
      const again = await ack()(first.request);
      assert.deepEqual(again, { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" });
      assert.deepEqual(await commands.published(), []);
    });

    it("a user not in the chat-ops config, and a read-only user on Revert, Exempt and Mute, are refused to themselves only", async () => {
      const id = await group(world);
      const alert = await postAlert(openedEvent(id));
      const stranger = await click(alert, "revert", { user: "U0STRANGER" });
      assert.deepEqual(stranger.responses, [
        {
          response_type: "ephemeral",
          replace_original: false,
          text: "You (<@U0STRANGER>) may not act on alerts: access is granted per Slack user id in the hub stack's chat-ops config. Nothing was changed.",
        },
      ]);
      for (const action of ["revert", "exempt", "mute"] as const) {
        const reader = await click(alert, action, { user: w.READER });
        assert.equal(reader.responses.length, 1);
        assert.equal(reader.responses[0].replace_original, false);
        assert.match(String(reader.responses[0].text), /(needs operator access|may not use account prod)/);
      }
      assert.deepEqual(await ingress(id), ["tcp 8080-8080 0.0.0.0/0"]);
      assert.deepEqual(await tags(id), {});
      const mutes = await listRuntimeMutes(
        new DynamoDBClient({ region: "us-east-1" }),
        MUTES_TABLE,
        Date.now(),
        (_w, f) => f(new AbortController().signal),
      );
      assert.deepEqual(mutes.mutes, []);
    });

    it("every button refuses, with the reason, an alert in a Region chat-ops does not enable (like slash commands)", async () => {
      const id = await group(world);
      const alert = await postAlert(openedEvent(id));
      const tokyoOnly: WorkerSettings = { ...ALERT_WORKER, regions: [w.TOKYO], defaultRegion: w.TOKYO };
      for (const [action, label] of [
        ["revert", "Revert"],
        ["exempt", "Exempt"],
        ["mute", "Mute 24 h"],
        ["acknowledge", "Acknowledge"],
      ] as const) {
        const r = await click(alert, action, { settings: tokyoOnly });
        assert.deepEqual(
          r.responses,
          [
            {
              response_type: "ephemeral",
              replace_original: false,
              text: `Sorry, ${label} was not run: region \`${w.SEOUL}\` is not enabled. Regions: \`${w.TOKYO}\`. Nothing was changed.`,
            },
          ],
          action,
        );
      }
      assert.deepEqual(await ingress(id), ["tcp 8080-8080 0.0.0.0/0"]);
      assert.deepEqual(await tags(id), {});
      const mutes = await listRuntimeMutes(
        new DynamoDBClient({ region: "us-east-1" }),
        MUTES_TABLE,
        Date.now(),
        (_w, f) => f(new AbortController().signal),
      );
      assert.deepEqual(mutes.mutes, []);
    });

    it("a crafted button value revokes nothing the alert did not add (public HTTPS stays open)", async () => {
      // The group already serves HTTPS to the world; the alert's event added tcp 8080 to the world.
      const https = { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
      const id = await group([https, ...world]);
      const alert = await postAlert(openedEvent(id));
      const cut443 = (value: string) => {
        const forged = structuredClone(alert) as unknown as { attachments: Array<{ blocks: Block[] }> };
        actionsOf(forged)!.elements![0].value = value;
        return forged;
      };
      // 1. The whole reference, as a webhook poster could write it, listing 443: refused, no AWS call.
      const whole = JSON.stringify({
        v: 1,
        a: w.PROD,
        r: w.SEOUL,
        k: "security-group",
        g: id,
        p: [["tcp", 443, 443, "0.0.0.0/0"]],
      });
      // 2. A pointer to a record nobody wrote: refused.
      const nowhere = JSON.stringify({ v: 2, id: "0".repeat(32) });
      // 3. A pointer to a record of another alert, on another group: acts on that alert only.
      const other = await group([https, ...world]);
      const otherValue = await recordedValue({
        accountId: w.PROD,
        region: w.SEOUL,
        kind: "security-group",
        eventName: "AuthorizeSecurityGroupIngress",
        groupId: other,
        permissions: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidr: "0.0.0.0/0" }],
      });
      const texts: string[] = [];
      for (const value of [whole, nowhere, otherValue]) {
        const r = await click(cut443(value) as never, "revert");
        texts.push(String(r.responses.at(-1)?.text ?? JSON.stringify(r.responses.at(-1))));
        slack.reset();
      }
      assert.deepEqual(texts.slice(0, 2), [
        "Sorry, Revert was not run: button value: this button carries the alert itself (an alert posted before " +
          "actions were bound to records). Nothing was changed.",
        "Sorry, Revert was not run: this alert has no record of what it may act on (it was not posted by the guard, " +
          "or it is older than 30 days). Nothing was changed.",
      ]);
      assert.deepEqual(await ingress(id), ["tcp 443-443 0.0.0.0/0", "tcp 8080-8080 0.0.0.0/0"]);
      // The other alert's record: its own 8080 only; its public HTTPS stays.
      assert.deepEqual(await ingress(other), ["tcp 443-443 0.0.0.0/0"]);
    });
  });
});
