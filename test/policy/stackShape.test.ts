import { strict as assert } from "assert";
import { OfflineResource } from "../../verify/policy/offline";
import {
  goodHub,
  goodSpoke,
  HUB_ACCOUNT,
  HUB_BUS_ARN,
  res,
  SPOKE_ACCOUNT,
  withProps,
  without,
} from "./fixtures";
import { assertNone, assertOnly, violationsOf } from "./run";

const SPOKE = "spoke-stack-shape";
const HUB = "hub-stack-shape";
const messages = (policy: string, r: OfflineResource[], config?: Record<string, unknown>) =>
  violationsOf(policy, r, config ? { config: { [policy]: config } } : undefined).map(
    (v) => v.message.split("\n")[1],
  );

describe("policy spoke-stack-shape", () => {
  it("passes a spoke with everything in both regions and the IAM rule in us-east-1", () => {
    assertNone(goodSpoke());
  });

  it("is not applicable to stacks without a Spoke component", () => {
    assert.deepEqual(violationsOf(SPOKE, without(goodSpoke(), "spoke")), []);
  });

  it("flags a region without recorder, delivery channel or restricted-ssh rule", () => {
    const r = without(
      goodSpoke(),
      "spoke-ap-northeast-2-recorder",
      "spoke-ap-northeast-2-delivery",
      "spoke-ap-northeast-2-restricted-ssh",
    );
    assert.deepEqual(messages(SPOKE, r), [
      "Region ap-northeast-2: no AWS Config recorder (aws:cfg/recorder:Recorder).",
      "Region ap-northeast-2: no AWS Config delivery channel (aws:cfg/deliveryChannel:DeliveryChannel).",
      "Region ap-northeast-2: no AWS Config rule with source INCOMING_SSH_DISABLED (restricted-ssh).",
    ]);
    const v = violationsOf(SPOKE, r)[0];
    assert.equal(v.type, "security-guard:spoke:Spoke");
    assert.equal(v.urn, "urn:pulumi:spoke::security-guard::security-guard:spoke:Spoke::spoke");
  });

  it("accepts a missing recorder and channel in regionsWithExistingRecorder, but never a missing ssh rule", () => {
    const r = without(
      goodSpoke(),
      "spoke-ap-northeast-2-recorder",
      "spoke-ap-northeast-2-delivery",
      "spoke-ap-northeast-2-restricted-ssh",
    );
    assert.deepEqual(messages(SPOKE, r, { regionsWithExistingRecorder: ["ap-northeast-2"] }), [
      "Region ap-northeast-2: no AWS Config rule with source INCOMING_SSH_DISABLED (restricted-ssh).",
    ]);
  });

  it("flags a Config rule that is not the managed INCOMING_SSH_DISABLED", () => {
    const r = withProps(goodSpoke(), "spoke-us-east-1-restricted-ssh", (p) => ({
      ...p,
      source: { owner: "CUSTOM_LAMBDA", sourceIdentifier: "arn:aws:lambda:x" },
    }));
    assertOnly(r, SPOKE, "Region us-east-1: no AWS Config rule with source INCOMING_SSH_DISABLED");
  });

  it("flags each missing forwarding kind per region", () => {
    assertOnly(
      without(goodSpoke(), "spoke-ap-northeast-2-alarms", "spoke-ap-northeast-2-alarms-to-hub"),
      SPOKE,
      "Region ap-northeast-2: no EventBridge rule forwards CloudWatch alarm state changes",
    );
    assertOnly(
      withProps(goodSpoke(), "spoke-us-east-1-sg-changes", (p) => ({
        ...p,
        eventPattern: JSON.stringify({
          source: ["aws.ec2"],
          "detail-type": ["EC2 Instance State-change Notification"],
        }),
      })),
      SPOKE,
      "Region us-east-1: no EventBridge rule forwards security-group API calls",
    );
  });

  it("flags rules whose targets do not reach the hub bus: no target, wrong region, own account, no roleArn, not a bus", () => {
    const cases: Array<[string, Record<string, unknown> | null, string]> = [
      [
        "spoke-us-east-1-config-compliance-to-hub",
        null,
        "rule spoke-us-east-1-config-compliance has no target",
      ],
      [
        "spoke-us-east-1-config-compliance-to-hub",
        { arn: HUB_BUS_ARN.replace("us-east-1", "eu-west-1") },
        "sends to eu-west-1, not the hub bus in us-east-1",
      ],
      [
        "spoke-us-east-1-config-compliance-to-hub",
        { arn: HUB_BUS_ARN.replace(HUB_ACCOUNT, SPOKE_ACCOUNT) },
        `sends to a bus in this spoke's own account ${SPOKE_ACCOUNT}`,
      ],
      [
        "spoke-us-east-1-config-compliance-to-hub",
        { roleArn: undefined },
        "has no roleArn (cross-account bus targets need one)",
      ],
      [
        "spoke-us-east-1-config-compliance-to-hub",
        { arn: `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:topic` },
        "is not an event bus ARN",
      ],
    ];
    for (const [target, change, text] of cases) {
      const r =
        change === null
          ? without(goodSpoke(), target)
          : withProps(goodSpoke(), target, (p) => ({ ...p, ...change }));
      const v = assertOnly(r, SPOKE, text);
      assert.ok(
        v.message.includes(
          "Region us-east-1: no rule forwards Config compliance changes (aws.config, Config Rules Compliance Change) to the hub bus: ",
        ),
        v.message,
      );
      assert.equal(v.name, "spoke-us-east-1-config-compliance");
    }
  });

  it("links targets to rules by rule name when there is no dependency", () => {
    const r = goodSpoke().map((x) =>
      x.type === "aws:cloudwatch/eventTarget:EventTarget" ? { ...x, dependencies: [] } : x,
    );
    assertNone(r);
    const renamed = withProps(r, "spoke-ap-northeast-2-sg-changes-to-hub", (p) => ({
      ...p,
      rule: "some-other-rule",
    }));
    assertOnly(renamed, SPOKE, "rule spoke-ap-northeast-2-sg-changes has no target");
  });

  it("requires exactly one IAM rule, in us-east-1", () => {
    assertOnly(
      without(goodSpoke(), "spoke-us-east-1-iam-changes", "spoke-us-east-1-iam-changes-to-hub"),
      SPOKE,
      "No EventBridge rule forwards IAM API calls (aws.iam) in us-east-1.",
    );
    const inSeoul = withProps(goodSpoke(), "spoke-us-east-1-iam-changes", (p) => ({
      ...p,
      region: "ap-northeast-2",
    }));
    assertOnly(
      inSeoul,
      SPOKE,
      "IAM forwarding rule spoke-us-east-1-iam-changes is in ap-northeast-2; IAM events reach EventBridge only in us-east-1.",
    );
    const extra = res(
      "aws:cloudwatch/eventRule:EventRule",
      "iam-again",
      { name: "iam-again", eventPattern: JSON.stringify({ source: ["aws.iam"] }) },
      { provider: goodSpoke()[1].urn },
    );
    const msgs = messages(SPOKE, [...goodSpoke(), extra]);
    assert.ok(
      msgs[0].startsWith(
        "2 IAM forwarding rules (spoke-us-east-1-iam-changes, iam-again); expected exactly one",
      ),
      msgs[0],
    );
  });

  it("understands $or patterns and cannot judge unknown patterns", () => {
    const combined = withProps(
      without(
        goodSpoke(),
        "spoke-ap-northeast-2-config-compliance",
        "spoke-ap-northeast-2-config-compliance-to-hub",
      ),
      "spoke-ap-northeast-2-alarms",
      (p) => ({
        ...p,
        eventPattern: JSON.stringify({
          $or: [
            { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] },
            { source: ["aws.config"], "detail-type": ["Config Rules Compliance Change"] },
          ],
        }),
      }),
    );
    assertNone(combined);
    const unknown = withProps(
      without(
        goodSpoke(),
        "spoke-ap-northeast-2-config-compliance",
        "spoke-ap-northeast-2-config-compliance-to-hub",
      ),
      "spoke-ap-northeast-2-alarms",
      (p) => ({ ...p, eventPattern: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
    );
    assertNone(unknown);
  });

  it("checks every configured region (one provider per region)", () => {
    assertNone(goodSpoke());
    const noProviders = goodSpoke().filter((r) => r.type !== "pulumi:providers:aws");
    assert.deepEqual(messages(SPOKE, noProviders), [
      "The spoke has no AWS provider with a region, so no region is configured.",
    ]);
  });
});

describe("policy hub-stack-shape", () => {
  it("passes the hub fixture and is not applicable without a Hub component", () => {
    assertNone(goodHub());
    assert.deepEqual(violationsOf(HUB, without(goodHub(), "hub", "hub-aggregator-aggregator")), []);
  });

  it("flags a missing aggregator, bus, or bus policy", () => {
    assertOnly(without(goodHub(), "hub-aggregator-aggregator"), HUB, "The hub has no AWS Config aggregator");
    assertOnly(
      without(goodHub(), "hub-central-policy"),
      HUB,
      "The hub's event bus security-guard-events has no event bus policy",
    );
    const v = assertOnly(
      without(goodHub(), "hub-central-bus", "hub-central-policy"),
      HUB,
      "The hub has no event bus (aws:cloudwatch/eventBus:EventBus) in us-east-1.",
    );
    assert.equal(v.urn, "urn:pulumi:hub::security-guard::security-guard:hub:Hub::hub");
  });

  it("flags a bus outside the hub region and a policy on another bus", () => {
    assertOnly(
      withProps(goodHub(), "hub-central-bus", (p) => ({ ...p, region: "eu-west-1" })),
      HUB,
      "The hub has no event bus (aws:cloudwatch/eventBus:EventBus) in us-east-1.",
    );
    const r = goodHub().map((x) =>
      x.name === "hub-central-policy"
        ? { ...x, dependencies: [], props: { ...x.props, eventBusName: "default" } }
        : x,
    );
    assertOnly(r, HUB, "has no event bus policy");
    const byArn = r.map((x) =>
      x.name === "hub-central-policy" ? { ...x, props: { ...x.props, eventBusName: HUB_BUS_ARN } } : x,
    );
    assertNone(byArn);
  });
});
