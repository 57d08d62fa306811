// Replays: Slack signs each request once, so the same signature and timestamp seen again within
// the 5-minute window is a replay. The ack records each request in DynamoDB (moto) with a
// conditional put; a repeat is answered "already received" and nothing is queued, across
// containers and for concurrent deliveries.
import { strict as assert } from "assert";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { useMoto } from "../../../helpers/moto";
import { withCapturedLogs } from "../../../helpers/logs";
import { createSeenTable } from "../../../helpers/seenTable";
import { TopicProbe, topicProbe } from "../../../../verify/topicProbe";
import { FaultProxy, startFaultProxy } from "../../remediator/faultProxy";
import { signedCommand } from "../events";

const SECRET = "0123456789abcdef0123456789abcdef";
const NOW = 1_800_000_000;
const RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1/abc";
const TABLE = "security-guard-chatops-requests";

describe("chatops ack: replayed requests are refused (DynamoDB conditional put, moto)", () => {
  const moto = useMoto();
  let commands: TopicProbe;
  let clock = NOW * 1000;

  beforeEach(async () => {
    clock = NOW * 1000;
    await createSeenTable(TABLE);
    commands = await topicProbe("security-guard-chatops-commands");
  });

  /** A new container (its own clients and caches). */
  const container = () =>
    createAckHandler(
      { commandName: "/guard" },
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SECRET,
        COMMAND_TOPIC_ARN: commands.topicArn,
        REPLAY_TABLE_NAME: TABLE,
      },
      { now: () => clock },
    );
  const textOf = (res: { body: string }) => JSON.parse(res.body).text as string;
  const stop = signedCommand({
    secret: SECRET,
    timestamp: NOW,
    text: "ec2 stop i-0123456789abcdef0",
    responseUrl: RESPONSE_URL,
  });
  const ALREADY =
    "`ec2 stop i-0123456789abcdef0` was already received; this repeat of the same request was not run again.";

  it("queues a request once; the same request again (another container, later in the window) is refused", async () => {
    assert.equal(textOf(await container()(stop)), "Working on `ec2 stop i-0123456789abcdef0`…");
    clock += 299_000; // still inside the 5-minute window: the signature alone would pass
    const { value, logs } = await withCapturedLogs(() => container()(stop));
    assert.equal(value!.statusCode, 200);
    assert.equal(textOf(value!), ALREADY);
    assert.deepEqual(
      logs.map((l) => [l.message, l.outcome, l.eventId, l.userId]),
      [["chatops ack: replayed request refused", "replay", "req-1", "U0OPERATOR"]],
    );
    const queued = (await commands.published()) as Array<{ text: string }>;
    assert.deepEqual(
      queued.map((m) => m.text),
      ["ec2 stop i-0123456789abcdef0"],
    );
    // Past the window the signature check refuses it anyway; the record expires then (TTL).
    clock += 2_000;
    assert.equal((await container()(stop)).statusCode, 401);
    const ddb = new DynamoDBClient({ region: "us-east-1" });
    const items = (await ddb.send(new ScanCommand({ TableName: TABLE }))).Items!;
    ddb.destroy();
    assert.equal(items.length, 1);
    assert.match(items[0].id.S!, /^slack-command:1800000000:v0=[0-9a-f]{64}$/);
    assert.deepEqual(items[0].expiresAt, { N: String(NOW + 301) });
  });

  it("a new request with the same text (a new timestamp and signature) is queued", async () => {
    const ack = container();
    assert.equal(textOf(await ack(stop)), "Working on `ec2 stop i-0123456789abcdef0`…");
    const again = signedCommand({
      secret: SECRET,
      timestamp: NOW + 1,
      text: "ec2 stop i-0123456789abcdef0",
      responseUrl: RESPONSE_URL,
    });
    assert.equal(textOf(await ack(again)), "Working on `ec2 stop i-0123456789abcdef0`…");
    assert.equal((await commands.published()).length, 2);
  });

  it("two concurrent deliveries of the same request: exactly one is queued, the other refused", async () => {
    // Both PutItem calls are in flight at once (the proxy holds the first until the second
    // arrives), and reach moto one after the other: moto's conditional put takes no lock, so a race
    // inside the emulator could let both succeed, which DynamoDB never does.
    let waiting: (() => void) | undefined;
    const pair = () =>
      new Promise<void>((resolve) => {
        if (waiting) {
          waiting();
          waiting = undefined;
          resolve();
        } else waiting = resolve;
      });
    let proxy: FaultProxy | undefined;
    try {
      proxy = await startFaultProxy(moto().endpoint, [
        { action: "PutItem", times: Infinity, before: pair, serialize: true },
      ]);
      process.env.AWS_ENDPOINT_URL = proxy.url;
      await concurrentRounds();
      assert.equal(proxy.counts.PutItem, 10);
    } finally {
      process.env.AWS_ENDPOINT_URL = moto().endpoint;
      await proxy?.close();
    }
  });

  async function concurrentRounds(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const req = signedCommand({
        secret: SECRET,
        timestamp: NOW + round,
        text: `ec2 list prod`,
        responseUrl: RESPONSE_URL,
      });
      const answers = (await Promise.all([container()(req), container()(req)])).map(textOf).sort();
      assert.deepEqual(answers, [
        "Working on `ec2 list prod`…",
        "`ec2 list prod` was already received; this repeat of the same request was not run again.",
      ]);
      assert.equal((await commands.published()).length, 1, `round ${round}`);
    }
  }

  it("without the table setting nothing is queued and the user is told", async () => {
    const ack = createAckHandler(
      { commandName: "/guard" },
      { ...moto().env, LOCAL_RUN: "1", SLACK_SIGNING_SECRET: SECRET, COMMAND_TOPIC_ARN: commands.topicArn },
      { now: () => clock },
    );
    const { value, logs } = await withCapturedLogs(() => ack(stop));
    assert.equal(
      textOf(value!),
      "Sorry, `ec2 stop i-0123456789abcdef0` was not run: it could not be handed to the worker. Please try again (request id req-1).",
    );
    assert.match(String(logs[0].error), /REPLAY_TABLE_NAME is not set/);
    assert.deepEqual(await commands.published(), []);
  });
});
