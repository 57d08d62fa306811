// The Slack stand-in's Web API answers as Slack documents them (https://api.slack.com/web): the
// notifier's app-mode tests rely on these answers, so a stand-in that said ok to everything would
// make them pass for the wrong reason.
import { strict as assert } from "assert";
import { TEST_BOT_TOKEN, useSlackServer } from "./slackServer";

describe("Slack stand-in: Web API", () => {
  const slack = useSlackServer();

  async function call(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined = TEST_BOT_TOKEN,
  ): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
    const res = await fetch(`${slack.apiUrl()}${method}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(args),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  it("chat.postMessage stores the message and answers its channel and ts; replies go to the thread", async () => {
    const first = await call("chat.postMessage", { channel: "C0ALERTS", text: "hello", blocks: [] });
    assert.equal(first.status, 200);
    assert.equal(first.body.ok, true);
    assert.equal(first.body.channel, "C0ALERTS");
    assert.match(String(first.body.ts), /^\d{10}\.\d{6}$/);
    const reply = await call("chat.postMessage", {
      channel: "C0ALERTS",
      text: "follow-up",
      thread_ts: first.body.ts,
    });
    assert.equal(reply.body.ok, true);
    assert.notEqual(reply.body.ts, first.body.ts);
    assert.deepEqual(
      slack.threadReplies("C0ALERTS", String(first.body.ts)).map((m) => m.text),
      ["follow-up"],
    );
    assert.deepEqual(
      slack.apiCalls("chat.postMessage").map((c) => c.args.text),
      ["hello", "follow-up"],
    );
    assert.equal(slack.apiCalls()[0].token, TEST_BOT_TOKEN);
  });

  it("chat.update replaces the message's text and blocks and keeps the earlier version", async () => {
    const posted = await call("chat.postMessage", { channel: "C0ALERTS", text: "opened" });
    const updated = await call("chat.update", {
      channel: "C0ALERTS",
      ts: posted.body.ts,
      text: "closed",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "closed" } }],
    });
    assert.deepEqual(updated.body, { ok: true, channel: "C0ALERTS", ts: posted.body.ts, text: "closed" });
    const [message] = slack.messages("C0ALERTS");
    assert.equal(message.text, "closed");
    assert.equal(message.blocks?.length, 1);
    assert.deepEqual(message.history, [{ text: "opened", blocks: undefined, attachments: undefined }]);
    const missing = await call("chat.update", { channel: "C0ALERTS", ts: "1.000001", text: "x" });
    assert.deepEqual(missing.body, { ok: false, error: "message_not_found" });
  });

  it("answers failures with HTTP 200 and ok:false, as Slack does", async () => {
    assert.deepEqual((await call("chat.postMessage", { channel: "C0ALERTS", text: "x" }, "")).body, {
      ok: false,
      error: "not_authed",
    });
    const bad = await call("chat.postMessage", { channel: "C0ALERTS", text: "x" }, "xoxb-wrong");
    assert.equal(bad.status, 200);
    assert.deepEqual(bad.body, { ok: false, error: "invalid_auth" });
    slack.webApi({ channels: ["C0KNOWN"] });
    assert.deepEqual((await call("chat.postMessage", { channel: "C0ALERTS", text: "x" })).body, {
      ok: false,
      error: "channel_not_found",
    });
    assert.deepEqual((await call("chat.postMessage", { channel: "C0KNOWN" })).body, {
      ok: false,
      error: "no_text",
    });
    const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" }));
    assert.deepEqual((await call("chat.postMessage", { channel: "C0KNOWN", blocks: tooMany })).body, {
      ok: false,
      error: "invalid_blocks",
    });
    assert.deepEqual((await call("chat.nope", { channel: "C0KNOWN" })).body, {
      ok: false,
      error: "unknown_method",
    });
    assert.equal(slack.messages("C0KNOWN").length, 0);
  });

  it("scripted per method: ratelimited is a 429 with Retry-After; other methods are unaffected", async () => {
    slack.replyTo("chat.postMessage", { slackError: "ratelimited", retryAfter: 3 });
    const limited = await call("chat.postMessage", { channel: "C0ALERTS", text: "x" });
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfter, "3");
    assert.deepEqual(limited.body, { ok: false, error: "ratelimited" });
    assert.equal((await call("chat.postMessage", { channel: "C0ALERTS", text: "x" })).body.ok, true);
    assert.equal(slack.messages("C0ALERTS").length, 1);
  });

  it("enforces chat.postMessage's per-channel rate limit when limit() is set", async () => {
    slack.limit({ perSecond: 1, burst: 1 });
    const a = await call("chat.postMessage", { channel: "C0ONE", text: "1" });
    const b = await call("chat.postMessage", { channel: "C0ONE", text: "2" });
    const c = await call("chat.postMessage", { channel: "C0TWO", text: "3" });
    assert.deepEqual(
      [a.status, b.status, c.status],
      [200, 429, 200],
      "the second post to the same channel is limited, another channel is not",
    );
    assert.equal(b.retryAfter, "1");
  });

  it("views.open records the view for a trigger once; refuses a missing trigger, a bad view and a bad token", async () => {
    const view = {
      type: "modal",
      callback_id: "cb",
      title: { type: "plain_text", text: "Title" },
      submit: { type: "plain_text", text: "Go" },
      private_metadata: "meta",
      blocks: [{ type: "input", block_id: "b", element: { type: "plain_text_input", action_id: "a" } }],
    };
    const opened = await call("views.open", { trigger_id: "1.2.3", view: JSON.stringify(view) });
    assert.equal(opened.body.ok, true);
    assert.deepEqual(slack.views, [{ id: "V00000001", trigger_id: "1.2.3", view }]);
    assert.deepEqual((opened.body.view as Record<string, unknown>).private_metadata, "meta");
    const again = await call("views.open", { trigger_id: "1.2.3", view });
    assert.deepEqual(again.body, { ok: false, error: "exchanged_trigger_id" });
    assert.deepEqual((await call("views.open", { view })).body, {
      ok: false,
      error: "invalid_arguments",
      response_metadata: { messages: ["trigger_id"] },
    });
    const bad = [
      { ...view, title: { type: "plain_text", text: "A title longer than 24 chars" } },
      { ...view, submit: undefined },
      { ...view, private_metadata: "x".repeat(3001) },
      { ...view, type: "home" },
    ];
    for (const [i, v] of bad.entries()) {
      const r = await call("views.open", { trigger_id: `9.9.${i}`, view: v });
      assert.equal(r.body.error, "invalid_arguments", JSON.stringify(v));
    }
    assert.equal((await call("views.open", { trigger_id: "7.7.7", view }, "")).body.error, "not_authed");
    assert.equal(
      (await call("views.open", { trigger_id: "7.7.8", view }, "xoxb-other")).body.error,
      "invalid_auth",
    );
    assert.equal(slack.views.length, 1);
  });

  it("accepts form-encoded calls with the token in the body", async () => {
    const res = await fetch(`${slack.apiUrl()}chat.postMessage`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TEST_BOT_TOKEN, channel: "C0ALERTS", text: "form" }).toString(),
    });
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);
    assert.equal(slack.messages("C0ALERTS")[0].text, "form");
  });
});
