// A corpus of broken stacks, one defect each and at least one per policy, over the program's hub and
// spoke (evaluated under the mock runtime). Each must be caught by exactly the policy it breaks.
// Whole broken programs run through `policy:check` in brokenPrograms.test.ts.
import { strict as assert } from "assert";
import {
  OfflineOptions,
  OfflineResource,
  policyNames,
  runPoliciesOffline,
} from "../../verify/policy/offline";
import { doc, goodHub, goodSpoke, HUB_ACCOUNT, HUB_BUS_ARN, res, withProps, without } from "./fixtures";
import { assertNone, assertOnly } from "./run";

interface Defect {
  policy: string;
  what: string;
  stack: () => OfflineResource[];
  message: string;
  /** The defect breaks several requirements of the same policy (several violations, one policy). */
  several?: true;
  /** Policy config the pack runs with (e.g. the date a dated policy judges by). */
  options?: OfflineOptions;
}

/** The remediator without its function-level dead-letter queue (it keeps its invoke config's). */
const withoutDeadLetterQueue = (hub: OfflineResource[]) =>
  withProps(hub, "aws:lambda/function:Function::hub-remediator", (p) => ({
    ...p,
    deadLetterConfig: undefined,
  }));

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
      withProps(goodHub(), "aws:lambda/function:Function::hub-notifier", (p) => ({
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
    stack: () => withProps(goodHub(), "hub-topics-events", (p) => ({ ...p, kmsMasterKeyId: undefined })),
    message: "kmsMasterKeyId is not set",
  },
  {
    policy: "bus-and-topic-policies-scoped",
    what: "a bus policy open to everyone",
    stack: () =>
      withProps(goodHub(), "hub-central-policy", (p) => ({
        ...p,
        policy: doc({ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: HUB_BUS_ARN }),
      })),
    message: "Statement[0] allows Principal * without a condition",
  },
  {
    policy: "resource-policy-size-limits",
    what: "a bus policy that lists 500 member accounts",
    stack: () =>
      withProps(goodHub(), "hub-central-policy", (p) => ({
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
    stack: () => withoutDeadLetterQueue(without(goodHub(), "hub-remediator-async")),
    message: "Lambda function security-guard-remediator has no deadLetterConfig.targetArn",
  },
  {
    policy: "lambda-log-group-retention",
    what: "the ack function's log group missing",
    stack: () => without(goodHub(), "hub-chatops-ack-logs"),
    message: "has no log group /aws/lambda/security-guard-chatops-ack",
  },
  {
    policy: "lambda-runtime-pinned",
    what: "a CallbackFunction without runtime (ignoreChanges: runtime)",
    stack: () =>
      goodHub().map((r) =>
        r.type === "aws:lambda/function:Function" && r.name === "hub-notifier"
          ? { ...r, opts: { ignoreChanges: ["runtime"] } }
          : r,
      ),
    message: "runtime is listed in ignoreChanges",
  },
  {
    policy: "lambda-runtime-deprecation-soon",
    what: "the notifier on nodejs22.x 90 days before AWS deprecates it",
    stack: () =>
      withProps(goodHub(), "aws:lambda/function:Function::hub-notifier", (p) => ({
        ...p,
        runtime: "nodejs22.x",
      })),
    message: "runtime nodejs22.x is deprecated by AWS Lambda on 2027-04-30, in 90 days",
    options: { config: { "lambda-runtime-deprecation-soon": { asOf: "2027-01-30" } } },
  },
  {
    policy: "iam-no-wildcard-action",
    what: "a remediation role allowed every action",
    stack: () =>
      withProps(goodSpoke(), "spoke-account-remediation", (p) => ({
        ...p,
        inlinePolicies: [{ name: "all", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }],
      })),
    message: 'inlinePolicies[0].policy Statement[0] allows action "*".',
  },
  {
    policy: "iam-trust-specific-principals",
    what: "a remediation role trusting the whole hub account",
    stack: () =>
      withProps(goodSpoke(), "spoke-account-remediation", (p) => ({
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
      withProps(goodSpoke(), "spoke-account-forwarder", (p) => ({
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
      withProps(goodSpoke(), "spoke-ap-northeast-2-recorder", (p) => ({
        ...p,
        recordingGroup: { allSupported: false, resourceTypes: ["AWS::EC2::SecurityGroup"] },
      })),
    message: "recordingGroup.allSupported is not true",
  },
  {
    policy: "spoke-stack-shape",
    what: "the IAM rule deployed in Seoul",
    stack: () =>
      withProps(goodSpoke(), "spoke-us-east-1-iam-changes", (p) => ({ ...p, region: "ap-northeast-2" })),
    message: "IAM forwarding rule spoke-us-east-1-iam-changes is in ap-northeast-2",
  },
  {
    policy: "spoke-stack-shape",
    what: "Ireland configured but nothing deployed there",
    stack: () => [...goodSpoke(), res("pulumi:providers:aws", "ireland", { region: "eu-west-1" })],
    message: "Region eu-west-1: no AWS Config recorder",
    several: true,
  },
  {
    policy: "hub-stack-shape",
    what: "a hub without the Config aggregator",
    stack: () => without(goodHub(), "hub-aggregator-aggregator"),
    message: "The hub has no AWS Config aggregator",
  },
];

describe("policy corpus", () => {
  it("the program's hub and spoke have zero violations", () => {
    assertNone(goodHub());
    assertNone(goodSpoke());
  });

  it("covers every policy of the pack", () => {
    assert.deepEqual([...new Set(corpus.map((d) => d.policy))].sort(), [...policyNames()].sort());
  });

  for (const d of corpus) {
    it(`${d.policy} catches ${d.what}`, () => {
      const stack = d.stack();
      if (!d.several) {
        assertOnly(stack, d.policy, d.message, d.options);
        return;
      }
      const v = runPoliciesOffline(stack, d.options);
      assert.deepEqual([...new Set(v.map((x) => x.policy))], [d.policy]);
      assert.ok(v.length > 1 && v[0].message.includes(d.message), v[0].message);
    });
  }
});
