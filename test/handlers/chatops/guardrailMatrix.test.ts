// The authorisation matrix through the deployed ack and worker: users x channels x actions x
// accounts (and a foreign Slack workspace), built from the example hub stack with guardrails added.
// Every case goes the whole way: a signed request to the deployed ack (signature, replay check, SNS
// in moto), the published message to the deployed worker (moto: assumed roles, EC2, S3, DynamoDB).
// An unauthorised case must end in one ephemeral note at its response_url saying why, and change
// nothing; an authorised one must be done. The expected decision comes from the table below,
// written out by hand, not from the code under test.
import { exemptionActive, parseExemption } from "../../../handlers/shared/exemption";
import { strict as assert } from "assert";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildWithChatops, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe } from "../../../verify/topicProbe";
import { ALERT_ACTIONS } from "../../../handlers/shared/alertActions";
import { createRecordsTable, recordedValue } from "./alertRecord";
import { listRuntimeMutes } from "../../../handlers/shared/runtimeMutes";
import { DEFAULT_EXEMPT_TAG_KEY } from "../../../handlers/shared/constants";
import { blockActionsPayload, httpEvent, sign, snsEvent } from "./events";
import * as w from "./world";

const ACK = "security-guard-chatops-ack";
const WORKER = "security-guard-chatops-worker";
const SECRET = "matrix-signing-secret-0123456789";
const TEAM = "T0001";
const REGION = "ap-northeast-2";
const HUB = "111111111111";
const PAYMENTS = "222222222222";
const DATA = "333333333333";
const ACCOUNTS = { payments: PAYMENTS, data: DATA } as const;
type AccountName = keyof typeof ACCOUNTS;

const LEAD = "U2CERLKJA"; // operator, every account
const RESPONDER = "U0RESPOND"; // operator, payments and data
const READER = "U0READONLY"; // read-only, payments and data
const STRANGER = "U0STRANGER"; // not a chat-ops user
const USERS = [LEAD, RESPONDER, READER, STRANGER];
const CHANNELS = ["C0ALERTS", "C0OPS", "C0RANDOM"];
const BUTTONS = ["revert", "exempt", "mute", "acknowledge"] as const;
const COMMANDS = [
  "accounts",
  "ec2-list",
  "ec2-console",
  "ec2-start",
  "ec2-stop",
  "s3-list",
  "s3-usage",
] as const;
type Action = (typeof BUTTONS)[number] | (typeof COMMANDS)[number];

/** The guardrails under test, as a user writes them in the hub stack. */
const CHATOPS_PATCH = {
  users: {
    [LEAD]: { access: "operator", accounts: ["*"] },
    [RESPONDER]: { access: "operator", accounts: ["payments", "data"] },
    [READER]: { access: "read-only", accounts: ["payments", "data"] },
  },
  groups: { responders: [LEAD, RESPONDER] },
  guardrails: {
    revert: { users: ["responders"], channels: ["C0ALERTS"], accounts: ["payments"] },
    exempt: { users: [LEAD], channels: ["C0ALERTS"] },
    mute: { channels: ["C0ALERTS", "C0OPS"] },
    "ec2-start": { users: ["responders"], channels: ["C0OPS"] },
    "ec2-stop": { users: ["responders"], channels: ["C0OPS"], accounts: ["data"] },
    "s3-usage": { channels: ["C0OPS"] },
  },
};

/** The expected refusal (a fragment of the reason shown), or undefined when allowed. Hand-written. */
function expectedRefusal(
  user: string,
  channel: string,
  action: Action,
  account: AccountName,
): RegExp | undefined {
  const button = (BUTTONS as readonly string[]).includes(action);
  if (user === STRANGER)
    return button
      ? /may not act on alerts: access is granted per Slack user id/
      : /are not allowed to use `\/guard`/;
  const operatorOnly = ["revert", "exempt", "mute", "ec2-start", "ec2-stop"].includes(action);
  if (operatorOnly && user === READER) return /needs operator access; you have read-only access/;
  const no = (re: RegExp) => re;
  switch (action) {
    case "revert":
      if (user !== LEAD && user !== RESPONDER) return no(/does not list you/);
      if (channel !== "C0ALERTS")
        return no(/revert may not be used in this channel \(`C0\w+`\); it may be used in `C0ALERTS`/);
      if (account !== "payments")
        return no(/revert may not target account 333333333333; it may target `222222222222`/);
      return undefined;
    case "exempt":
      if (user !== LEAD) return no(/the guardrail for exempt does not list you/);
      if (channel !== "C0ALERTS") return no(/exempt may not be used in this channel/);
      return undefined;
    case "mute":
      if (channel === "C0RANDOM")
        return no(
          /mute may not be used in this channel \(`C0RANDOM`\); it may be used in `C0ALERTS`, `C0OPS`/,
        );
      return undefined;
    case "ec2-start":
      if (channel !== "C0OPS") return no(/ec2-start may not be used in this channel/);
      return undefined;
    case "ec2-stop":
      if (channel !== "C0OPS") return no(/ec2-stop may not be used in this channel/);
      if (account !== "data") return no(/ec2-stop may not target account 222222222222/);
      return undefined;
    case "s3-usage":
      if (channel !== "C0OPS") return no(/s3-usage may not be used in this channel/);
      return undefined;
    default:
      return undefined;
  }
}

