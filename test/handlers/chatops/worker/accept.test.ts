// The worker's accept step: every SNS body becomes one typed message (click or command) or one
// error naming every bad field.
import { strict as assert } from "assert";
import { acceptMessage, MAX_MESSAGE_BYTES } from "../../../../handlers/chatops/worker/accept";
import { commandMessage } from "../events";

const URL = "https://hooks.slack.com/actions/T0001/1/x";
const RECEIVED = "2026-12-05T22:00:00.000Z";

function click(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    type: "alert-action",
    receivedAt: RECEIVED,
    userId: "U0OPERATOR",
    userName: "alice",
    teamId: "T0001",
    channelId: "C0001",
    action: "exempt",
    value: "v1|ref",
    reason: "planned",
    expiryDays: 7,
    responseUrl: URL,
    ...overrides,
  };
}

const accept = (body: unknown, localRun = false) => acceptMessage(body, { localRun });
const json = (m: unknown) => JSON.stringify(m);

describe("chatops worker: accept step", () => {
  it("accepts a click as a typed alert action, with only the contract's fields", () => {
    assert.deepEqual(accept(json(click())), { ok: true, message: click() });
  });

  it("accepts a click queued by an earlier ack (Slack's copy of the alert in `message`), dropping the copy", () => {
    const old = click({ message: { blocks: [{ type: "section" }] }, modalSkipped: "no bot token" });
    const r = accept(json(old));
    assert.ok(r.ok);
    assert.deepEqual(r.message, click({ modalSkipped: "no bot token" }));
    assert.equal("message" in r.message, false);
  });

  it("accepts a command (no type, as the ack sends it, or type command) as a typed command", () => {
    const m = commandMessage("ec2 list prod", URL, { receivedAt: RECEIVED });
    assert.deepEqual(accept(json(m)), { ok: true, message: { ...m, type: "command" } });
    assert.deepEqual(accept(json({ ...m, type: "command" })), {
      ok: true,
      message: { ...m, type: "command" },
    });
    const noName = { ...m };
    delete noName.userName;
    assert.deepEqual(accept(json(noName)), { ok: true, message: { ...noName, type: "command" } });
  });

  it("names every bad field of a click", () => {
    const r = accept(
      json(
        click({
          version: 2,
          receivedAt: "yesterday",
          userId: "",
          teamId: 5,
          action: "toString",
          value: undefined,
          userName: null,
          channelId: ["C"],
          reason: 1,
          modalSkipped: {},
          expiryDays: 1.5,
          responseUrl: "http://evil.example/x",
        }),
      ),
    );
    assert.deepEqual(r, {
      ok: false,
      error:
        "invalid alert action message: version must be 1 (got 2); " +
        'receivedAt is not a date: "yesterday"; userId must be a non-empty string; ' +
        "userName must be a string; teamId must be a non-empty string; channelId must be a string; " +
        "action must be one of revert, exempt, mute, acknowledge; value is missing; reason must be a string; " +
        "expiryDays must be a whole number of days >= 1; modalSkipped must be a string; " +
        "response_url must use https (got http:)",
    });
    assert.match(
      (accept(json(click({ expiryDays: 0 }))) as { error: string }).error,
      /^invalid alert action message: expiryDays must be a whole number of days >= 1$/,
    );
  });

  it("names every bad field of a command", () => {
    const r = accept(
      json({
        version: 2,
        receivedAt: "x",
        userId: "U1",
        userName: 3,
        teamId: "T",
        command: "",
        responseUrl: "https://example.com/x",
      }),
    );
    assert.deepEqual(r, {
      ok: false,
      error:
        'invalid command message: version must be 1 (got 2); receivedAt is not a date: "x"; ' +
        "userName must be a string; channelId is missing; command must be a non-empty string; text is missing; " +
        "response_url must point at Slack (hooks.slack.com or hooks.slack-gov.com), not example.com",
    });
  });

  it("takes any http(s) response_url in local runs only", () => {
    const m = commandMessage("help", "http://127.0.0.1:9/x");
    assert.equal(accept(json(m), true).ok, true);
    assert.deepEqual(accept(json(m), false), {
      ok: false,
      error: "invalid command message: response_url must use https (got http:)",
    });
  });

  it("refuses what is not a message: no body, not JSON, not an object, an unknown type", () => {
    assert.deepEqual(accept(undefined), { ok: false, error: "record has no Sns.Message" });
    assert.match((accept("{not json") as { error: string }).error, /^message is not JSON: /);
    for (const body of ["null", "[]", '"text"', "1e999"])
      assert.deepEqual(accept(body), { ok: false, error: "message is not a JSON object" }, body);
    assert.deepEqual(accept(json(click({ type: "alert" }))), {
      ok: false,
      error: 'type must be "alert-action" or "command" (got "alert")',
    });
  });

  it("refuses an oversized body before reading it", () => {
    const big = json(click({ message: "x".repeat(MAX_MESSAGE_BYTES) }));
    assert.deepEqual(accept(big), {
      ok: false,
      error: `message is ${Buffer.byteLength(big)} bytes, over the ${MAX_MESSAGE_BYTES} an SNS message can hold`,
    });
    // Multi-byte characters count as bytes, as SNS counts them.
    const wide = json(click({ reason: "é".repeat(MAX_MESSAGE_BYTES / 2) }));
    assert.equal((accept(wide) as { error: string }).error.startsWith("message is "), true);
  });

  it("does not let an own __proto__ key through", () => {
    const body = json(commandMessage("help", URL)).replace("{", '{"__proto__":{"polluted":true},');
    const r = accept(body);
    assert.ok(r.ok);
    assert.equal(Object.getPrototypeOf(r.message), Object.prototype);
    assert.equal((r.message as unknown as { polluted?: unknown }).polluted, undefined);
  });
});
