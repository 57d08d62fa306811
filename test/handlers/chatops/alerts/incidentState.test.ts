// Mute and Acknowledge set the state of the incident the alert was posted in: the notifier (incidents
// on, alert records on) posts a world-open security-group alert; a signed click goes through the ack
// and the worker (moto: the hub's alert-actions role, the incidents and records tables); the worker
// finds the incident's key in the alert's record, marks the incident and, in app mode, rewrites its
// card with chat.update (Slack stand-in).
import { strict as assert } from "assert";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { createWorkerHandler, WorkerSettings } from "../../../../handlers/chatops/worker";
import { createNotifierHandler, NotifierSettings, SlackMessage } from "../../../../handlers/notifier";
import { incidentKey } from "../../../../handlers/notifier/incidents/key";
import type { Incident } from "../../../../handlers/notifier/incidents/state";
import { ALERT_ACTIONS } from "../../../../handlers/shared/alertActions";
import { storedKey } from "../../../../handlers/shared/seenStore";
import { useMoto } from "../../../helpers/moto";
import { createIncidentTable } from "../../../helpers/incidentTable";
import {
  ALERT_NOTIFIER,
  ALERT_WORKER,
  REPLAY_TABLE,
  SIGNING_SECRET,
  THREADS_TABLE,
  createAlertLoop,
} from "../../../helpers/alertLoop";
import { withCapturedLogs } from "../../../helpers/logs";
import { TEST_BOT_TOKEN, useSlackServer } from "../../../helpers/slackServer";
import type { TopicProbe } from "../../../../verify/topicProbe";
import { fixture } from "../../notifier/fixtures";
import { blockActionsPayload, signedInteraction, snsEvent } from "../events";
import * as w from "../world";

const INCIDENTS_TABLE = "security-guard-incidents";
const GROUP = "sg-0a1b2c3d4e5f60718";

const WEBHOOK_WORKER: WorkerSettings = {
  ...ALERT_WORKER,
  alertActions: {
    ...ALERT_WORKER.alertActions!,
    incidents: { tableName: INCIDENTS_TABLE, windowSeconds: 86_400 },
  },
};
const APP_WORKER: WorkerSettings = {
  ...WEBHOOK_WORKER,
  alertActions: { ...WEBHOOK_WORKER.alertActions!, threadTable: THREADS_TABLE },
};

const NOTIFIER: NotifierSettings = {
  ...ALERT_NOTIFIER,
  incidents: { tableName: INCIDENTS_TABLE, windowSeconds: 86_400 },
};
const APP_NOTIFIER: NotifierSettings = {
  ...NOTIFIER,
  app: { channels: { default: "C0ALERTS" }, threadTable: THREADS_TABLE, minPostIntervalMs: 0 },
};

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<Record<string, unknown>>;
};
const blocksOf = (m: { attachments?: unknown[] }) => (m.attachments as Array<{ blocks: Block[] }>)[0].blocks;

/** The CloudTrail event of opening tcp 8080 to the world on GROUP (the fixture, retargeted). */
function openedEvent(eventId: string): Record<string, unknown> {
  const e = structuredClone(
    fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
  ) as { id: string; detail: { eventID: string; requestParameters: Record<string, unknown> } };
  e.id = eventId;
  e.detail.eventID = eventId;
  e.detail.requestParameters = {
    groupId: GROUP,
    ipPermissions: {
      items: [
        { ipProtocol: "tcp", fromPort: 8080, toPort: 8080, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } },
      ],
    },
  };
  return e;
}

async function storedIncident(): Promise<Incident[]> {
  const ddb = new DynamoDBClient({ region: "us-east-1" });
  try {
    const key = incidentKey({ resource: { uid: GROUP, account: w.PROD, region: w.SEOUL } } as never);
    const out = await ddb.send(
      new GetItemCommand({
        TableName: INCIDENTS_TABLE,
        Key: { id: { S: storedKey(`incident#${key}`) } },
        ConsistentRead: true,
      }),
    );
    return out.Item?.incident?.S ? [JSON.parse(out.Item.incident.S) as Incident] : [];
  } finally {
    ddb.destroy();
  }
}

