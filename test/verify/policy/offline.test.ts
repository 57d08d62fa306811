import { strict as assert } from "assert";
import type { Policies, PolicyResource } from "@pulumi/policy";
import { policyNames, runPoliciesOffline, runPoliciesOfflineAsync } from "../../../verify/policy/offline";
import { goodHub, provider, res } from "../../policy/fixtures";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const BUCKET = "aws:s3/bucket:Bucket";
/** Stands in for an SDK resource class: what @pulumi/policy's isType reads is `__pulumiType`. */
const FakeBucket = { __pulumiType: BUCKET } as unknown as new (name: string, args: { acl?: string }) => never;

describe("offline policy runner", () => {
  it("lists every policy of the pack, uniquely, in pack order", () => {
    assert.deepEqual(policyNames(), [
      "no-public-ssh-ingress",
      "no-plaintext-secrets-in-lambda-env",
      "sns-topic-kms-encrypted",
      "bus-and-topic-policies-scoped",
      "resource-policy-size-limits",
      "lambda-has-failure-destination",
      "lambda-log-group-retention",
      "lambda-runtime-pinned",
      "lambda-runtime-deprecation-soon",
      "iam-no-wildcard-action",
      "iam-trust-specific-principals",
      "iam-actions-exist",
      "config-recorder-all-supported",
      "spoke-stack-shape",
      "hub-stack-shape",
    ]);
  });

  it("reports description + newline + message, and applies enforcement-level overrides", () => {
    const topic = res("aws:sns/topic:Topic", "t", {});
    const [v] = runPoliciesOffline([topic]);
    assert.deepEqual(v, {
      policy: "sns-topic-kms-encrypted",
      level: "mandatory",
      urn: topic.urn,
      type: "aws:sns/topic:Topic",
      name: "t",
      message:
        "SNS topics must be encrypted at rest with a customer-managed KMS key.\nkmsMasterKeyId is not set: the topic is not encrypted with a KMS key.",
    });
    assert.equal(
      runPoliciesOffline([topic], { enforcementLevels: { "sns-topic-kms-encrypted": "advisory" } })[0].level,
      "advisory",
    );
    assert.equal(
      runPoliciesOffline([topic], {
        config: { "sns-topic-kms-encrypted": { enforcementLevel: "advisory" } },
      })[0].level,
      "advisory",
    );
    assert.deepEqual(
      runPoliciesOffline([topic], { enforcementLevels: { "sns-topic-kms-encrypted": "disabled" } }),
      [],
    );
  });

  it("rejects unknown policy names, bad levels, and config that does not match the schema", () => {
    assert.throws(
      () => runPoliciesOffline([], { enforcementLevels: { "no-such-policy": "advisory" } }),
      /enforcementLevels names unknown policy 'no-such-policy'/,
    );
    assert.throws(
      () =>
        runPoliciesOffline([], { enforcementLevels: { "sns-topic-kms-encrypted": "loud" as "advisory" } }),
      /Policy 'sns-topic-kms-encrypted': invalid enforcement level 'loud'/,
    );
    assert.throws(
      () =>
        runPoliciesOffline([], { config: { "lambda-runtime-pinned": { allowedRuntimes: "nodejs22.x" } } }),
      /Policy config for 'lambda-runtime-pinned': property 'allowedRuntimes' must be array, got "nodejs22.x"/,
    );
    assert.throws(
      () => runPoliciesOffline([], { config: { "lambda-runtime-pinned": { allowedRuntimes: [22] } } }),
      /allowedRuntimes\[0\] must be string, got 22/,
    );
    assert.throws(
      () => runPoliciesOffline([], { config: { "spoke-stack-shape": { regionWithExistingRecorder: [] } } }),
      /unknown property 'regionWithExistingRecorder' \(known: hubRegion, regionsWithExistingRecorder\)/,
    );
  });

  it("rejects malformed resources with the index and field", () => {
    assert.throws(
      () => runPoliciesOffline([{ type: "x", name: "n", props: {} } as never]),
      /resources\[0\]\.urn must be a non-empty string/,
    );
    const r = res("aws:sns/topic:Topic", "t", {});
    assert.throws(
      () => runPoliciesOffline([r, r]),
      /duplicate urn urn:pulumi:test::security-guard::aws:sns\/topic:Topic::t/,
    );
    assert.throws(
      () => runPoliciesOffline([{ ...r, props: null as never }]),
      /resources\[0\] \(.*\) props must be an object/,
    );
  });

  it("behaves like the SDK's validateResourceOfType / validateStackResourcesOfType (isType, asType, fast path)", async () => {
    const { validateResourceOfType, validateStackResourcesOfType } = await import("@pulumi/policy");
    const seen: string[] = [];
    const custom: Policies = [
      {
        name: "bucket-acl",
        description: "no public buckets",
        enforcementLevel: "advisory",
        validateResource: validateResourceOfType(FakeBucket, (bucket, args, report) => {
          seen.push(args.name);
          assert.equal(args.isType(FakeBucket), true);
          assert.equal(args.asType(FakeBucket)?.acl, bucket.acl);
          if (bucket.acl === "public-read") report("public");
        }),
      },
      {
        name: "bucket-count",
        description: "at most one bucket",
        validateStack: validateStackResourcesOfType(FakeBucket, (buckets, _args, report) => {
          if (buckets.length > 1) report(`${buckets.length} buckets`);
        }),
      },
    ];
    const v = runPoliciesOffline(
      [
        res(BUCKET, "a", { acl: "public-read" }),
        res(BUCKET, "b", { acl: "private" }),
        res("aws:sns/topic:Topic", "t", {}),
      ],
      { policies: custom },
    );
    assert.deepEqual(seen, ["a", "b"], "the validation runs for buckets only");
    assert.deepEqual(
      v.map((x) => [x.policy, x.level, x.name, x.message]),
      [
        ["bucket-acl", "advisory", "a", "no public buckets\npublic"],
        ["bucket-count", "mandatory", undefined, "at most one bucket\n2 buckets"],
      ],
    );
  });

  it("turns a validation that touches an unknown value into an advisory note, as the engine does", () => {
    const custom: Policies = [
      {
        name: "reads-unknown",
        description: "reads acl",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
          if (args.props.acl === "x") report("never");
        },
      },
    ];
    const v = runPoliciesOffline([res(BUCKET, "a", { acl: UNKNOWN_STRING })], { policies: custom });
    assert.deepEqual(
      v.map((x) => [x.level, x.message]),
      [
        [
          "advisory",
          "can't run policy 'reads-unknown' during preview: string value at .acl can't be known during preview",
        ],
      ],
    );
  });

  it("links stack resources by parent, provider and dependencies, and gives resource validations the provider", () => {
    const prov = provider("111111111111", "ap-northeast-2");
    const parent = res("security-guard:spoke:Spoke", "spoke", {});
    const child = res(
      "aws:sns/topic:Topic",
      "t",
      { kmsMasterKeyId: "alias/k" },
      { parent: parent.urn, provider: prov.urn, dependencies: [prov.urn] },
    );
    const captured: { stack?: PolicyResource[]; region?: unknown } = {};
    const custom: Policies = [
      {
        name: "capture-resource",
        description: "d",
        validateResource: (args) => {
          if (args.name === "t") captured.region = args.provider?.props.region;
        },
      },
      {
        name: "capture-stack",
        description: "d",
        validateStack: (args) => {
          captured.stack = args.resources;
        },
      },
    ];
    assert.deepEqual(runPoliciesOffline([prov, parent, child], { policies: custom }), []);
    assert.equal(captured.region, "ap-northeast-2");
    const [p, par, c] = captured.stack!;
    assert.equal(c.parent, par);
    assert.deepEqual(c.dependencies, [p]);
    assert.equal(c.provider?.urn, prov.urn);
    assert.equal(c.provider?.props.region, "ap-northeast-2");
    assert.equal(c.opts.parent, parent.urn);
  });

  it("unwraps Pulumi secret envelopes, so a secret webhook URL in a Lambda env is still found", () => {
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "https://hooks.slack.com/services/T/B/X",
    };
    const v = runPoliciesOffline([
      res("aws:lambda/function:Function", "f", {
        runtime: "nodejs24.x",
        environment: { variables: { HOOK: secret } },
      }),
    ]).filter((x) => x.policy === "no-plaintext-secrets-in-lambda-env");
    assert.deepEqual(
      v.map((x) => x.message.split("\n")[1]),
      ["Environment variable HOOK holds a Slack webhook URL."],
    );
  });

  it("refuses async policies in the synchronous runner and awaits them in the async one", async () => {
    const custom: Policies = [
      {
        name: "slow",
        description: "async check",
        validateResource: async (_args, report) => {
          await new Promise((r) => setImmediate(r));
          report("late");
        },
      },
    ];
    const r = [res(BUCKET, "a", {})];
    assert.throws(
      () => runPoliciesOffline(r, { policies: custom }),
      /Policy 'slow' is asynchronous \(returned a Promise\); use runPoliciesOfflineAsync/,
    );
    const v = await runPoliciesOfflineAsync(r, { policies: custom });
    assert.deepEqual(
      v.map((x) => x.message),
      ["async check\nlate"],
    );
    assert.deepEqual(await runPoliciesOfflineAsync(goodHub()), runPoliciesOffline(goodHub()));
  });

  it("surfaces a policy that throws as an error naming the policy and resource", () => {
    const custom: Policies = [
      {
        name: "broken",
        description: "d",
        validateResource: () => {
          throw new Error("boom");
        },
      },
    ];
    assert.throws(
      () => runPoliciesOffline([res(BUCKET, "a", {})], { policies: custom }),
      /Error validating resource urn:pulumi:test::security-guard::aws:s3\/bucket:Bucket::a with policy 'broken': boom/,
    );
  });
});
