// The chat-ops functions as deployed: the packages `npm run lambdas` writes for the hub stack
// (Pulumi.hub.yaml), each run in a separate node process with only the AWS SDK on NODE_PATH,
// against moto and the local Slack server. Settings come from the serialized closures, so the
// stack's chat-ops config (users, default account and region) is what answers here.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import { topicProbe } from "../../../verify/topicProbe";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { ALERT_ACTIONS, AlertRef } from "../../../handlers/shared/alertActions";
import { createRecordsTable, recordedValue, recordWithCopy } from "./alertRecord";
import { DEFAULT_EXEMPT_TAG_KEY } from "../../../handlers/shared/constants";
import { listRuntimeMutes } from "../../../handlers/shared/runtimeMutes";
import {
  blockActionsPayload,
  commandMessage,
  sign,
  signedCommand,
  signedInteraction,
  snsEvent,
  httpEvent,
  viewSubmissionPayload,
} from "./events";
import { FaultProxy, startFaultProxy } from "../remediator/faultProxy";
import * as w from "./world";

const ACK = "security-guard-chatops-ack";
const WORKER = "security-guard-chatops-worker";
const hub = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const chatops = hub["security-guard:chatops"];
const names: Record<string, string> = hub["security-guard:accountNames"];
const DEFAULT_ACCOUNT = Object.keys(names).find((id) => names[id] === chatops.defaultAccount)!;
const OPERATOR = Object.keys(chatops.users).find((u) => chatops.users[u].access === "operator")!;
const READER = Object.keys(chatops.users).find((u) => chatops.users[u].access === "read-only")!;
const TABLE = "security-guard-chatops-requests";
const TOPIC = "security-guard-chatops-commands";
const SECRET = "deployed-signing-secret-0123456789";

/** The signing secret as the stack stores it: KMS ciphertext bound to the ack's function name. */
const encryptedSecret = (secret: string): Promise<string> => ciphertextFor(ACK, secret, "us-east-1");

const ephemeralAnswer = (text: string) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ response_type: "ephemeral", text }),
});

type Alert = { text: string; attachments: Array<{ color?: string; blocks: Array<Record<string, unknown>> }> };

/** An alert with one button, `action` on the record `value`; `lead`: a red alert's first section. */
function alertWithButton(
  action: keyof typeof ALERT_ACTIONS,
  value: string,
  label: string,
  lead?: string,
): Alert {
  const actions = {
    type: "actions",
    block_id: "guard_alert_actions",
    elements: [
      { type: "button", action_id: ALERT_ACTIONS[action], value, text: { type: "plain_text", text: label } },
    ],
  };
  if (!lead) return { text: "alert", attachments: [{ blocks: [actions] }] };
  const section = { type: "section", text: { type: "mrkdwn", text: lead } };
  return { text: "alert", attachments: [{ color: "#D00000", blocks: [section, actions] }] };
}

/** The reference of an alert on `groupId` in the default account and region (AuthorizeSecurityGroupIngress). */
const groupRef = (groupId: string, permissions: AlertRef["permissions"], eventId?: string): AlertRef => ({
  accountId: DEFAULT_ACCOUNT,
  region: chatops.defaultRegion,
  kind: "security-group",
  eventName: "AuthorizeSecurityGroupIngress",
  groupId,
  ...(eventId ? { eventId } : {}),
  permissions,
});

/**
 * An alert button's world in moto: the click tables, the mutes and records tables, the commands
 * topic, and a new security group `name` in the default account and region.
 */
async function groupAlertScene(name: string) {
  await createClickTables();
  await createSeenTable("security-guard-alert-mutes");
  await createRecordsTable();
  const commands = await topicProbe(TOPIC);
  const ec2 = w.ec2In(await w.credsFor(DEFAULT_ACCOUNT), chatops.defaultRegion);
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: "web" })))
    .GroupId!;
  return { commands, ec2, groupId };
}

/** What a click needs before the ack and the worker run: the replay table and the worker's event bus. */
async function createClickTables(): Promise<void> {
  await createSeenTable(TABLE);
  await new EventBridgeClient({ region: "us-east-1" }).send(
    new CreateEventBusCommand({ Name: "security-guard-events" }),
  );
}

