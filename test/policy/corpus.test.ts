// A corpus of broken stacks, one defect each and at least one per policy, over the fixture hub and
// spoke (shaped like our stacks). Each must be caught by exactly the policy it breaks. The same
// corpus over the real programs (mock runtime) belongs to `policy:check` (team lead).
import { strict as assert } from "assert";
import { OfflineResource, policyNames, runPoliciesOffline } from "../../verify/policy/offline";
import { doc, goodHub, goodSpoke, HUB_ACCOUNT, HUB_BUS_ARN, res, withProps, without } from "./fixtures";
import { assertNone, assertOnly } from "./run";

interface Defect {
  policy: string;
  what: string;
  stack: () => OfflineResource[];
  message: string;
  /** The defect breaks several requirements of the same policy (several violations, one policy). */
  several?: true;
}

const spokeProvider = () => goodSpoke().find((r) => r.type === "pulumi:providers:aws")!.urn;

const corpus: Defect[] = [
  {
    policy: "no-public-ssh-ingress",
    what: "a spoke security group open to the world on 22",
    stack: () => [
      ...goodSpoke(),
      res(
        "aws:ec2/securityGroup:SecurityGroup",
        "bastion",
        {
          ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
        },
        { provider: spokeProvider() },
      ),
    ],
    message: "ingress[0] opens SSH (TCP 22-22) to 0.0.0.0/0",
  },
  {
    policy: "no-plaintext-secrets-in-lambda-env",
    what: "the notifier given plaintext webhooks",
    stack: () =>
      withProps(goodHub(), "security-guard-notifier", (p) => ({
        ...p,
        environment: {
          variables: { SLACK_WEBHOOKS: '{"default":"https://hooks.slack.com/services/T/B/X"}' },
        },
      })),
    message: "Environment variable SLACK_WEBHOOKS holds a Slack webhook URL.",
  },
  {
    policy: "sns-topic-kms-encrypted",
    what: "an unencrypted notifications topic",
    stack: () => withProps(goodHub(), "notifications", (p) => ({ ...p, kmsMasterKeyId: undefined })),
    message: "kmsMasterKeyId is not set",
  },
  {
    policy: "bus-and-topic-policies-scoped",
    what: "a bus policy open to everyone",
    stack: () =>
      withProps(goodHub(), "bus-policy", (p) => ({
        ...p,
        policy: doc({ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: HUB_BUS_ARN }),
      })),
    message: "Statement[0] allows Principal * without a condition",
  },
  {
    policy: "resource-policy-size-limits",
    what: "a bus policy that lists 500 member accounts",
    stack: () =>
      withProps(goodHub(), "bus-policy", (p) => ({
        ...p,
        policy: doc({
          Effect: "Allow",
          Principal: {
            AWS: Array.from({ length: 500 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:root`),
          },
          Action: "events:PutEvents",
          Resource: HUB_BUS_ARN,
        }),
      })),
    message: "the limit is 10240",
  },
  {
    policy: "lambda-has-failure-destination",
    what: "the remediator without its on-failure destination",
    stack: () => without(goodHub(), "security-guard-remediator-invoke"),
    message: "Lambda function security-guard-remediator has no deadLetterConfig.targetArn",
  },
  {
    policy: "lambda-log-group-retention",
    what: "the ack function's log group missing",
    stack: () => without(goodHub(), "security-guard-chatops-ack-logs"),
    message: "has no log group /aws/lambda/security-guard-chatops-ack",
  },
  {
    policy: "lambda-runtime-pinned",
    what: "a CallbackFunction without runtime (ignoreChanges: runtime)",
    stack: () =>
      goodHub().map((r) =>
        r.name === "security-guard-notifier" ? { ...r, opts: { ignoreChanges: ["runtime"] } } : r,
      ),
    message: "runtime is listed in ignoreChanges",
  },
  {
    policy: "iam-no-wildcard-action",
    what: "a remediation role allowed every action",
    stack: () =>
      withProps(goodSpoke(), "remediation", (p) => ({
        ...p,
        inlinePolicies: [{ name: "all", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }],
      })),
    message: 'inlinePolicies[0].policy Statement[0] allows action "*".',
  },
  {
    policy: "iam-trust-specific-principals",
    what: "a remediation role trusting the whole hub account",
    stack: () =>
      withProps(goodSpoke(), "remediation", (p) => ({
        ...p,
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` },
          Action: "sts:AssumeRole",
        }),
      })),
    message: `trusts the whole account ${HUB_ACCOUNT}`,
  },
  {
    policy: "iam-actions-exist",
    what: "a misspelt action in the forwarder role",
    stack: () =>
      withProps(goodSpoke(), "forwarder", (p) => ({
        ...p,
        inlinePolicies: [
          { name: "put", policy: doc({ Effect: "Allow", Action: "events:PutEvent", Resource: HUB_BUS_ARN }) },
        ],
      })),
    message: '"events:PutEvent" is not an action',
  },
  {
    policy: "config-recorder-all-supported",
    what: "a recorder limited to security groups",
    stack: () =>
      withProps(goodSpoke(), "recorder-ap-northeast-2", (p) => ({
        ...p,
        recordingGroup: { allSupported: false, resourceTypes: ["AWS::EC2::SecurityGroup"] },
      })),
    message: "recordingGroup.allSupported is not true",
  },
  {
    policy: "spoke-stack-shape",
    what: "the IAM rule deployed in Seoul",
    stack: () => withProps(goodSpoke(), "iam-us-east-1", (p) => ({ ...p, region: "ap-northeast-2" })),
    message: "IAM forwarding rule iam-us-east-1 is in ap-northeast-2",
  },
  {
    policy: "spoke-stack-shape",
    what: "Tokyo configured but nothing deployed there",
    stack: () => [...goodSpoke(), res("pulumi:providers:aws", "tokyo", { region: "ap-northeast-1" })],
    message: "Region ap-northeast-1: no AWS Config recorder",
    several: true,
  },
  {
    policy: "hub-stack-shape",
    what: "a hub without the Config aggregator",
    stack: () => without(goodHub(), "aggregator"),
    message: "The hub has no AWS Config aggregator",
  },
];

describe("policy corpus", () => {
  it("the fixture hub and spoke have zero violations", () => {
    assertNone(goodHub());
    assertNone(goodSpoke());
    assertNone(goodSpoke(["us-east-1", "ap-northeast-1", "ap-northeast-2"]));
  });

  it("covers every policy of the pack", () => {
    assert.deepEqual([...new Set(corpus.map((d) => d.policy))].sort(), [...policyNames()].sort());
  });

  for (const d of corpus) {
    it(`${d.policy} catches ${d.what}`, () => {
      const stack = d.stack();
      if (!d.several) {
        assertOnly(stack, d.policy, d.message);
        return;
      }
      const v = runPoliciesOffline(stack);
      assert.deepEqual([...new Set(v.map((x) => x.policy))], [d.policy]);
      assert.ok(v.length > 1 && v[0].message.includes(d.message), v[0].message);
    });
  }
});
