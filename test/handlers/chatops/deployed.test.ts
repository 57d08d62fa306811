// The chat-ops functions as deployed: the packages `npm run lambdas` writes for the hub stack
// (Pulumi.hub.yaml), each run in a separate node process with only the AWS SDK on NODE_PATH,
// against moto and the local Slack server. Settings come from the serialized closures, so the
// stack's chat-ops config (users, default account and region) is what answers here.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CreateKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe } from "../../helpers/topicProbe";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { ALERT_ACTIONS, encodeAlertRef } from "../../../handlers/shared/alertActions";
import {
  blockActionsPayload,
  commandMessage,
  sign,
  signedCommand,
  signedInteraction,
  snsEvent,
  httpEvent,
} from "./events";
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

describe("chatops functions as deployed (npm run lambdas package, separate process, moto)", function () {
  this.timeout(120_000);
  const moto = useMoto();
  const slack = useSlackServer();
  const dirs: Record<string, string> = {};

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
    const kms = new KMSClient({ region: "us-east-1" });
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const secret = "deployed-signing-secret-0123456789";
    const blob = (
      await kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(secret),
          EncryptionContext: { LambdaFunctionName: ACK },
        }),
      )
    ).CiphertextBlob!;
    await createSeenTable("security-guard-chatops-requests");
    const commands = await topicProbe("security-guard-chatops-commands");
    const topicArn = commands.topicArn;

    const now = Math.floor(Date.now() / 1000);
    const url = "https://hooks.slack.com/commands/T0001/1/deployed";
    const forgedBody =
      "user_id=U1&team_id=T&channel_id=C&command=%2Fguard&text=ec2+stop+i-1234abcd&response_url=x";
    const { results, stdout, stderr } = await invokeDeployed(
      dirs[ACK],
      [
        signedCommand({ secret, timestamp: now, text: "ec2 list payments", responseUrl: url, base64: true }),
        signedCommand({ secret, timestamp: now, text: "help", responseUrl: url }),
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
        SLACK_SIGNING_SECRET_CIPHERTEXT: Buffer.from(blob).toString("base64"),
        COMMAND_TOPIC_ARN: topicArn,
        REPLAY_TABLE_NAME: "security-guard-chatops-requests",
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
    assert.match(results[3].error!, /message d-4: command message is not JSON/);
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
    const kms = new KMSClient({ region: "us-east-1" });
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const secret = "deployed-signing-secret-0123456789";
    const blob = (
      await kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(secret),
          EncryptionContext: { LambdaFunctionName: ACK },
        }),
      )
    ).CiphertextBlob!;
    await createSeenTable("security-guard-chatops-requests");
    await createSeenTable("security-guard-alert-mutes");
    await new EventBridgeClient({ region: "us-east-1" }).send(
      new CreateEventBusCommand({ Name: "security-guard-events" }),
    );
    const commands = await topicProbe("security-guard-chatops-commands");
    const region = chatops.defaultRegion;
    const ec2 = w.ec2In(await w.credsFor(DEFAULT_ACCOUNT), region);
    const groupId = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: "deployed-web", Description: "web" }))
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      }),
    );
    const value = encodeAlertRef({
      accountId: DEFAULT_ACCOUNT,
      region,
      kind: "security-group",
      eventName: "AuthorizeSecurityGroupIngress",
      groupId,
      permissions: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidr: "0.0.0.0/0" }],
    });
    const alert = {
      text: "alert",
      attachments: [
        {
          color: "#D00000",
          blocks: [
            { type: "section", text: { type: "mrkdwn", text: "RDP opened" } },
            {
              type: "actions",
              block_id: "guard_alert_actions",
              elements: [
                {
                  type: "button",
                  action_id: ALERT_ACTIONS.revert,
                  value,
                  text: { type: "plain_text", text: "Revert" },
                },
              ],
            },
          ],
        },
      ],
    };
    const responsePath = "/actions/T0001/9/deployed";
    const click = signedInteraction({
      secret,
      timestamp: Math.floor(Date.now() / 1000),
      payload: blockActionsPayload({
        actionId: ALERT_ACTIONS.revert,
        value,
        responseUrl: slack.url(responsePath),
        message: alert,
        userId: OPERATOR,
      }),
    });
    const acked = await invokeDeployed(dirs[ACK], [click], {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_SIGNING_SECRET_CIPHERTEXT: Buffer.from(blob).toString("base64"),
      COMMAND_TOPIC_ARN: commands.topicArn,
      REPLAY_TABLE_NAME: "security-guard-chatops-requests",
    });
    assert.deepEqual(acked.results, [
      { ok: true, value: { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" } },
    ]);
    const published = await commands.published();
    assert.equal(published.length, 1);
    const done = await invokeDeployed(
      dirs[WORKER],
      [snsEvent([{ id: "click-1", message: JSON.stringify(published[0]) }])],
      { ...moto().env, LOCAL_RUN: "1" },
    );
    assert.ok(done.results[0].ok, `${done.results[0].error}\n${done.stdout}\n${done.stderr}`);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0];
    assert.deepEqual(
      group.IpPermissions!.map((p) => `${p.FromPort} ${p.IpRanges!.map((r) => r.CidrIp).join(",")}`),
      ["443 0.0.0.0/0"],
    );
    const [updated] = slack.posts(responsePath) as Array<{
      replace_original: boolean;
      attachments: Array<{ blocks: Array<{ type: string; elements?: Array<{ text: string }> }> }>;
    }>;
    assert.equal(updated.replace_original, true);
    assert.deepEqual(updated.attachments[0].blocks.at(-1), {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text:
            `:white_check_mark: Reverted: revoked tcp 3389 from 0.0.0.0/0 on \`${groupId}\` in ` +
            `${names[DEFAULT_ACCOUNT]} (${DEFAULT_ACCOUNT}) ${region}. (Revert by <@${OPERATOR}>)`,
        },
      ],
    });
  });
});