describe("Mute and Acknowledge set the alert's incident's state (moto, Slack stand-in)", function () {
  this.timeout(30_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let commands: TopicProbe;
  let n = 0;

  beforeEach(async () => {
    commands = await createAlertLoop();
    await createIncidentTable(INCIDENTS_TABLE);
  });

  const appEnv = () => ({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() });

  async function notify(settings: NotifierSettings, event: unknown): Promise<void> {
    const env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }),
      ...appEnv(),
    };
    await withCapturedLogs(() => createNotifierHandler(settings, env)(event, { awsRequestId: `req-${++n}` }));
  }

  /** Clicks `action` on `alert`: the ack, then the worker on what the ack published. */
  async function click(
    alert: { attachments?: unknown[] },
    action: keyof typeof ALERT_ACTIONS,
    settings: WorkerSettings,
  ) {
    const responsePath = `/actions/T0001/${++n}/token`;
    const actions = blocksOf(alert).find((b) => b.block_id === "guard_alert_actions");
    const button = actions!.elements!.find((e) => e.action_id === ALERT_ACTIONS[action])!;
    const request = signedInteraction({
      secret: SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      payload: blockActionsPayload({
        actionId: ALERT_ACTIONS[action],
        value: button.value as string,
        responseUrl: slack.url(responsePath),
        message: alert,
      }),
    });
    const ack = createAckHandler(
      { commandName: "/guard" },
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        COMMAND_TOPIC_ARN: commands.topicArn,
        REPLAY_TABLE_NAME: REPLAY_TABLE,
      },
    );
    await withCapturedLogs(() => ack(request));
    const published = await commands.published();
    assert.equal(published.length, 1, "the ack published the click");
    const worker = createWorkerHandler(settings, { env: { ...process.env, LOCAL_RUN: "1", ...appEnv() } });
    const run = await withCapturedLogs(() =>
      worker(snsEvent(published.map((m, i) => ({ id: `msg-${n}-${i}`, message: JSON.stringify(m) })))),
    );
    const line = run.logs.find((l) => l.message === "chatops alert action")!;
    return { line, responses: slack.posts(responsePath) as Array<Record<string, unknown>> };
  }

  it("app mode: Acknowledge in the card's thread marks the incident and rewrites its card; later signals stay in the thread", async () => {
    await notify(APP_NOTIFIER, openedEvent("11111111-1111-4111-8111-111111111111"));
    const top = () => slack.messages("C0ALERTS").filter((m) => m.thread_ts === undefined);
    assert.equal(top().length, 1, "one card");
    const card = top()[0];
    const [reply] = slack.threadReplies("C0ALERTS", card.ts);
    assert.ok(reply, "the alert is in the card's thread");
    const updatesBefore = slack.apiCalls("chat.update").length;

    const { line, responses } = await click(reply, "acknowledge", APP_WORKER);
    assert.equal(line.outcome, "ok");
    assert.equal(line.incidentState, "set, card updated");
    assert.match(JSON.stringify(responses[0]), /Acknowledged by <@U0OPERATOR> at /);

    const [incident] = await storedIncident();
    assert.equal(incident.state, "acknowledged");
    assert.equal(incident.stateBy, "alice (U0OPERATOR)");
    assert.equal(line.incident, incident.key, "the key came from the alert's record");

    const updates = slack.apiCalls("chat.update").slice(updatesBefore);
    assert.deepEqual(
      updates.map((c) => [c.args.channel, c.args.ts]),
      [["C0ALERTS", card.ts]],
    );
    assert.match(blocksOf(top()[0])[0].text!.text, /^Acknowledged: /);
    assert.match(JSON.stringify(blocksOf(top()[0])), /:eyes: Acknowledged by alice \(U0OPERATOR\)/);

    // A later signal about the same group joins the acknowledged incident: a reply, no new card.
    await notify(APP_NOTIFIER, openedEvent("22222222-2222-4222-8222-222222222222"));
    assert.equal(top().length, 1, "still one top-level message");
    const replies = slack.threadReplies("C0ALERTS", card.ts);
    assert.equal(replies.length, 2, "the first alert and the later one, in the card's thread");
    assert.match(replies[1].text!, /AuthorizeSecurityGroupIngress/);
    assert.match(blocksOf(top()[0])[0].text!.text, /^Acknowledged: /);
    const [after] = await storedIncident();
    assert.deepEqual([after.state, after.signals], ["acknowledged", 2]);
  });

  it("webhook mode: Mute marks the incident muted; the clicked message is the only thing updated", async () => {
    await notify(NOTIFIER, openedEvent("33333333-3333-4333-8333-333333333333"));
    const [alert] = slack.posts("/services/alerts") as SlackMessage[];
    const { line, responses } = await click(alert as never, "mute", WEBHOOK_WORKER);
    assert.equal(line.outcome, "ok");
    assert.equal(line.incidentState, "set");
    assert.equal(responses[0].replace_original, true);
    assert.match(JSON.stringify(responses[0]), /Muted until /);
    const [incident] = await storedIncident();
    assert.equal(incident.state, "muted");
    assert.equal(incident.stateBy, "alice (U0OPERATOR)");
    assert.deepEqual(slack.apiCalls("chat.update"), []);
  });

  it("an alert posted outside any incident changes no incident", async () => {
    await notify({ ...NOTIFIER, incidents: undefined }, openedEvent("44444444-4444-4444-8444-444444444444"));
    const [alert] = slack.posts("/services/alerts") as SlackMessage[];
    const { line } = await click(alert as never, "acknowledge", WEBHOOK_WORKER);
    assert.equal(line.outcome, "ok");
    assert.equal(line.incidentState, undefined);
    assert.deepEqual(await storedIncident(), []);
  });
});
