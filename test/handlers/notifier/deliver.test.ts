// Delivery against the local Slack-compatible server: success, retry on 5xx / timeout / connection
// error, 429 Retry-After, no retry on other 4xx, give up and throw.
import { strict as assert } from "assert";
import {
  DeliveryError,
  DeliveryOptions,
  backoff,
  parseRetryAfter,
  postMessage,
} from "../../../handlers/notifier/deliver";
import { SlackMessage } from "../../../handlers/notifier";
import { useSlackServer } from "../../helpers/slackServer";
import { freePort } from "../../helpers/moto";
import { captureLogs } from "../../helpers/logs";

const MSG: SlackMessage = {
  text: "hello",
  attachments: [{ color: "#9E9E9E", blocks: [{ type: "section", text: { type: "mrkdwn", text: "hi" } }] }],
};

describe("notifier delivery (local Slack server)", () => {
  const slack = useSlackServer();
  let sleeps: number[];
  let opts: DeliveryOptions;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    sleeps = [];
    opts = {
      maxAttempts: 3,
      baseDelayMs: 10,
      timeoutMs: 300,
      maxRetryAfterSeconds: 30,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it("posts the message as JSON once when Slack answers 200", async () => {
    const out = await postMessage(slack.url("/services/A"), MSG, opts, { eventId: "e1" });
    assert.deepEqual(out, { attempts: 1, status: 200 });
    assert.equal(slack.requests.length, 1);
    assert.equal(slack.requests[0].method, "POST");
    assert.equal(slack.requests[0].path, "/services/A");
    assert.match(String(slack.requests[0].headers["content-type"]), /^application\/json/);
    assert.deepEqual(slack.requests[0].json, MSG);
    assert.deepEqual(sleeps, []);
  });

  it("retries 5xx with exponential backoff and logs each retry with the event id", async () => {
    slack.reply({ status: 500, body: "rollup_error" }, { status: 503 });
    const out = await postMessage(slack.url(), MSG, opts, { eventId: "e2" });
    assert.equal(out.attempts, 3);
    assert.deepEqual(sleeps, [10, 20]);
    assert.deepEqual(slack.delivered().length, 1);
    assert.deepEqual(
      logs.lines.map((l) => [l.level, l.message, l.eventId, l.attempt, l.error]),
      [
        ["warn", "Slack post failed, retrying", "e2", 1, "Slack answered 500: rollup_error"],
        ["warn", "Slack post failed, retrying", "e2", 2, "Slack answered 503: error"],
      ],
    );
  });

  it("waits exactly the Retry-After Slack sends on 429", async () => {
    slack.reply({ status: 429, headers: { "Retry-After": "7" }, body: "rate_limited" });
    const out = await postMessage(slack.url(), MSG, opts, {});
    assert.equal(out.attempts, 2);
    assert.deepEqual(sleeps, [7000]);
  });

  it("really sleeps for Retry-After (real timer, 1 s) before the next request", async () => {
    slack.reply({ status: 429, headers: { "Retry-After": "1" } });
    const real: DeliveryOptions = { ...opts, sleep: undefined };
    await postMessage(slack.url(), MSG, real, {});
    assert.equal(slack.requests.length, 2);
    assert.ok(
      slack.requests[1].receivedAt - slack.requests[0].receivedAt >= 990,
      "second request came after Retry-After",
    );
  });

  it("429s with an acceptable Retry-After do not use up maxAttempts (a burst shares one webhook)", async () => {
    const limited = { status: 429, headers: { "Retry-After": "1" }, body: "rate_limited" };
    slack.reply(limited, limited, limited, limited, limited);
    const out = await postMessage(slack.url(), MSG, opts, {});
    assert.equal(out.attempts, 6, "5 rate-limited answers, then delivered, with maxAttempts 3");
    assert.deepEqual(sleeps, [1000, 1000, 1000, 1000, 1000]);
    // Other failures still count: 429, 500, 500, 500 gives up after the third error.
    slack.reset();
    sleeps.length = 0;
    slack.reply(limited, { status: 500 }, { status: 500 }, { status: 500 });
    await assert.rejects(postMessage(slack.url(), MSG, opts, {}), {
      name: "DeliveryError",
      message: /^gave up after 4 attempt\(s\): Slack answered 500/,
    });
  });

  it("gives up at once when Retry-After exceeds maxRetryAfterSeconds", async () => {
    slack.reply({ status: 429, headers: { "Retry-After": "120" } });
    await assert.rejects(postMessage(slack.url(), MSG, opts, {}), (err: DeliveryError) => {
      assert.equal(err.name, "DeliveryError");
      assert.equal(err.status, 429);
      assert.equal(err.attempts, 1);
      assert.match(err.message, /Retry-After 120 s exceeds maxRetryAfterSeconds 30/);
      return true;
    });
    assert.equal(slack.requests.length, 1);
  });

  it("times out a hanging request and retries", async () => {
    slack.reply({ hang: true });
    const out = await postMessage(slack.url(), MSG, opts, {});
    assert.equal(out.attempts, 2);
    assert.equal(slack.requests.length, 2);
    assert.match(String(logs.lines[0].error), /^timed out/);
  });

  it("does not retry a 4xx other than 429, and says why", async () => {
    slack.reply({ status: 404, body: "no_service" });
    await assert.rejects(postMessage(slack.url(), MSG, opts, {}), {
      name: "DeliveryError",
      message: "Slack answered 404: no_service (not retried: a 404 will not change on retry)",
    });
    assert.equal(slack.requests.length, 1);
  });

  it("gives up after maxAttempts of 500 and throws with the last error", async () => {
    slack.reply({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await assert.rejects(postMessage(slack.url(), MSG, opts, {}), {
      name: "DeliveryError",
      message: "gave up after 3 attempt(s): Slack answered 500: error",
    });
    assert.equal(slack.requests.length, 3);
    assert.equal(slack.delivered().length, 0);
  });

  it("retries connection errors, then throws naming the error", async () => {
    const port = await freePort();
    await assert.rejects(
      postMessage(`http://127.0.0.1:${port}/services/X`, MSG, opts, {}),
      /gave up after 3 attempt\(s\): ECONNREFUSED/,
    );
    assert.deepEqual(sleeps, [10, 20]);
  });

  it("stops retrying when the Lambda has too little time left", async () => {
    slack.reply({ status: 500 });
    await assert.rejects(
      postMessage(slack.url(), MSG, { ...opts, remainingMs: () => 500 }, {}),
      /not enough Lambda time left \(500 ms\)/,
    );
    assert.equal(slack.requests.length, 1);
  });

  it("parses Retry-After seconds and HTTP dates; backoff is capped and jittered", () => {
    assert.equal(parseRetryAfter("3"), 3);
    assert.equal(
      parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1)),
      10,
    );
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(
      backoff(1, 100, () => 0),
      50,
    );
    assert.equal(
      backoff(3, 100, () => 1),
      400,
    );
    assert.equal(
      backoff(30, 100, () => 1),
      20_000,
    );
  });
});
