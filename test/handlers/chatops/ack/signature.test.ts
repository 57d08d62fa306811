import { strict as assert } from "assert";
import { slackSignature, verifySlackSignature } from "../../../../handlers/chatops/ack/signature";
import { SLACK_EXAMPLE } from "../events";

describe("chatops ack: Slack v0 signature", () => {
  const base = {
    secret: SLACK_EXAMPLE.secret,
    timestamp: SLACK_EXAMPLE.timestamp,
    signature: SLACK_EXAMPLE.signature,
    rawBody: Buffer.from(SLACK_EXAMPLE.body),
    nowSeconds: Number(SLACK_EXAMPLE.timestamp),
  };

  it("reproduces Slack's documented example signature", () => {
    assert.equal(
      slackSignature(SLACK_EXAMPLE.secret, SLACK_EXAMPLE.timestamp, SLACK_EXAMPLE.body),
      SLACK_EXAMPLE.signature,
    );
  });

  it("accepts the documented request at its own time and at the edges of the 300 s window", () => {
    assert.deepEqual(verifySlackSignature(base), { ok: true });
    assert.deepEqual(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds + 300 }), { ok: true });
    assert.deepEqual(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds - 300 }), { ok: true });
  });

  const rejections: Array<[string, Partial<typeof base>, string]> = [
    [
      "a tampered body",
      { rawBody: Buffer.from(SLACK_EXAMPLE.body.replace("text=", "text=ec2")) },
      "bad-signature",
    ],
    ["a wrong secret", { secret: "8f742231b10e8888abcd99yyyzzz85a6" }, "bad-signature"],
    ["a stale timestamp (301 s old)", { nowSeconds: Number(SLACK_EXAMPLE.timestamp) + 301 }, "stale"],
    ["a future timestamp (301 s ahead)", { nowSeconds: Number(SLACK_EXAMPLE.timestamp) - 301 }, "future"],
    ["a missing signature", { signature: undefined }, "missing-headers"],
    ["a missing timestamp", { timestamp: undefined }, "missing-headers"],
    ["a non-numeric timestamp", { timestamp: "1531420618.5" }, "bad-timestamp"],
    // Replay: the captured signature with a fresh timestamp (to pass the age check) must not verify.
    [
      "a replay with an altered timestamp",
      { timestamp: "1531420900", nowSeconds: 1531420900 },
      "bad-signature",
    ],
    ["a signature of another length", { signature: SLACK_EXAMPLE.signature.slice(0, -2) }, "bad-signature"],
    ["an upper-case hex signature", { signature: SLACK_EXAMPLE.signature.toUpperCase() }, "bad-signature"],
  ];
  for (const [what, change, reason] of rejections) {
    it(`rejects ${what}`, () => {
      assert.deepEqual(verifySlackSignature({ ...base, ...change }), { ok: false, reason });
    });
  }
});
