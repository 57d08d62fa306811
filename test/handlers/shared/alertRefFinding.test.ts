// A Security Hub finding in an alert's reference: kept through the record's encoding, and refused
// when malformed (the notifier's record must name exactly one finding).
import { strict as assert } from "assert";
import { AlertRef, encodeAlertRef, parseAlertRef } from "../../../handlers/shared/alertActions";

const ID = "arn:aws:securityhub:ap-northeast-1:444444444444:security-control/EC2.19/finding/5f0c0a2e";
const PRODUCT = "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub";
const REF: AlertRef = {
  accountId: "444444444444",
  region: "ap-northeast-1",
  kind: "security-hub",
  eventName: "EC2.19",
  resource: "arn:aws:ec2:ap-northeast-1:444444444444:security-group/sg-0b1c2d3e4f5a6b7c8",
  permissions: [],
  securityHubFinding: { id: ID, productArn: PRODUCT },
};

describe("alert reference: Security Hub finding", () => {
  it("round-trips the finding's Id and ProductArn", () => {
    const parsed = parseAlertRef(encodeAlertRef(REF));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.ref.securityHubFinding, { id: ID, productArn: PRODUCT });
  });

  it("a reference without one has none", () => {
    const { securityHubFinding: _drop, ...rest } = REF;
    const parsed = parseAlertRef(encodeAlertRef(rest));
    assert.ok(parsed.ok);
    assert.equal("securityHubFinding" in parsed.ref, false);
  });

  for (const [what, h, error] of [
    ["not a pair", [ID], /finding id is malformed/],
    ["an id with a control character", [`${ID}\n`, PRODUCT], /finding id is malformed/],
    ["an id over 512 characters", ["x".repeat(513), PRODUCT], /finding id is malformed/],
    [
      "a product ARN of another service",
      [ID, "arn:aws:iam::444444444444:role/x"],
      /product ARN is malformed/,
    ],
    ["a number for a product ARN", [ID, 7], /product ARN is malformed/],
  ] as const)
    it(`refuses ${what}`, () => {
      const value = JSON.stringify({ ...JSON.parse(encodeAlertRef(REF)), h });
      const parsed = parseAlertRef(value);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, error);
    });
});

describe("alert reference: Security Hub OCSF finding", () => {
  const { securityHubFinding: _asff, ...base } = REF;
  const OCSF: AlertRef = { ...base, region: "eu-west-1", securityHubOcsfUid: `${ID}-ocsf` };

  it("round-trips the finding's metadata uid", () => {
    const parsed = parseAlertRef(encodeAlertRef(OCSF));
    assert.ok(parsed.ok);
    assert.equal(parsed.ref.securityHubOcsfUid, `${ID}-ocsf`);
    assert.equal("securityHubFinding" in parsed.ref, false);
  });

  for (const [what, o] of [
    ["blank", "   "],
    ["empty", ""],
    ["a control character", `${ID}\u0000`],
    ["over 512 characters", "x".repeat(513)],
    ["a number", 7],
  ] as const)
    it(`refuses a uid that is ${what}`, () => {
      const value = JSON.stringify({ ...JSON.parse(encodeAlertRef(OCSF)), o });
      const parsed = parseAlertRef(value);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, /OCSF finding uid is malformed/);
    });
});
