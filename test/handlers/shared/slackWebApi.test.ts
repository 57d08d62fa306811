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

  it("passes each Retry-After to onRetryAfter before waiting it, and before giving up on one too long", async () => {
    const told: number[] = [];
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    slack.replyTo("chat.postMessage", { slackError: "ratelimited", retryAfter: 2 });
    const { attempts } = await callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, {
      ...opts(),
      sleep,
      onRetryAfter: (ms) => told.push(ms),
    });
    assert.equal(attempts, 2);
    assert.deepEqual(told, [2000]);
    assert.deepEqual(slept, [2000], "waited exactly the Retry-After");
    slack.replyTo("chat.postMessage", { slackError: "ratelimited", retryAfter: 30 });
    await assert.rejects(
      callSlackApi("chat.postMessage", TEST_BOT_TOKEN, post, {
        ...opts(),
        sleep,
        onRetryAfter: (ms) => told.push(ms),
      }),
      /Retry-After 30 s exceeds 2 s, giving up/,
    );
    assert.deepEqual(told, [2000, 30_000]);
    assert.deepEqual(slept, [2000], "nothing more waited");
  });

  describe("channelPacer", () => {
    let clock: number;
    let slept: number[];
    const sleep = async (ms: number) => {
      slept.push(ms);
      clock += ms;
    };
    beforeEach(() => {
      clock = 5000;
      slept = [];
    });

    it("lets a burst through at once, then one post per interval, per channel", async () => {
      const pacer = channelPacer({ burst: 3, intervalMs: 1000 }, () => clock);
      for (let i = 0; i < 3; i++) await pacer.take("C1", sleep);
      assert.deepEqual(slept, [], "the burst does not wait");
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, [1000], "the fourth waits for one token");
      clock += 400;
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, [1000, 600], "the next token is 1000 ms after the previous one");
      await pacer.take("C2", sleep);
      assert.deepEqual(slept, [1000, 600], "another channel has its own budget");
    });

    it("refills one token per interval up to the burst, no more", async () => {
      const pacer = channelPacer({ burst: 3, intervalMs: 1000 }, () => clock);
      for (let i = 0; i < 3; i++) await pacer.take("C1", sleep);
      clock += 1500;
      await pacer.take("C1", sleep);
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, [500], "1.5 tokens refilled: one at once, the next after 500 ms");
      clock += 60_000;
      for (let i = 0; i < 3; i++) await pacer.take("C1", sleep);
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, [500, 1000], "a long pause refills the burst only");
    });

    it("posts waiting at the same time queue one interval apart", async () => {
      const pacer = channelPacer({ burst: 1, intervalMs: 1000 }, () => clock);
      const waits: number[] = [];
      const noClock = async (ms: number) => void waits.push(ms);
      await Promise.all([pacer.take("C1", noClock), pacer.take("C1", noClock), pacer.take("C1", noClock)]);
      assert.deepEqual(waits, [1000, 2000]);
    });

    it("after a 429, the channel's next post waits the Retry-After and one interval", async () => {
      const pacer = channelPacer({ burst: 3, intervalMs: 1000 }, () => clock);
      await pacer.take("C1", sleep);
      pacer.rateLimited("C1", 5000);
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, [6000], "the retried post (at +5000 ms) used the budget it took");
      await pacer.take("C2", sleep);
      assert.deepEqual(slept, [6000], "other channels are not held back");
      clock += 3000;
      for (let i = 0; i < 4; i++) await pacer.take("C1", sleep);
      assert.deepEqual(slept, [6000, 1000], "then it refills as before: a burst of 3, then 1 s");
    });

    it("an interval of 0 never waits", async () => {
      const pacer = channelPacer({ burst: 1, intervalMs: 0 }, () => clock);
      for (let i = 0; i < 10; i++) await pacer.take("C1", sleep);
      pacer.rateLimited("C1", 0);
      await pacer.take("C1", sleep);
      assert.deepEqual(slept, []);
    });
  });
});
