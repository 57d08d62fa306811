import { strict as assert } from "assert";
import { EVENT_BUS_POLICY_MAX_CHARS, TOPIC_POLICY_MAX_BYTES } from "../../policy/snsAndBus";
import { doc, ORG_ID, res } from "./fixtures";
import { assertNone, assertOnly, violationsOf } from "./run";

const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy";
const KEY = "arn:aws:kms:us-east-1:999999999999:key/abcd";

describe("policy sns-topic-kms-encrypted", () => {
  it("flags a topic without kmsMasterKeyId", () => {
    assertOnly([res(TOPIC, "plain", { name: "t" })], "sns-topic-kms-encrypted", "kmsMasterKeyId is not set");
  });

  it("accepts an unencrypted topic tagged security-guard:encryption-exempt with a reason, not an empty one", () => {
    const tagged = (reason: string) =>
      res(TOPIC, "config", {
        name: "security-guard-config",
        tags: { "security-guard:encryption-exempt": reason },
      });
    assertNone([tagged("aws-config-does-not-support-encrypted-topics")]);
    assertOnly([tagged("")], "sns-topic-kms-encrypted", "kmsMasterKeyId is not set");
    const custom = res(TOPIC, "c", { tags: { "acme:plaintext-ok": "why" } });
    assertOnly([custom], "sns-topic-kms-encrypted", "kmsMasterKeyId is not set");
    assertNone([custom], { config: { "sns-topic-kms-encrypted": { exemptTagKey: "acme:plaintext-ok" } } });
  });

  it("flags the AWS-managed key unless allowAwsManagedKey", () => {
    const r = [res(TOPIC, "managed", { kmsMasterKeyId: "alias/aws/sns" })];
    assertOnly(r, "sns-topic-kms-encrypted", "kmsMasterKeyId is the AWS-managed key alias/aws/sns");
    assertNone(r, { config: { "sns-topic-kms-encrypted": { allowAwsManagedKey: true } } });
  });

  it("passes a customer-managed key, by ARN, alias or unknown (preview)", () => {
    assertNone([
      res(TOPIC, "arn", { kmsMasterKeyId: KEY }),
      res(TOPIC, "alias", { kmsMasterKeyId: "alias/security-guard" }),
      res(TOPIC, "unknown", { kmsMasterKeyId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
    ]);
  });
});

describe("policy bus-and-topic-policies-scoped", () => {
  const open = { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: "*" };

  it("flags Principal * (string or {AWS: '*'}) without an org/account condition, on bus policies, topic policies and topics", () => {
    const v = violationsOf("bus-and-topic-policies-scoped", [
      res(BUS_POLICY, "bus", { eventBusName: "b", policy: doc({ ...open, Sid: "Open" }) }),
      res(TOPIC_POLICY, "tp", {
        arn: "t",
        policy: {
          Version: "2012-10-17",
          Statement: { ...open, Principal: { AWS: ["*"] }, Action: "sns:Publish" },
        },
      }),
      res(TOPIC, "topic", {
        kmsMasterKeyId: KEY,
        policy: doc({
          ...open,
          Action: "sns:Publish",
          Condition: { Bool: { "aws:SecureTransport": "true" } },
        }),
      }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1].split(" without")[0]]),
      [
        ["bus", 'Statement[0] (Sid "Open") allows Principal *'],
        ["tp", "Statement[0] allows Principal *"],
        ["topic", "Statement[0] allows Principal *"],
      ],
    );
    assert.ok(v[0].message.includes("without a condition on aws:principalorgid"));
  });

  it("passes org/account conditions, service and account principals, Deny statements, and unknown conditions", () => {
    assertNone([
      res(BUS_POLICY, "org", {
        policy: doc({ ...open, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } }),
      }),
      res(BUS_POLICY, "case", {
        policy: doc({ ...open, Condition: { StringEquals: { "AWS:SourceAccount": "111111111111" } } }),
      }),
      res(BUS_POLICY, "accounts", {
        policy: doc({ ...open, Principal: { AWS: ["arn:aws:iam::111111111111:root", "222222222222"] } }),
      }),
      res(TOPIC_POLICY, "svc", { policy: doc({ ...open, Principal: { Service: "events.amazonaws.com" } }) }),
      res(TOPIC_POLICY, "deny", { policy: doc({ ...open, Effect: "Deny" }) }),
      res(TOPIC_POLICY, "unknown-cond", {
        policy: doc({ ...open, Condition: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff" }),
      }),
      res(TOPIC_POLICY, "unknown-doc", { policy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
    ]);
  });
});

describe("policy resource-policy-size-limits", () => {
  function sizedPolicy(total: number): string {
    const base = doc({
      Sid: "",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "events:PutEvents",
    });
    return base.replace('"Sid":""', `"Sid":"${"x".repeat(total - base.length)}"`);
  }

  it("allows an event bus policy of exactly 10,240 characters and flags 10,241", () => {
    assert.equal(sizedPolicy(EVENT_BUS_POLICY_MAX_CHARS).length, 10240);
    assertNone([res(BUS_POLICY, "ok", { policy: sizedPolicy(10240) })]);
    assertOnly(
      [res(BUS_POLICY, "big", { policy: sizedPolicy(10241) })],
      "resource-policy-size-limits",
      "Event bus policy is 10241 characters; the limit is 10240.",
    );
  });

  it("allows a topic policy of exactly 30 KB and flags one byte more, counting UTF-8 bytes", () => {
    assert.equal(TOPIC_POLICY_MAX_BYTES, 30720);
    assertNone([res(TOPIC_POLICY, "ok", { policy: sizedPolicy(30720) })]);
    assertOnly(
      [res(TOPIC_POLICY, "big", { policy: sizedPolicy(30721) })],
      "resource-policy-size-limits",
      "Topic policy is 30721 bytes; the limit is 30720.",
    );
    // 10,000 characters of a 3-byte character: within 30,720 characters but not bytes
    const wide = sizedPolicy(30720 - 20000).replace('"Sid":"', `"Sid":"${"€".repeat(10000)}`);
    assert.ok(wide.length <= 30720);
    assertOnly(
      [res(TOPIC_POLICY, "wide", { policy: wide })],
      "resource-policy-size-limits",
      "Topic policy is 40720 bytes",
    );
  });
});
