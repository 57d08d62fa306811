// Second person in production, through the deployed ack and worker (built from the example hub
// stack with the payments account marked production): the first authorised Revert changes nothing
// and the alert says who waits; the same user again is refused; a read-only user cannot confirm; a
// second authorised user revokes exactly the alert's permission (moto). A lapsed request starts
// over, and a non-production account is reverted at once.
import { strict as assert } from "assert";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { buildWithChatops, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe, TopicProbe } from "../../../verify/topicProbe";
import { ALERT_ACTIONS, AlertRef } from "../../../handlers/shared/alertActions";
import { alertRecordId, parseAlertPointer } from "../../../handlers/shared/alertRecords";
import { createRecordsTable, recordedValue } from "./alertRecord";
import { blockActionsPayload, signedInteraction, snsEvent } from "./events";
import * as w from "./world";
import { DEFAULT_EXEMPT_TAG_KEY } from "../../../handlers/shared/constants";

const ACK = "security-guard-chatops-ack";
const WORKER = "security-guard-chatops-worker";
const SECRET = "second-person-signing-secret-0123";
const REGION = "ap-northeast-2";
const PAYMENTS = "222222222222";
const DATA = "333333333333";
const CONFIRMATIONS = "security-guard-alert-confirmations";

const LEAD = "U2CERLKJA"; // operator, every account
const RESPONDER = "U0RESPOND"; // operator, payments and data
const READER = "U0READONLY"; // read-only

const NAMES: Record<string, string> = { [LEAD]: "lead", [RESPONDER]: "responder", [READER]: "reader" };

const CHATOPS_PATCH = {
  users: {
    [LEAD]: { access: "operator", accounts: ["*"] },
    [RESPONDER]: { access: "operator", accounts: ["payments", "data"] },
    [READER]: { access: "read-only", accounts: ["payments", "data"] },
  },
  productionAccounts: ["payments"],
  confirmMinutes: 10,
};

type Post = { text?: string; response_type?: string; replace_original?: boolean; attachments?: unknown[] };