describe("chatops functions as deployed (npm run lambdas package, separate process, moto)", function () {
  this.timeout(120_000);
  const moto = useMoto();
  const slack = useSlackServer();
  const dirs: Record<string, string> = {};

  /** The ack's environment for a click: LOCAL_RUN accepts the Slack stand-in's http response_url. */
  async function clickAckEnv(topicArn: string): Promise<Record<string, string>> {
    return {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_SIGNING_SECRET_CIPHERTEXT: await encryptedSecret(SECRET),
      COMMAND_TOPIC_ARN: topicArn,
      REPLAY_TABLE_NAME: TABLE,
    };
  }

  /** The operator's signed click on `action`, Slack sending `message` and answering at `responsePath`. */
  const click = (action: keyof typeof ALERT_ACTIONS, value: string, responsePath: string, message: unknown) =>
    signedInteraction({
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      payload: blockActionsPayload({
        actionId: ALERT_ACTIONS[action],
        value,
        responseUrl: slack.url(responsePath),
        message,
        userId: OPERATOR,
      }),
    });

  /** The deployed worker on one queued message, which it must handle without an error. */
  async function workerHandles(
    id: string,
    queued: unknown,
    env: Record<string, string> = { ...moto().env, LOCAL_RUN: "1" },
  ) {
    const done = await invokeDeployed(
      dirs[WORKER],
      [snsEvent([{ id, message: JSON.stringify(queued) }])],
      env,
    );
    assert.ok(done.results[0].ok, `${done.results[0].error}\n${done.stdout}\n${done.stderr}`);
    return done;
  }

  /** The alert as the worker replaced it: rebuilt from the record's copy, its last line `outcome`. */
  function assertRebuiltFromRecord(responsePath: string, alert: Alert, outcome: string) {
    const [updated] = slack.posts(responsePath) as Array<{
      replace_original: boolean;
      text: string;
      attachments: Array<{ blocks: Array<{ type: string; elements?: Array<{ text: string }> }> }>;
    }>;
    assert.equal(updated.replace_original, true);
    assert.equal(updated.text, "alert");
    assert.deepEqual(updated.attachments[0].blocks[0], alert.attachments[0].blocks[0]);
    assert.deepEqual(updated.attachments[0].blocks.at(-1), {
      type: "context",
      elements: [{ type: "mrkdwn", text: outcome }],
    });
    return updated;
  }

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    for (const name of [ACK, WORKER]) {
      const fn = manifest.functions.find((f) => f.function === name);
      assert.ok(
        fn,
        `${name} is in the manifest (got ${manifest.functions.map((f) => f.function).join(", ")})`,
      );
      // No HTTP client or Pulumi SDK in either package: the worker posts with global fetch.
      assert.deepEqual(
        fn.packages.filter((p) => /^(axios|@pulumi|@aws-sdk)/.test(p)),
        [],
        `${name} packages: ${fn.packages.join(", ")}`,
      );
      dirs[name] = fn.dir;
    }
    const ack = manifest.functions.find((f) => f.function === ACK)!;
    assert.ok(
      ack.environment.includes("COMMAND_TOPIC_ARN") &&
        ack.environment.includes("SLACK_SIGNING_SECRET_CIPHERTEXT"),
    );
  });

  it("ack: decrypts the signing secret, verifies, queues a command, answers help, rejects a forgery (one container)", async () => {
    await createSeenTable(TABLE);
    const commands = await topicProbe(TOPIC);
    const topicArn = commands.topicArn;

    const now = Math.floor(Date.now() / 1000);
    const url = "https://hooks.slack.com/commands/T0001/1/deployed";
    const forgedBody =
      "user_id=U1&team_id=T&channel_id=C&command=%2Fguard&text=ec2+stop+i-1234abcd&response_url=x";
    const { results, stdout, stderr } = await invokeDeployed(
      dirs[ACK],
      [
        signedCommand({
          secret: SECRET,
          timestamp: now,
          text: "ec2 list payments",
          responseUrl: url,
          base64: true,
        }),
        signedCommand({ secret: SECRET, timestamp: now, text: "help", responseUrl: url }),
        httpEvent({
          body: forgedBody,
          headers: {
            "x-slack-request-timestamp": String(now),
            "x-slack-signature": sign("guess", String(now), forgedBody),
          },
        }),
      ],
      {
        ...moto().env,
        SLACK_SIGNING_SECRET_CIPHERTEXT: await encryptedSecret(SECRET),
        COMMAND_TOPIC_ARN: topicArn,
        REPLAY_TABLE_NAME: TABLE,
      },
    );
    assert.equal(results.length, 3, stderr);
    const [queued, help, forged] = results.map((r) => {
      assert.ok(r.ok, `${r.error}\n${stdout}\n${stderr}`);
      return r.value as { statusCode: number; body: string };
    });
    assert.deepEqual(queued, {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", text: "Working on `ec2 list payments`…" }),
    });
    assert.equal(help.statusCode, 200);
    assert.match(JSON.parse(help.body).text, /^\*\/guard\* commands/);
    assert.deepEqual(forged, { statusCode: 401, headers: { "content-type": "text/plain" }, body: "" });
    assert.deepEqual(
      ((await commands.published()) as Array<Record<string, unknown>>).map((msg) => ({
        ...msg,
        receivedAt: typeof msg.receivedAt,
      })),
      [
        {
          version: 1,
          receivedAt: "string",
          userId: "U0OPERATOR",
          userName: "alice",
          teamId: "T0001",
          channelId: "C0001",
          command: "/guard",
          text: "ec2 list payments",
          responseUrl: url,
        },
      ],
    );
  });

  it("worker: lists, stops and refuses per the stack's users, across accounts, in one container", async () => {
    const prod = await w.credsFor(DEFAULT_ACCOUNT);
    const [i] = await w.run(prod, chatops.defaultRegion, "payments-api");
    const post = (n: number) => slack.url(`/commands/T0001/${n}/deployed`);
    const events = [
      snsEvent([{ id: "d-1", message: commandMessage("ec2 list", post(1), { userId: READER }) }]),
      snsEvent([
        { id: "d-2", message: commandMessage(`ec2 stop ${i.InstanceId}`, post(2), { userId: READER }) },
      ]),
      snsEvent([
        { id: "d-3", message: commandMessage(`ec2 stop ${i.InstanceId}`, post(3), { userId: OPERATOR }) },
      ]),
      snsEvent([{ id: "d-4", message: "not json" }]),
    ];
    const { results, stdout, stderr } = await invokeDeployed(dirs[WORKER], events, {
      ...moto().env,
      LOCAL_RUN: "1",
    });
    assert.equal(results.length, 4, stderr);
    assert.ok(
      results[0].ok && results[1].ok && results[2].ok,
      `${JSON.stringify(results)}\n${stdout}\n${stderr}`,
    );
    const label = `${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${chatops.defaultRegion}`;
    assert.deepEqual(slack.posts(`/commands/T0001/1/deployed`), [
      {
        response_type: "ephemeral",
        text: `*EC2 instances in ${label}* (1):\n• \`${i.InstanceId}\` *payments-api*: running (${i.InstanceType}, ${i.PrivateIpAddress})`,
      },
    ]);
    assert.match(
      (slack.posts(`/commands/T0001/2/deployed`)[0] as { text: string }).text,
      /needs operator access; you have read-only access/,
    );
    const stop = slack.posts(`/commands/T0001/3/deployed`) as Array<{ text: string }>;
    assert.equal(stop.length, 2);
    assert.match(stop[1].text, /is now \*stopped\*/);
    assert.equal(await w.stateOf(prod, chatops.defaultRegion, i.InstanceId!), "stopped");
    assert.equal(results[3].ok, false);
    assert.match(results[3].error!, /message d-4: message is not JSON/);
    // Every command logged with user, account, region, command and outcome.
    const logged = stdout
      .split("\n")
      .concat(stderr.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === "chatops command")
      .sort((a, b) => a.eventId.localeCompare(b.eventId)) // stdout (info) and stderr (warn) interleave
      .map((l) => [l.userId, l.account, l.region, l.command, l.outcome]);
    assert.deepEqual(logged, [
      [READER, DEFAULT_ACCOUNT, chatops.defaultRegion, "ec2 list", "ok"],
      [READER, DEFAULT_ACCOUNT, chatops.defaultRegion, `ec2 stop ${i.InstanceId}`, "denied"],
      [OPERATOR, DEFAULT_ACCOUNT, chatops.defaultRegion, `ec2 stop ${i.InstanceId}`, "ok"],
    ]);
  });

  it("a click on Revert: the deployed ack verifies and queues it, the deployed worker revokes in the spoke and updates the alert", async () => {
    const region = chatops.defaultRegion;
    const { commands, ec2, groupId } = await groupAlertScene("deployed-web");
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      }),
    );
    const ref = groupRef(groupId, [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidr: "0.0.0.0/0" }]);
    const value = await recordedValue(ref);
    const alert = alertWithButton("revert", value, "Revert", "RDP opened");
    // As the notifier does: the record keeps the alert as posted (same id: the reference's digest).
    await recordedValue(ref, undefined, alert);
    // What Slack sends back with the click could be crafted: it must change nothing the alert shows.
    const crafted = structuredClone(alert);
    crafted.text = "all clear, nothing to see";
    crafted.attachments[0].blocks[0] = { type: "section", text: { type: "mrkdwn", text: "crafted" } };
    const responsePath = "/actions/T0001/9/deployed";
    const acked = await invokeDeployed(
      dirs[ACK],
      [click("revert", value, responsePath, crafted)],
      await clickAckEnv(commands.topicArn),
    );
    assert.deepEqual(acked.results, [
      { ok: true, value: { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" } },
    ]);
    const published = await commands.published();
    assert.equal(published.length, 1);
    assert.equal("message" in (published[0] as object), false, "the click carries no copy of the alert");
    await workerHandles("click-1", published[0]);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0];
    assert.deepEqual(
      group.IpPermissions!.map((p) => `${p.FromPort} ${p.IpRanges!.map((r) => r.CidrIp).join(",")}`),
      ["443 0.0.0.0/0"],
    );
    const updated = assertRebuiltFromRecord(
      responsePath,
      alert,
      `:white_check_mark: Reverted: revoked tcp 3389 from 0.0.0.0/0 on \`${groupId}\` in ` +
        `${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${region}. (Revert by <@${OPERATOR}>)`,
    );
    // Rebuilt from the record's copy: the crafted text is nowhere.
    assert.equal(JSON.stringify(updated).includes("crafted"), false);
  });

  it("a click on Mute: the deployed worker assumes the hub's alert-actions role as the user (tagged) and writes the mute with that session", async () => {
    const hubAccount: string = hub["security-guard:accountId"];
    const hubCreds = await w.credsFor(hubAccount);
    await createClickTables();
    // The mute is written in the hub account (moto keeps tables per account): the assumed role's.
    await createSeenTable("security-guard-alert-mutes", "us-east-1", hubCreds);
    const commands = await topicProbe(TOPIC);
    const region = chatops.defaultRegion;
    await createRecordsTable();
    const ref = groupRef("sg-0123456789abcdef0", [], "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
    const value = await recordedValue(ref);
    const alert = alertWithButton("mute", value, "Mute 24 h");
    await recordedValue(ref, undefined, alert);
    const responsePath = "/actions/T0001/11/deployed-mute";
    const acked = await invokeDeployed(
      dirs[ACK],
      [click("mute", value, responsePath, alert)],
      await clickAckEnv(commands.topicArn),
    );
    assert.ok(acked.results[0].ok, acked.stderr);
    const published = await commands.published();
    assert.equal(published.length, 1);
    // A recording proxy in front of moto: what the worker asked STS for.
    const proxy = await startFaultProxy(moto().endpoint, []);
    await workerHandles("mute-1", published[0], {
      ...moto().env,
      AWS_ENDPOINT_URL: proxy.url,
      LOCAL_RUN: "1",
    }).finally(() => proxy.close());
    const assumed = (proxy.bodies.AssumeRole ?? []).map((b) => Object.fromEntries(new URLSearchParams(b)));
    assert.deepEqual(
      assumed.map((a) => [
        a.RoleArn,
        a.SourceIdentity,
        a.RoleSessionName,
        a["Tags.member.1.Value"],
        a["Tags.member.2.Value"],
      ]),
      [
        [
          `arn:aws:iam::${hubAccount}:role/security-guard-alert-actions`,
          `slack-${OPERATOR}`,
          `slack-${OPERATOR}`,
          "mute",
          `${DEFAULT_ACCOUNT}/${region}/AuthorizeSecurityGroupIngress/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        ],
      ],
    );
    const listed = await listRuntimeMutes(
      new DynamoDBClient({ region: "us-east-1", credentials: hubCreds }),
      "security-guard-alert-mutes",
      Date.now(),
      (_w, f) => f(new AbortController().signal),
    );
    assert.deepEqual(
      listed.mutes.map((m) => [m.createdBy, m.rule.accounts, m.rule.resources]),
      [[`slack-${OPERATOR}`, [DEFAULT_ACCOUNT], ["sg-0123456789abcdef0"]]],
    );
    const [updated] = slack.posts(responsePath) as Array<{ replace_original: boolean }>;
    assert.equal(updated.replace_original, true, JSON.stringify(updated));
    assert.match(JSON.stringify(updated), /Muted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it("Exempt's reason dialog: the deployed ack decrypts the bot token, opens the dialog and queues the submission; the deployed worker tags the reason", async () => {
    const region = chatops.defaultRegion;
    const { commands, ec2, groupId } = await groupAlertScene("deployed-exempt");
    const ref = groupRef(groupId, [{ protocol: "tcp", fromPort: 443, toPort: 443, cidr: "0.0.0.0/0" }]);
    const value = await recordedValue(ref);
    const alert = alertWithButton("exempt", value, "Exempt group", "HTTPS opened");
    await recordedValue(ref, undefined, alert);
    // Both secrets as the stack stores them: KMS ciphertext bound to the ack's name.
    const env = {
      ...(await clickAckEnv(commands.topicArn)),
      SLACK_BOT_TOKEN_CIPHERTEXT: await encryptedSecret(TEST_BOT_TOKEN),
      SLACK_API_BASE_URL: slack.apiUrl(),
    };
    const responsePath = "/actions/T0001/10/deployed";
    const clicked = await invokeDeployed(dirs[ACK], [click("exempt", value, responsePath, alert)], env);
    const empty = { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" };
    assert.deepEqual(clicked.results, [{ ok: true, value: empty }], clicked.stdout);
    assert.deepEqual(await commands.published(), []);
    const [opened] = slack.apiCalls("views.open");
    assert.equal(opened.token, TEST_BOT_TOKEN);
    assert.equal(opened.args.trigger_id, "1.2.3");
    assert.equal(slack.views.length, 1);
    const view = slack.views[0].view;
    assert.equal(view.callback_id, "guard_exempt_reason");

    const submission = signedInteraction({
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      payload: viewSubmissionPayload({
        view,
        values: { reason: { reason_input: "deployed reason: CDN origin" }, days: { days_input: "7" } },
        userId: OPERATOR,
      }),
    });
    const blank = signedInteraction({
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      requestId: "req-blank",
      payload: viewSubmissionPayload({ view, values: { reason: { reason_input: " " } }, userId: OPERATOR }),
    });
    const reader = signedInteraction({
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      requestId: "req-reader",
      payload: viewSubmissionPayload({ view, values: { reason: { reason_input: "x" } }, userId: READER }),
    });
    const submitted = await invokeDeployed(dirs[ACK], [blank, reader, submission], env);
    const errors = (text: string) => ({
      ok: true,
      value: {
        statusCode: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_action: "errors", errors: { reason: text } }),
      },
    });
    assert.deepEqual(submitted.results, [
      errors("Enter a reason for the exemption."),
      errors("Exempt needs operator access in the hub's chat-ops config; nothing was changed."),
      { ok: true, value: empty },
    ]);
    const published = await commands.published();
    assert.equal(published.length, 1);
    assert.equal((published[0] as { reason: string }).reason, "deployed reason: CDN origin");

    assert.equal((published[0] as { expiryDays: number }).expiryDays, 7);
    const before = Date.now();
    await workerHandles("exempt-1", published[0]);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0];
    const exemptTag = hub["security-guard:remediation"]?.exemptTagKey ?? DEFAULT_EXEMPT_TAG_KEY;
    const tagsNow = Object.fromEntries(group.Tags!.map((t) => [t.Key, t.Value]));
    const m = /^expires=(\S+) by=slack-(\S+) why=deployed reason: CDN origin$/.exec(tagsNow[exemptTag] ?? "");
    assert.ok(m, tagsNow[exemptTag]);
    assert.equal(m![2], OPERATOR);
    const expires = Date.parse(m![1]);
    assert.ok(
      expires >= Math.floor(before / 1000) * 1000 + 7 * 86_400_000 && expires <= Date.now() + 7 * 86_400_000,
    );
    assert.deepEqual(tagsNow, {
      [exemptTag]: tagsNow[exemptTag],
      "security-guard:exempt-reason": "deployed reason: CDN origin",
      "security-guard:exempted-by": `slack-${OPERATOR}`,
    });
    // Rebuilt from the record's copy (the submission carried none).
    assertRebuiltFromRecord(
      responsePath,
      alert,
      `:white_check_mark: Exempted \`${groupId}\` in ${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${region} ` +
        `until ${m![1]} (tag \`${exemptTag}\`): deployed reason: CDN origin. (Exempt by <@${OPERATOR}>)`,
    );
  });

  describe("a click carries the alert's reference, not Slack's copy of the alert", () => {
    let n = 0;

    /** An alert with Revert and Acknowledge on `ref`'s record, the record keeping `copy(alert)`. */
    async function recorded(
      body: Array<Record<string, unknown>>,
      keep: (alert: object) => object | undefined,
    ) {
      await createClickTables();
      await createRecordsTable();
      const groupId = `sg-0123456789abcde${++n}0`.slice(0, 20);
      const ref = groupRef(groupId, [], `0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5${n}`);
      const value = await recordedValue(ref);
      const button = (action: keyof typeof ALERT_ACTIONS) => ({
        type: "button",
        action_id: ALERT_ACTIONS[action],
        value,
        text: { type: "plain_text", text: action },
      });
      const alert = {
        text: "SSH opened to the internet",
        attachments: [
          {
            color: "#D00000",
            blocks: [
              ...body,
              {
                type: "actions",
                block_id: "guard_alert_actions",
                elements: [button("revert"), button("acknowledge")],
              },
              { type: "context", elements: [{ type: "mrkdwn", text: "CloudTrail event `e-1`" }] },
            ],
          },
        ],
      };
      await recordedValue(ref, undefined, keep(alert));
      return { value, alert };
    }

    /** Acknowledge through the deployed ack (Slack sending `slackCopy`), then the deployed worker. */
    async function acknowledge(
      value: string,
      slackCopy: object,
      queued: (m: Record<string, unknown>) => Record<string, unknown> = (m) => m,
    ) {
      const commands = await topicProbe(TOPIC);
      const responsePath = `/actions/T0001/ref-${n}`;
      const acked = await invokeDeployed(
        dirs[ACK],
        [click("acknowledge", value, responsePath, slackCopy)],
        await clickAckEnv(commands.topicArn),
      );
      assert.ok(acked.results[0].ok, acked.stderr);
      const published = (await commands.published()) as Array<Record<string, unknown>>;
      assert.equal(published.length, 1);
      await workerHandles(`ref-${n}`, queued(published[0]));
      return { published, responses: slack.posts(responsePath) as Array<Record<string, unknown>> };
    }

    const acknowledged = new RegExp(
      `^:white_check_mark: Acknowledged by <@${OPERATOR}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\.$`,
    );

    it("a maximal alert (50 blocks of 3,000 characters): the SNS message stays small, and the alert is updated in place from its record", async () => {
      // 48 sections, the buttons and a context line: Slack's cap of 50 blocks.
      const body = Array.from({ length: 48 }, (_, i) => ({
        type: "section",
        text: { type: "mrkdwn", text: `${i}:`.padEnd(3000, "x") },
      }));
      const { value, alert } = await recorded(body, (a) => a);
      assert.equal(alert.attachments[0].blocks.length, 50);
      const stored = await recordWithCopy(value);
      assert.ok(stored.ok && stored.message);
      assert.deepEqual(stored.message, alert);

      const { published, responses } = await acknowledge(value, alert);
      assert.equal("message" in published[0], false);
      const size = Buffer.byteLength(JSON.stringify(published[0]));
      assert.ok(size < 1024, `the SNS message is ${size} bytes`);

      assert.equal(responses.length, 1);
      const updated = responses[0] as {
        replace_original: boolean;
        text: string;
        attachments: Array<{ color: string; blocks: Array<Record<string, unknown>> }>;
      };
      assert.equal(updated.replace_original, true);
      assert.equal(updated.text, alert.text);
      assert.equal(updated.attachments[0].color, "#D00000");
      const blocks = updated.attachments[0].blocks;
      // Still 50 blocks: the line under the buttons made room for the outcome line.
      assert.equal(blocks.length, 50);
      assert.deepEqual(blocks.slice(0, 48), alert.attachments[0].blocks.slice(0, 48));
      assert.deepEqual(
        (blocks[48].elements as Array<{ action_id: string }>).map((e) => e.action_id),
        [ALERT_ACTIONS.revert],
      );
      const line = (blocks[49].elements as Array<{ text: string }>)[0].text;
      assert.match(line, acknowledged);
    });

    it("no copy in the record (too large to keep): the outcome is posted for the channel below the alert; a copy queued by an earlier ack is ignored", async () => {
      // 400 KB of text: more than a DynamoDB item holds, so the record keeps no copy.
      const huge = [{ type: "section", text: { type: "mrkdwn", text: "y".repeat(400_000) } }];
      const { value, alert } = await recorded(huge, (a) => a);
      const stored = await recordWithCopy(value);
      assert.ok(stored.ok);
      assert.equal(stored.message, undefined);

      const crafted = { text: "crafted", attachments: [{ blocks: [alert.attachments[0].blocks[1]] }] };
      const { responses } = await acknowledge(value, { text: "from Slack" }, (m) => ({
        ...m,
        message: crafted,
      }));
      assert.equal(responses.length, 1);
      const [posted] = responses as Array<{ response_type: string; replace_original: boolean; text: string }>;
      assert.deepEqual(Object.keys(posted).sort(), ["replace_original", "response_type", "text"]);
      assert.equal(posted.response_type, "in_channel");
      assert.equal(posted.replace_original, false);
      assert.match(posted.text, acknowledged);
    });
  });

  describe("what hostile input and hung dependencies taught", () => {
    let proxy: FaultProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    async function ackEnv(endpoint = moto().endpoint): Promise<Record<string, string>> {
      return {
        ...moto().env,
        AWS_ENDPOINT_URL: endpoint,
        // The Slack stand-in's response_url is http on 127.0.0.1: accepted only in local runs.
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET_CIPHERTEXT: await encryptedSecret(SECRET),
        COMMAND_TOPIC_ARN: `arn:aws:sns:us-east-1:123456789012:${TOPIC}`,
        REPLAY_TABLE_NAME: TABLE,
      };
    }

    it("end to end: a signed command without user_name goes ack -> SNS (moto) -> worker -> a final reply at response_url", async () => {
      await createSeenTable(TABLE);
      // The queue receives SNS's whole notification: what SNS hands a subscribed function as `Sns`.
      const topic = await topicProbe(TOPIC, `${TOPIC}-e2e`, { raw: false });
      const prod = await w.credsFor(DEFAULT_ACCOUNT);
      const [i] = await w.run(prod, chatops.defaultRegion, "payments-api");
      const path = "/commands/T0001/e2e/deployed";
      const req = signedCommand({
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000),
        text: "ec2 list",
        responseUrl: slack.url(path),
        userId: OPERATOR,
        userName: null,
      });
      assert.doesNotMatch(String(req.body), /user_name/);
      const ack = await invokeDeployed(
        dirs[ACK],
        [req],
        { ...(await ackEnv()), COMMAND_TOPIC_ARN: topic.topicArn },
        { remainingMs: 3000 },
      );
      assert.deepEqual(ack.results, [{ ok: true, value: ephemeralAnswer("Working on `ec2 list`…") }]);
      const envelopes = (await topic.published()) as Array<Record<string, unknown>>;
      assert.equal(envelopes.length, 1);
      assert.equal(envelopes[0].Type, "Notification");
      assert.equal(envelopes[0].TopicArn, topic.topicArn);
      const message = JSON.parse(String(envelopes[0].Message)) as Record<string, unknown>;
      assert.equal(message.userId, OPERATOR);
      assert.equal("userName" in message, false);
      // moto's SNS cannot invoke a Lambda function (that needs Docker): the notification it delivered
      // to the queue goes to the deployed worker as the record SNS gives a subscribed function.
      const worker = await invokeDeployed(
        dirs[WORKER],
        [
          {
            Records: [
              {
                EventSource: "aws:sns",
                EventVersion: "1.0",
                EventSubscriptionArn: `${topic.topicArn}:e2e`,
                Sns: envelopes[0],
              },
            ],
          },
        ],
        { ...moto().env, LOCAL_RUN: "1" },
      );
      assert.ok(worker.results[0].ok, `${worker.results[0].error}\n${worker.stderr}`);
      const label = `${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${chatops.defaultRegion}`;
      assert.deepEqual(slack.posts(path), [
        {
          response_type: "ephemeral",
          text: `*EC2 instances in ${label}* (1):\n• \`${i.InstanceId}\` *payments-api*: running (${i.InstanceType}, ${i.PrivateIpAddress})`,
        },
      ]);
      const line = (worker.stdout + worker.stderr)
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.message === "chatops command")!;
      assert.deepEqual(
        [line.eventId, line.userId, "userName" in line, line.outcome, line.delivered],
        [envelopes[0].MessageId, OPERATOR, false, "ok", true],
      );
    });

    it("ack: the same signed request again, in the same and in another container, is refused and queued once", async () => {
      await createSeenTable(TABLE);
      const topic = await topicProbe(TOPIC);
      const req = signedCommand({
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000),
        text: "ec2 start i-0123456789abcdef0",
        responseUrl: slack.url("/commands/T0001/replay/deployed"),
        userId: OPERATOR,
      });
      const env = { ...(await ackEnv()), COMMAND_TOPIC_ARN: topic.topicArn };
      const first = await invokeDeployed(dirs[ACK], [req, req], env, { remainingMs: 3000 });
      const other = await invokeDeployed(dirs[ACK], [req], env, { remainingMs: 3000 });
      const refused = ephemeralAnswer(
        "`ec2 start i-0123456789abcdef0` was already received; this repeat of the same request was not run again.",
      );
      assert.deepEqual(
        [...first.results, ...other.results].map((r) => r.value),
        [ephemeralAnswer("Working on `ec2 start i-0123456789abcdef0`…"), refused, refused],
      );
      assert.equal((await topic.published()).length, 1);
    });

    it("ack: SNS Publish held by a proxy is answered inside Slack's 3 s, saying the hand-off is unconfirmed", async () => {
      await createSeenTable(TABLE);
      const topic = await topicProbe(TOPIC);
      proxy = await startFaultProxy(moto().endpoint, [{ action: "Publish", times: Infinity, hang: true }]);
      const req = signedCommand({
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000),
        text: "ec2 list",
        responseUrl: slack.url("/commands/T0001/held/deployed"),
        userId: OPERATOR,
      });
      const { results, durations } = await invokeDeployed(
        dirs[ACK],
        [req],
        { ...(await ackEnv(proxy.url)), COMMAND_TOPIC_ARN: topic.topicArn },
        { remainingMs: 3000 },
      );
      assert.ok(results[0].ok && durations[0] < 3000, JSON.stringify({ results, durations }));
      const text = JSON.parse((results[0].value as { body: string }).body).text as string;
      assert.match(
        text,
        /^Sorry, `ec2 list` could not be confirmed as handed to the worker in time \(SNS Publish did not answer within \d+ ms\)\. If it got through you will get its reply in a moment; otherwise nothing was run \(request id req-1\)\.$/,
      );
      assert.equal(proxy.counts.Publish, 1);
    });

    it("worker: S3 ListBuckets and CloudWatch GetMetricStatistics held by a proxy each end in a final reply naming the call, within the Lambda's time", async () => {
      const prod = await w.credsFor(DEFAULT_ACCOUNT);
      await w.bucket(prod, "held-bucket", chatops.defaultRegion);
      proxy = await startFaultProxy(moto().endpoint, [
        { action: "ListBuckets", times: Infinity, hang: true },
        { action: "GetMetricStatistics", times: Infinity, hang: true },
      ]);
      const post = (n: number) => `/commands/T0001/held-${n}/deployed`;
      // 15 s left: the worker keeps 12 s back for its reply, so each held call gets about 3 s.
      const { results, durations, stderr } = await invokeDeployed(
        dirs[WORKER],
        [
          snsEvent([
            { id: "held-1", message: commandMessage("s3 list", slack.url(post(1)), { userId: OPERATOR }) },
          ]),
          snsEvent([
            {
              id: "held-2",
              message: commandMessage("s3 usage held-bucket", slack.url(post(2)), { userId: OPERATOR }),
            },
          ]),
        ],
        { ...moto().env, AWS_ENDPOINT_URL: proxy.url, LOCAL_RUN: "1" },
        { remainingMs: 15_000 },
      );
      assert.ok(
        results.every((r, n) => r.ok && durations[n] < 15_000),
        `${JSON.stringify(results)}\n${stderr}`,
      );
      const label = `${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${chatops.defaultRegion}`;
      const [[list], [usage]] = [post(1), post(2)].map((p) => slack.posts(p) as Array<{ text: string }>);
      assert.match(
        list.text,
        new RegExp(
          `^Sorry, \`s3 list\` in ${label.replace(/[()]/g, "\\$&")} stopped: S3 ListBuckets did not answer within \\d+ ms\\.$`,
        ),
      );
      assert.match(
        usage.text,
        new RegExp(
          `^Sorry, \`s3 usage held-bucket\` in ${label.replace(/[()]/g, "\\$&")} stopped: CloudWatch GetMetricStatistics did not answer within \\d+ ms\\.$`,
        ),
      );
      for (const t of [list.text, usage.text]) assert.ok(Number(/within (\d+) ms/.exec(t)![1]) <= 3000, t);
      assert.deepEqual([proxy.counts.ListBuckets, proxy.counts.GetMetricStatistics], [1, 1]);
    });
  });
});