/** Start and stop target an instance already in that state: done, with nothing to do. */
const ALREADY: Action[] = ["ec2-start", "ec2-stop"];

interface Case {
  n: number;
  user: string;
  channel: string;
  team: string;
  action: Action;
  account: AccountName;
  refusal?: RegExp;
  groupId?: string;
  value?: string;
}

describe("authorisation matrix through the deployed ack and worker (guardrails)", function () {
  this.timeout(600_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let dirs: Record<string, string> = {};

  before(async function () {
    this.timeout(300_000);
    dirs = await buildWithChatops(CHATOPS_PATCH, [ACK, WORKER]);
  });

  it("refuses every unauthorised case with a visible reason and does every authorised one", async () => {
    await createSeenTable("security-guard-chatops-requests");
    await createRecordsTable();
    // Mutes are written in the hub account (the alert-actions role's; moto keeps tables per account).
    const hubCreds = await w.credsFor(HUB);
    await createSeenTable("security-guard-alert-mutes", "us-east-1", hubCreds);
    await new EventBridgeClient({ region: "us-east-1" }).send(
      new CreateEventBusCommand({ Name: "security-guard-events" }),
    );
    const topic = await topicProbe("security-guard-chatops-commands");
    const creds = { payments: await w.credsFor(PAYMENTS), data: await w.credsFor(DATA) };
    const running: Record<string, string> = {};
    const stopped: Record<string, string> = {};
    for (const a of Object.keys(ACCOUNTS) as AccountName[]) {
      const [r, s] = await w.run(creds[a], REGION, `${a}-api`, 2);
      running[a] = r.InstanceId!;
      stopped[a] = s.InstanceId!;
      await w.stop(creds[a], REGION, s.InstanceId!);
      await w.bucket(creds[a], `${a}-matrix-logs`, REGION);
    }

    const cases: Case[] = [];
    for (const user of USERS)
      for (const channel of CHANNELS)
        for (const action of [...BUTTONS, ...COMMANDS])
          for (const account of Object.keys(ACCOUNTS) as AccountName[])
            cases.push({
              n: cases.length,
              user,
              channel,
              team: TEAM,
              action,
              account,
              refusal: expectedRefusal(user, channel, action, account),
            });
    // The lead, where everything is allowed, from another Slack workspace.
    for (const action of [...BUTTONS, ...COMMANDS])
      cases.push({
        n: cases.length,
        user: LEAD,
        channel: action.startsWith("ec2-st") || action === "s3-usage" ? "C0OPS" : "C0ALERTS",
        team: "T0OTHER",
        action,
        account: action === "ec2-stop" ? "data" : "payments",
        refusal: /this Slack workspace \(`T0OTHER`\) is not the one the guard serves/,
      });
    assert.ok(cases.length >= 200, `${cases.length} cases`);

    // Each click acts on a group of its own, open to the world on tcp 8443.
    for (const c of cases) {
      if (!(BUTTONS as readonly string[]).includes(c.action)) continue;
      const ec2 = w.ec2In(creds[c.account], REGION);
      c.groupId = (
        await ec2.send(new CreateSecurityGroupCommand({ GroupName: `matrix-${c.n}`, Description: "matrix" }))
      ).GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: c.groupId,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      // As the notifier records the alert it posts: the click carries a pointer to this record.
      c.value = await recordedValue({
        accountId: ACCOUNTS[c.account],
        region: REGION,
        kind: "security-group",
        eventName: "AuthorizeSecurityGroupIngress",
        groupId: c.groupId,
        permissions: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidr: "0.0.0.0/0" }],
      });
    }

    const url = (c: Case) => slack.url(`/matrix/${c.n}`);
    const now = Math.floor(Date.now() / 1000);
    const requests = cases.map((c) => {
      if ((BUTTONS as readonly string[]).includes(c.action)) {
        const payload = blockActionsPayload({
          actionId: ALERT_ACTIONS[c.action as (typeof BUTTONS)[number]],
          value: c.value!,
          responseUrl: url(c),
          userId: c.user,
        }) as Record<string, Record<string, unknown>>;
        payload.team.id = c.team;
        payload.user.team_id = c.team;
        payload.channel.id = c.channel;
        const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        return httpEvent({
          body,
          path: "/slack/interactions",
          requestId: `req-${c.n}`,
          headers: {
            "x-slack-request-timestamp": String(now),
            "x-slack-signature": sign(SECRET, String(now), body),
          },
        });
      }
      const text = {
        accounts: "accounts",
        "ec2-list": `ec2 list ${c.account} ${REGION}`,
        "ec2-console": `ec2 console ${running[c.account]} ${c.account} ${REGION}`,
        "ec2-start": `ec2 start ${running[c.account]} ${c.account} ${REGION}`,
        "ec2-stop": `ec2 stop ${stopped[c.account]} ${c.account} ${REGION}`,
        "s3-list": `s3 list ${c.account}`,
        "s3-usage": `s3 usage ${c.account}-matrix-logs ${c.account}`,
      }[c.action as (typeof COMMANDS)[number]];
      const body = new URLSearchParams({
        team_id: c.team,
        channel_id: c.channel,
        user_id: c.user,
        command: "/guard",
        text,
        response_url: url(c),
        trigger_id: "1.2.3",
      }).toString();
      return httpEvent({
        body,
        requestId: `req-${c.n}`,
        headers: {
          "x-slack-request-timestamp": String(now),
          "x-slack-signature": sign(SECRET, String(now), body),
        },
      });
    });

    const acked = await invokeDeployed(dirs[ACK], requests, {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_SIGNING_SECRET: SECRET,
      COMMAND_TOPIC_ARN: topic.topicArn,
      REPLAY_TABLE_NAME: "security-guard-chatops-requests",
    });
    assert.ok(
      acked.results.every((r) => r.ok && (r.value as { statusCode: number }).statusCode === 200),
      acked.stderr,
    );
    const published = (await topic.published()) as Array<{ responseUrl: string }>;
    assert.equal(published.length, cases.length);
    const byUrl = new Map(published.map((m) => [m.responseUrl, m]));
    const done = await invokeDeployed(
      dirs[WORKER],
      cases.map((c) => snsEvent([{ id: `m-${c.n}`, message: JSON.stringify(byUrl.get(url(c))) }])),
      { ...moto().env, LOCAL_RUN: "1" },
      { timeoutMs: 400_000 },
    );

    const wrong: string[] = [];
    const { mutes } = await listRuntimeMutes(
      new DynamoDBClient({ region: "us-east-1", credentials: hubCreds }),
      "security-guard-alert-mutes",
      Date.now(),
      (_what, call) => call(new AbortController().signal),
    );
    for (const c of cases) {
      const tag = `#${c.n} ${c.user} ${c.channel} ${c.team} ${c.action} ${c.account}`;
      const r = done.results[c.n];
      const outcome = r.ok
        ? (r.value as { results: Array<{ outcome: string }> }).results[0].outcome
        : r.error;
      const posts = slack.posts(`/matrix/${c.n}`) as Array<{ text?: string; response_type?: string }>;
      const last = posts[posts.length - 1];
      if (c.refusal) {
        if (outcome !== "denied") wrong.push(`${tag}: outcome ${outcome}, expected denied`);
        if (posts.length !== 1 || last?.response_type !== "ephemeral" || !c.refusal.test(String(last.text)))
          wrong.push(`${tag}: expected one ephemeral ${c.refusal}, got ${JSON.stringify(posts)}`);
      } else if (!(
        outcome === "ok" ||
        (ALREADY.includes(c.action) && /already \w+; nothing to do/.test(String(last?.text)))
      ))
        wrong.push(`${tag}: outcome ${outcome}: ${JSON.stringify(posts)}`);
      if (c.groupId) {
        const g = (
          await w
            .ec2In(creds[c.account], REGION)
            .send(new DescribeSecurityGroupsCommand({ GroupIds: [c.groupId] }))
        ).SecurityGroups![0];
        const open = (g.IpPermissions ?? []).some((p) =>
          (p.IpRanges ?? []).some((x) => x.CidrIp === "0.0.0.0/0"),
        );
        const exempt = (g.Tags ?? []).some(
          (t) => t.Key === DEFAULT_EXEMPT_TAG_KEY && exemptionActive(parseExemption(t.Value), Date.now()),
        );
        const muted = mutes.some((m) => m.rule.resources?.includes(c.groupId!));
        const want = {
          open: !(c.action === "revert" && !c.refusal),
          exempt: c.action === "exempt" && !c.refusal,
          muted: c.action === "mute" && !c.refusal,
        };
        if (open !== want.open || exempt !== want.exempt || muted !== want.muted)
          wrong.push(
            `${tag}: group ${JSON.stringify({ open, exempt, muted })}, expected ${JSON.stringify(want)}`,
          );
      }
    }
    assert.deepEqual(
      wrong,
      [],
      `${wrong.length} of ${cases.length} cases wrong:\n${wrong.slice(0, 40).join("\n")}`,
    );
    const refused = cases.filter((c) => c.refusal).length;
    assert.ok(refused > 100 && cases.length - refused > 50, `${refused} refused of ${cases.length}`);
  });
});
