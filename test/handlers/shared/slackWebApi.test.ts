// The Web API client against the Slack stand-in: what counts as success, what is retried, and that
// every failure names the method and Slack's error.
import { strict as assert } from "assert";
import { SlackApiOptions, callSlackApi, channelPacer } from "../../../handlers/shared/slackWebApi";
import { postThreadReply } from "../../../handlers/shared/alertThreads";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import { captureLogs } from "../../helpers/logs";

describe("Slack Web API client (handlers/shared/slackWebApi.ts)", () => {
  const slack = useSlackServer();
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());
  const opts = (): SlackApiOptions => ({
    baseUrl: slack.apiUrl(),
    maxAttempts: 3,
    baseDelayMs: 5,
    timeoutMs: 300,
    maxRetryAfterSeconds: 2,
  });
  const post = { channel: "C0ALERTS", text: "hello" };

  it("resolves with Slack's answer and the attempts on ok:true", async () => {
    const { body, attempts } = await callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, opts());
    assert.equal(body.ok, true);
    assert.equal(body.channel, "C0ALERTS");
    assert.equal(attempts, 1);
  });

  it("retries 5xx and a server that never answers, then names what went wrong", async () => {
    slack.replyTo("chat.postMessage", { status: 503 }, { hang: true });
    const { attempts } = await callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, opts());
    assert.equal(attempts, 3);
    assert.deepEqual(
      logs.lines.map((l) => l.error),
      ["Slack answered 503", "timed out after 300 ms"],
      "each retry is logged with its reason",
    );
    slack.reset();
    slack.replyTo("chat.postMessage", { status: 500 }, { status: 502 }, { hang: true });
    await assert.rejects(callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, opts()), (err: Error) => {
      assert.equal(err.name, "SlackApiError");
      assert.match(err.message, /^chat.postMessage: gave up after 3 attempt\(s\): timed out after 300 ms$/);
      return true;
    });
  });

  it("a 200 that is not JSON is a failure, not a success, and is not retried", async () => {
    slack.replyTo("chat.postMessage", { status: 200, body: "ok" });
    await assert.rejects(
      callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, opts()),
      /chat.postMessage: Slack answered 200 with a body that is not a JSON object: ok \(not retried/,
    );
    assert.equal(slack.apiCalls().length, 1);
  });

  it("ok:false carries Slack's error on the thrown error", async () => {
    await assert.rejects(callSlackApi("chat.postMessage", "xoxb-wrong", post, opts()), (err: Error) => {
      assert.equal((err as Error & { slackError?: string }).slackError, "invalid_auth");
      assert.equal((err as Error & { attempts?: number }).attempts, 1);
      return true;
    });
  });

  it("postThreadReply posts in the thread and returns the reply's ts", async () => {
    const { body } = await callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, opts());
    const ts = await postThreadReply(
      TEST_BOT_TOKEN,
      { channel: "C0ALERTS", ts: String(body.ts) },
      { text: "Reverted by <@U2CERLKJA>" },
      opts(),
    );
    const [reply] = slack.threadReplies("C0ALERTS", String(body.ts));
    assert.equal(reply.ts, ts);
    assert.equal(reply.text, "Reverted by <@U2CERLKJA>");
  });

  it("the pacer waits out the interval after a channel's last post, per channel", async () => {
    let clock = 1000;
    const slept: number[] = [];
    const pacer = channelPacer(1000, () => clock);
    const sleep = async (ms: number) => {
      slept.push(ms);
      clock += ms;
    };
    await pacer.wait("C1", sleep);
    pacer.done("C1");
    clock += 300;
    await pacer.wait("C1", sleep);
    await pacer.wait("C2", sleep);
    assert.deepEqual(slept, [700]);
  });
});
