// The ack under hung AWS dependencies: a loopback proxy in front of moto holds KMS Decrypt,
// DynamoDB PutItem or SNS Publish (test/handlers/remediator/faultProxy.ts), and the ack must still
// answer inside Slack's 3 s, say that nothing ran (or that the hand-off is unconfirmed), and log it.
import { strict as assert } from "assert";
import { ciphertextFor } from "../../../helpers/kms";
import { createAckHandler } from "../../../../handlers/chatops/ack";
import { useMoto } from "../../../helpers/moto";
import { withCapturedLogs } from "../../../helpers/logs";
import { createSeenTable } from "../../../helpers/seenTable";
import { TopicProbe, topicProbe } from "../../../../verify/topicProbe";
import { FaultProxy, startFaultProxy } from "../../remediator/faultProxy";
import { signedCommand } from "../events";

const SECRET = "0123456789abcdef0123456789abcdef";
const RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1/abc";
const TABLE = "security-guard-chatops-requests";
const FN = "security-guard-chatops-ack";

describe("chatops ack: every AWS call has a deadline inside Slack's 3 s", function () {
  this.timeout(60_000);
  const moto = useMoto();
  let commands: TopicProbe;
  let proxy: FaultProxy | undefined;

  beforeEach(async () => {
    await createSeenTable(TABLE);
    commands = await topicProbe("security-guard-chatops-commands");
  });
  afterEach(async () => {
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    await proxy?.close();
    proxy = undefined;
  });

  const encryptedSecret = () => ciphertextFor(FN, SECRET, "us-east-1");

  /** An ack whose AWS endpoint is the proxy holding `action`; plaintext secret unless `ciphertext`. */
  async function ackBehind(action: string, ciphertext?: string) {
    proxy = await startFaultProxy(moto().endpoint, [{ action, times: Infinity, hang: true }]);
    // The SDK clients read their endpoint from the process environment (as in Lambda).
    process.env.AWS_ENDPOINT_URL = proxy.url;
    const env: Record<string, string> = {
      ...moto().env,
      AWS_ENDPOINT_URL: proxy.url,
      COMMAND_TOPIC_ARN: commands.topicArn,
      REPLAY_TABLE_NAME: TABLE,
      AWS_LAMBDA_FUNCTION_NAME: FN,
      ...(ciphertext
        ? { SLACK_SIGNING_SECRET_CIPHERTEXT: ciphertext }
        : { LOCAL_RUN: "1", SLACK_SIGNING_SECRET: SECRET }),
    };
    return createAckHandler({ commandName: "/guard" }, env);
  }

  const request = (text = "ec2 list") =>
    signedCommand({
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000),
      text,
      responseUrl: RESPONSE_URL,
    });

  /** Invokes with a Lambda context of the deployed timeout (5 s); returns answer text, status, logs, time. */
  async function invoke(ack: ReturnType<typeof createAckHandler>, remainingMs = 5000) {
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => remainingMs - (Date.now() - started) };
    const { value, error, logs } = await withCapturedLogs(() => ack(request(), context));
    assert.equal(error, undefined);
    return {
      statusCode: value!.statusCode,
      text: JSON.parse(value!.body).text as string,
      logs,
      elapsedMs: Date.now() - started,
    };
  }

  it("KMS Decrypt of the signing secret held: answers in time that nothing was run, and logs it", async () => {
    const ack = await ackBehind("Decrypt", await encryptedSecret());
    const out = await invoke(ack);
    assert.equal(out.statusCode, 200);
    assert.match(
      out.text,
      /^Sorry, your command could not be checked in time \(KMS Decrypt did not answer within \d+ ms\); nothing was run\. Please try again \(request id req-1\)\.$/,
    );
    assert.ok(out.elapsedMs < 3000, `answered after ${out.elapsedMs} ms`);
    assert.deepEqual(
      out.logs.map((l) => [l.message, l.outcome]),
      [["chatops ack: signing secret unavailable", "not-run"]],
    );
    assert.match(String(out.logs[0].error), /DeadlineExceeded: KMS Decrypt did not answer/);
    assert.deepEqual(await commands.published(), []);
    assert.equal(proxy!.counts.Decrypt, 1);
  });

  it("DynamoDB PutItem (the replay check) held: nothing is queued, the user is told", async () => {
    const out = await invoke(await ackBehind("PutItem"));
    assert.match(
      out.text,
      /^Sorry, `ec2 list` was not run: the check for repeated requests did not answer in time \(DynamoDB PutItem did not answer within \d+ ms\)\. Please try again \(request id req-1\)\.$/,
    );
    assert.ok(out.elapsedMs < 3000, `answered after ${out.elapsedMs} ms`);
    assert.deepEqual(
      out.logs.map((l) => [l.message, l.outcome]),
      [["chatops ack: command not queued", "not-run"]],
    );
    assert.deepEqual(await commands.published(), []);
    assert.equal(proxy!.counts.Publish ?? 0, 0);
  });

  it("SNS Publish held: answers in time that the hand-off is unconfirmed (it may have reached SNS)", async () => {
    const out = await invoke(await ackBehind("Publish"));
    assert.match(
      out.text,
      /^Sorry, `ec2 list` could not be confirmed as handed to the worker in time \(SNS Publish did not answer within \d+ ms\)\. If it got through you will get its reply in a moment; otherwise nothing was run \(request id req-1\)\.$/,
    );
    assert.ok(out.elapsedMs < 3000, `answered after ${out.elapsedMs} ms`);
    assert.deepEqual(
      out.logs.map((l) => [l.message, l.outcome]),
      [["chatops ack: command hand-off unconfirmed", "unconfirmed"]],
    );
    assert.equal(proxy!.counts.Publish, 1);
    assert.deepEqual(await commands.published(), []);
  });

  it("budgets from the Lambda's remaining time when that is shorter than the answer budget", async () => {
    const out = await invoke(await ackBehind("Publish"), 900);
    // 900 ms left, 300 ms kept to answer and log: the call gets at most 600 ms.
    const ms = Number(/within (\d+) ms/.exec(out.text)?.[1]);
    assert.ok(ms > 0 && ms <= 600, out.text);
    assert.ok(out.elapsedMs < 900, `answered after ${out.elapsedMs} ms`);
  });
});
