import { strict as assert } from "assert";
import { ciphertextFor } from "../../../helpers/kms";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { helpText } from "../../../../handlers/chatops/shared/command";
import { useMoto } from "../../../helpers/moto";
import { createSeenTable } from "../../../helpers/seenTable";
import { TopicProbe, topicProbe } from "../../../../verify/topicProbe";
import { httpEvent, sign, signedCommand, SLACK_EXAMPLE } from "../events";

const SECRET = "0123456789abcdef0123456789abcdef";
const NOW = 1_800_000_000; // Unix seconds, the pinned clock
const RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1/abc";
const REPLAY_TABLE = "security-guard-chatops-requests";

describe("chatops ack handler", () => {
  const moto = useMoto();
  let topicArn: string;
  let commands: TopicProbe;

  beforeEach(async () => {
    await createSeenTable(REPLAY_TABLE);
    commands = await topicProbe("security-guard-chatops-commands");
    topicArn = commands.topicArn;
  });

  /** Messages the ack published to the command topic. */
  const published = () => commands.published();

  function handler(envOverrides: Record<string, string> = {}, nowSeconds = NOW) {
    const env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_SIGNING_SECRET: SECRET,
      COMMAND_TOPIC_ARN: topicArn,
      REPLAY_TABLE_NAME: REPLAY_TABLE,
      ...envOverrides,
    };
    return createAckHandler({ commandName: "/guard" }, env, { now: () => nowSeconds * 1000 });
  }

  const ephemeral = (text: string) => ({
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", text }),
  });
  const unauthorized = { statusCode: 401, headers: { "content-type": "text/plain" }, body: "" };

  it("accepts Slack's documented example at its time and answers its empty text with help", async () => {
    const ack = createAckHandler(
      {},
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret,
        COMMAND_TOPIC_ARN: topicArn,
      },
      {
        now: () => Number(SLACK_EXAMPLE.timestamp) * 1000,
      },
    );
    const event = httpEvent({
      body: SLACK_EXAMPLE.body,
      headers: {
        "X-Slack-Request-Timestamp": SLACK_EXAMPLE.timestamp,
        "X-Slack-Signature": SLACK_EXAMPLE.signature,
      },
    });
    assert.deepEqual(await ack(event), ephemeral(helpText("/webhook-collect")));
    assert.deepEqual(await published(), []);
    // The same request 301 s later is stale.
    const late = createAckHandler(
      {},
      { LOCAL_RUN: "1", SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret },
      {
        now: () => (Number(SLACK_EXAMPLE.timestamp) + 301) * 1000,
      },
    );
    assert.deepEqual(await late(event), unauthorized);
  });

  it("publishes a valid command to SNS with the documented message and replies that it is on its way", async () => {
    const res = await handler()(
      signedCommand({
        secret: SECRET,
        timestamp: NOW - 10,
        text: "ec2 list prod ap-northeast-2",
        responseUrl: RESPONSE_URL,
      }),
    );
    assert.deepEqual(res, ephemeral("Working on `ec2 list prod ap-northeast-2`…"));
    assert.deepEqual(await published(), [
      {
        version: 1,
        receivedAt: new Date(NOW * 1000).toISOString(),
        userId: "U0OPERATOR",
        userName: "alice",
        teamId: "T0001",
        channelId: "C0001",
        command: "/guard",
        text: "ec2 list prod ap-northeast-2",
        responseUrl: RESPONSE_URL,
      },
    ]);
  });

  it("verifies and parses a base64-encoded body (API Gateway isBase64Encoded)", async () => {
    const res = await handler()(
      signedCommand({
        secret: SECRET,
        timestamp: NOW,
        text: "s3 usage my-bucket",
        responseUrl: RESPONSE_URL,
        base64: true,
      }),
    );
    assert.deepEqual(res, ephemeral("Working on `s3 usage my-bucket`…"));
    const [msg] = (await published()) as Array<{ text: string }>;
    assert.equal(msg.text, "s3 usage my-bucket");
  });

  it("answers help and malformed commands itself without publishing", async () => {
    const ack = handler();
    assert.deepEqual(
      await ack(signedCommand({ secret: SECRET, timestamp: NOW, text: "help", responseUrl: RESPONSE_URL })),
      ephemeral(helpText("/guard")),
    );
    const bad = await ack(
      signedCommand({ secret: SECRET, timestamp: NOW, text: "ec2 start web-1", responseUrl: RESPONSE_URL }),
    );
    assert.deepEqual(
      bad,
      ephemeral(
        "Sorry, `web-1` is not an instance id (i- and 8 or 17 hex digits). Usage: `ec2 start <instance-id> [account] [region]`\n\n" +
          helpText("/guard"),
      ),
    );
    assert.deepEqual(await published(), []);
  });

  describe("rejects unverifiable requests with a bare 401 and publishes nothing", () => {
    const body =
      "user_id=U0OPERATOR&team_id=T0001&channel_id=C0001&command=%2Fguard&text=ec2+list&response_url=https%3A%2F%2Fhooks.slack.com%2Fx";
    const cases: Array<[string, Record<string, string>, string?]> = [
      [
        "tampered body",
        { "x-slack-request-timestamp": String(NOW), "x-slack-signature": "SIGN" },
        body.replace("ec2+list", "ec2+stop"),
      ],
      ["wrong secret", { "x-slack-request-timestamp": String(NOW), "x-slack-signature": "WRONG" }],
      ["stale timestamp", { "x-slack-request-timestamp": String(NOW - 301), "x-slack-signature": "SIGN" }],
      ["future timestamp", { "x-slack-request-timestamp": String(NOW + 301), "x-slack-signature": "SIGN" }],
      ["missing signature header", { "x-slack-request-timestamp": String(NOW) }],
      ["missing timestamp header", { "x-slack-signature": "SIGN" }],
      [
        "replayed signature with an altered timestamp",
        { "x-slack-request-timestamp": String(NOW), "x-slack-signature": "OLD" },
      ],
    ];
    for (const [what, headers, sentBody] of cases) {
      it(what, async () => {
        const ts = headers["x-slack-request-timestamp"] ?? String(NOW);
        const sig =
          headers["x-slack-signature"] === "SIGN"
            ? sign(SECRET, ts, body)
            : headers["x-slack-signature"] === "WRONG"
              ? sign("another-secret", ts, body)
              : headers["x-slack-signature"] === "OLD"
                ? sign(SECRET, String(NOW - 400), body)
                : undefined;
        const h: Record<string, string> = {};
        if (headers["x-slack-request-timestamp"]) h["x-slack-request-timestamp"] = ts;
        if (sig) h["x-slack-signature"] = sig;
        assert.deepEqual(await handler()(httpEvent({ body: sentBody ?? body, headers: h })), unauthorized);
        assert.deepEqual(await published(), []);
      });
    }
    it("an event that is not an HTTP request at all", async () => {
      assert.deepEqual(await handler()(null), unauthorized);
      assert.deepEqual(await handler()({ Records: [] }), unauthorized);
    });
  });

  it("decrypts the signing secret from KMS ciphertext with the LambdaFunctionName context once per container", async () => {
    const ciphertext = await ciphertextFor("security-guard-chatops-ack", SECRET, "us-east-1");
    const env = {
      ...moto().env,
      SLACK_SIGNING_SECRET_CIPHERTEXT: ciphertext,
      AWS_LAMBDA_FUNCTION_NAME: "security-guard-chatops-ack",
      COMMAND_TOPIC_ARN: topicArn,
      REPLAY_TABLE_NAME: REPLAY_TABLE,
    };
    const ack = createAckHandler({}, env, { now: () => NOW * 1000 });
    const res = await ack(
      signedCommand({ secret: SECRET, timestamp: NOW, text: "accounts", responseUrl: RESPONSE_URL }),
    );
    assert.deepEqual(res, ephemeral("Working on `accounts`…"));
    // Second call: the key is gone, so a second Decrypt would fail; the cached secret still verifies.
    await moto().reset();
    const again = await ack(
      signedCommand({ secret: SECRET, timestamp: NOW, text: "help", responseUrl: RESPONSE_URL }),
    );
    assert.deepEqual(again, ephemeral(helpText("/guard")));

    // Ciphertext for another function does not decrypt: a 500 with no detail, not a 401 or a pass.
    const other = createAckHandler(
      {},
      { ...env, AWS_LAMBDA_FUNCTION_NAME: "someone-else" },
      { now: () => NOW * 1000 },
    );
    assert.deepEqual(
      await other(signedCommand({ secret: SECRET, timestamp: NOW, text: "help", responseUrl: RESPONSE_URL })),
      {
        statusCode: 500,
        headers: { "content-type": "text/plain" },
        body: "",
      },
    );
  });

  it("rejects a plaintext secret outside local runs", async () => {
    const ack = createAckHandler(
      {},
      { ...moto().env, SLACK_SIGNING_SECRET: SECRET, COMMAND_TOPIC_ARN: topicArn },
      { now: () => NOW * 1000 },
    );
    const res = await ack(
      signedCommand({ secret: SECRET, timestamp: NOW, text: "help", responseUrl: RESPONSE_URL }),
    );
    assert.equal(res.statusCode, 500);
  });

  it("tells the user when the command could not be queued (no false success)", async () => {
    const ack = handler({ COMMAND_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:does-not-exist" });
    const res = await ack(
      signedCommand({
        secret: SECRET,
        timestamp: NOW,
        text: "ec2 stop i-0123456789abcdef0",
        responseUrl: RESPONSE_URL,
      }),
    );
    assert.deepEqual(
      res,
      ephemeral(
        "Sorry, `ec2 stop i-0123456789abcdef0` could not be handed to the worker; nothing was run. Please try again (request id req-1).",
      ),
    );
  });

  it("refuses another slash command, missing form fields and a non-https response_url", async () => {
    const local = handler();
    assert.deepEqual(
      await local(
        signedCommand({
          secret: SECRET,
          timestamp: NOW,
          text: "ec2 list",
          responseUrl: RESPONSE_URL,
          command: "/other",
        }),
      ),
      ephemeral("This endpoint serves `/guard`, not `/other`."),
    );
    const body = "user_id=U1&command=%2Fguard&text=ec2";
    assert.deepEqual(
      await local(
        httpEvent({
          body,
          headers: {
            "x-slack-request-timestamp": String(NOW),
            "x-slack-signature": sign(SECRET, String(NOW), body),
          },
        }),
      ),
      {
        statusCode: 400,
        headers: { "content-type": "text/plain" },
        body: "missing form fields: team_id, channel_id, response_url",
      },
    );
    assert.deepEqual(
      await local(
        signedCommand({
          secret: SECRET,
          timestamp: NOW,
          text: "ec2 list",
          responseUrl: "ftp://hooks.slack.com/x",
        }),
      ),
      {
        statusCode: 400,
        headers: { "content-type": "text/plain" },
        body: "response_url must use https (got ftp:)",
      },
    );
    assert.deepEqual(await published(), []);
  });
});
