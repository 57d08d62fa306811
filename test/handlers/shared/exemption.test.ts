// The exemption tag's value (who, why, until when, within EC2's 256 characters) and the mute
// length an alert's reference may carry.
import * as assert from "assert";
import { encodeAlertRef, parseAlertRef } from "../../../handlers/shared/alertActions";
import {
  MAX_TAG_VALUE_CHARS,
  exemptionActive,
  expiryAfter,
  formatExemption,
  parseExemption,
} from "../../../handlers/shared/exemption";

describe("exemption tag values", () => {
  const now = Date.parse("2026-12-05T20:00:00.500Z");

  it("writes expiry, author and reason, and reads them back", () => {
    const value = formatExemption({ expiresAt: expiryAfter(now, 30), by: "slack-U1", why: "CDN\norigin  x" });
    assert.equal(value, "expires=2027-01-04T20:00:00Z by=slack-U1 why=CDN origin x");
    assert.deepEqual(parseExemption(value), {
      kind: "expiring",
      exemption: { expiresAt: "2027-01-04T20:00:00Z", by: "slack-U1", why: "CDN origin x" },
    });
    assert.equal(exemptionActive(parseExemption(value), now), true);
    assert.equal(exemptionActive(parseExemption(value), Date.parse("2027-01-04T20:00:00Z")), false);
  });

  it("cuts the reason, never the expiry, to fit 256 characters (an emoji is one)", () => {
    const value = formatExemption({
      expiresAt: "2027-01-04T20:00:00Z",
      by: "slack-U1",
      why: "😀".repeat(300),
    });
    assert.equal(Array.from(value).length, MAX_TAG_VALUE_CHARS);
    const parsed = parseExemption(value);
    assert.equal(parsed.kind, "expiring");
    assert.equal(exemptionActive(parsed, now), true);
  });

  it("'true' from before expiries still exempts; anything else unreadable exempts nothing", () => {
    assert.deepEqual(parseExemption(" TRUE "), { kind: "legacy" });
    assert.equal(exemptionActive(parseExemption("true"), now), true);
    for (const v of [
      "false",
      "yes",
      "",
      "expires=soon by=x why=y",
      "expires=2027-13-45T00:00:00Z by=x why=y",
    ])
      assert.equal(exemptionActive(parseExemption(v), now), false, v);
  });
});

describe("an alert reference's mute length", () => {
  const ref = {
    accountId: "222222222222",
    region: "us-east-1",
    kind: "iam",
    eventName: "CreateUser",
    permissions: [],
  };

  it("round-trips 1 to 24 hours and refuses anything else", () => {
    const parsed = parseAlertRef(encodeAlertRef({ ...ref, muteHours: 1 }));
    assert.ok(parsed.ok);
    assert.equal(parsed.ref.muteHours, 1);
    for (const m of [0, 25, 1.5, "1"]) {
      const crafted = JSON.stringify({ ...JSON.parse(encodeAlertRef(ref)), m });
      assert.deepEqual(parseAlertRef(crafted), {
        ok: false,
        error: "button value: mute hours must be a whole number from 1 to 24",
      });
    }
  });
});