describe("second person in production, through the deployed ack and worker", function () {
  this.timeout(600_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let dirs: Record<string, string> = {};
  let topic: TopicProbe;
  let n = 0;

  before(async function () {
    this.timeout(300_000);
    dirs = await buildWithChatops(CHATOPS_PATCH, [ACK, WORKER]);
  });

  beforeEach(async () => {
    await createSeenTable("security-guard-chatops-requests");
    await createRecordsTable();
    await createSeenTable(CONFIRMATIONS);
    await new EventBridgeClient({ region: "us-east-1" }).send(
      new CreateEventBusCommand({ Name: "security-guard-events" }),
    );
    topic = await topicProbe("security-guard-chatops-commands");
  });

  /** A group opened to the world on tcp 8443 (the alert's change) and to 10.0.0.0/8 on 22 (not). */
  async function openGroup(account: string): Promise<{ groupId: string; value: string; ref: AlertRef }> {
    const ec2 = w.ec2In(await w.credsFor(account), REGION);
    const groupId = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: `prod-${++n}`, Description: "prod" }))
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
        ],
      }),
    );
    const ref: AlertRef = {
      accountId: account,
      region: REGION,
      kind: "security-group",
      eventName: "AuthorizeSecurityGroupIngress",
      groupId,
      permissions: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidr: "0.0.0.0/0" }],
    };
    const value = await recordedValue(ref);
    // As the notifier does: the record keeps the alert as posted, which the worker updates.
    await recordedValue(ref, undefined, alertMessage(value));
    return { groupId, value, ref };
  }

  async function ingress(account: string, groupId: string): Promise<string[]> {
    const g = (
      await w
        .ec2In(await w.credsFor(account), REGION)
        .send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))
    ).SecurityGroups![0];
    return (g.IpPermissions ?? [])
      .flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`))
      .sort();
  }

  /** The alert as posted (and as Slack sends it with the click): its buttons in an actions block. */
  const alertMessage = (value: string) => ({
    text: "Security group opened to the world",
    attachments: [
      {
        color: "#d00000",
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: "*AuthorizeSecurityGroupIngress*" } },
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
              {
                type: "button",
                action_id: ALERT_ACTIONS.acknowledge,
                value,
                text: { type: "plain_text", text: "Acknowledge" },
              },
            ],
          },
        ],
      },
    ],
  });

  /** One click on Revert (or Exempt) by `userId`, through the deployed ack and then the deployed worker. */
  async function click(
    userId: string,
    value: string,
    action: "revert" | "exempt" = "revert",
  ): Promise<{ outcome: string; posts: Post[] }> {
    const at = `/second/${++n}`;
    const payload = blockActionsPayload({
      actionId: ALERT_ACTIONS[action],
      value,
      responseUrl: slack.url(at),
      userId,
      userName: NAMES[userId],
      message: alertMessage(value),
    });
    const acked = await invokeDeployed(
      dirs[ACK],
      [
        signedInteraction({
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000),
          payload,
          requestId: `r-${n}`,
        }),
      ],
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SECRET,
        COMMAND_TOPIC_ARN: topic.topicArn,
        REPLAY_TABLE_NAME: "security-guard-chatops-requests",
      },
    );
    assert.ok(acked.results[0].ok && (acked.results[0].value as { statusCode: number }).statusCode === 200);
    const published = (await topic.published()) as Array<{ responseUrl: string }>;
    const message = published.find((m) => m.responseUrl === slack.url(at));
    assert.ok(message, `the ack published the click ${at}`);
    const done = await invokeDeployed(
      dirs[WORKER],
      [snsEvent([{ id: `m-${n}`, message: JSON.stringify(message) }])],
      { ...moto().env, LOCAL_RUN: "1" },
    );
    const r = done.results[0];
    assert.ok(r.ok, String(!r.ok && r.error));
    return {
      outcome: (r.value as { results: Array<{ outcome: string }> }).results[0].outcome,
      posts: slack.posts(at) as Post[],
    };
  }

  /** The context line the update added under the alert's buttons. */
  const shownOnAlert = (p: Post): string => JSON.stringify(p.attachments ?? []);

  it("holds the first Revert, refuses the requester and a read-only user, and reverts once on a second operator's click", async () => {
    const { groupId, value } = await openGroup(PAYMENTS);
    const before = ["tcp 22-22 10.0.0.0/8", "tcp 8443-8443 0.0.0.0/0"];

    const first = await click(LEAD, value);
    assert.equal(first.outcome, "pending");
    assert.equal(first.posts.length, 1);
    assert.equal(first.posts[0].replace_original, true, "the alert itself shows the wait");
    assert.match(
      shownOnAlert(first.posts[0]),
      /waiting for a second authorised person \(requested by <@U2CERLKJA>, expires in 10 min\)/,
    );
    assert.ok(shownOnAlert(first.posts[0]).includes(ALERT_ACTIONS.revert), "Revert stays on the alert");
    assert.deepEqual(await ingress(PAYMENTS, groupId), before, "nothing revoked on the first click");

    const again = await click(LEAD, value);
    assert.equal(again.outcome, "denied");
    assert.equal(again.posts.length, 1);
    assert.equal(again.posts[0].response_type, "ephemeral");
    assert.match(
      String(again.posts[0].text),
      /you requested it, and in this production account a second authorised person must confirm it, not you \(the request expires in (9|10) min\)/,
    );
    assert.deepEqual(await ingress(PAYMENTS, groupId), before);

    const reader = await click(READER, value);
    assert.equal(reader.outcome, "denied");
    assert.equal(reader.posts[0].response_type, "ephemeral");
    assert.match(String(reader.posts[0].text), /needs operator access/);
    assert.deepEqual(await ingress(PAYMENTS, groupId), before);

    const second = await click(RESPONDER, value);
    assert.equal(second.outcome, "ok", JSON.stringify(second.posts));
    assert.equal(second.posts[0].replace_original, true);
    assert.match(
      shownOnAlert(second.posts[0]),
      /Reverted: revoked tcp 8443 from 0\.0\.0\.0\/0 on `sg-[0-9a-f]+` in payments \(222222222222\) ap-northeast-2\. Requested by <@U2CERLKJA>, confirmed by <@U0RESPOND>/,
    );
    assert.deepEqual(await ingress(PAYMENTS, groupId), ["tcp 22-22 10.0.0.0/8"], "exactly the alert's rule");

    // The request was used up: another click starts a new one (and finds nothing left to revoke later).
    const item = await new DynamoDBClient({ region: "us-east-1" }).send(
      new GetItemCommand({
        TableName: CONFIRMATIONS,
        Key: { id: { S: `revert:${(parseAlertPointer(value) as { id: string }).id}` } },
      }),
    );
    assert.equal(item.Item, undefined);
  });

  it("starts over when the earlier request has expired", async () => {
    const { groupId, value, ref } = await openGroup(PAYMENTS);
    const past = Date.now() - 60_000;
    await new DynamoDBClient({ region: "us-east-1" }).send(
      new PutItemCommand({
        TableName: CONFIRMATIONS,
        Item: {
          id: { S: `revert:${alertRecordId(ref)}` },
          expiresAt: { N: String(Math.ceil(past / 1000)) },
          expiresAtMs: { N: String(past) },
          requestedAt: { N: String(past - 600_000) },
          requestedBy: { S: LEAD },
        },
      }),
    );
    const late = await click(RESPONDER, value);
    assert.equal(late.outcome, "pending");
    assert.match(
      shownOnAlert(late.posts[0]),
      /requested by <@U0RESPOND>, expires in 10 min\).*The earlier request by <@U2CERLKJA> expired/,
    );
    assert.equal((await ingress(PAYMENTS, groupId)).length, 2, "nothing revoked");
    // The requester of the lapsed request may now confirm the new one.
    const confirm = await click(LEAD, value);
    assert.equal(confirm.outcome, "ok");
    assert.deepEqual(await ingress(PAYMENTS, groupId), ["tcp 22-22 10.0.0.0/8"]);
  });

  it("holds Exempt the same way: tagged only when a second operator confirms", async () => {
    const { groupId, value } = await openGroup(PAYMENTS);
    const tags = async () =>
      Object.fromEntries(
        (
          (
            await w
              .ec2In(await w.credsFor(PAYMENTS), REGION)
              .send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))
          ).SecurityGroups![0].Tags ?? []
        ).map((t) => [t.Key!, t.Value!]),
      );
    const first = await click(LEAD, value, "exempt");
    assert.equal(first.outcome, "pending");
    assert.match(
      shownOnAlert(first.posts[0]),
      /Exempt is waiting for a second authorised person \(requested by <@U2CERLKJA>/,
    );
    assert.deepEqual(await tags(), {}, "not tagged on the first click");
    const second = await click(RESPONDER, value, "exempt");
    assert.equal(second.outcome, "ok", JSON.stringify(second.posts));
    const t = await tags();
    // The exemption expires after the default number of days (remediation.exemptionDays).
    const m =
      /^expires=(\S+) by=slack-U0RESPOND why=exempted from Slack by lead \(U2CERLKJA\), confirmed by responder \(U0RESPOND\)$/.exec(
        t[DEFAULT_EXEMPT_TAG_KEY],
      );
    assert.ok(m, t[DEFAULT_EXEMPT_TAG_KEY]);
    const days = (Date.parse(m[1]) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    assert.equal(t["security-guard:exempted-by"], "slack-U0RESPOND");
    // No reason dialog here (no bot token): the reason names both people.
    assert.equal(
      t["security-guard:exempt-reason"],
      "exempted from Slack by lead (U2CERLKJA), confirmed by responder (U0RESPOND)",
    );
    assert.match(shownOnAlert(second.posts[0]), /Requested by <@U2CERLKJA>, confirmed by <@U0RESPOND>/);
  });

  it("reverts at once in an account not marked production", async () => {
    const { groupId, value } = await openGroup(DATA);
    const once = await click(LEAD, value);
    assert.equal(once.outcome, "ok");
    assert.doesNotMatch(shownOnAlert(once.posts[0]), /second authorised person|confirmed by/);
    assert.deepEqual(await ingress(DATA, groupId), ["tcp 22-22 10.0.0.0/8"]);
  });
});
