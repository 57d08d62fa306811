// The deploy role's policy: derived from what each repo stack creates, every action in AWS's catalog.
import { strict as assert } from "assert";
import * as path from "path";
import {
  KMS_CALLS_VIA_SERVICE,
  RESOURCE_ACTIONS,
  deployPolicyFor,
  deployPolicyForTypes,
} from "../../../verify/preflight/deployPolicy";
import { listStackFiles } from "../../../verify/stackFiles";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("deploy-role policy (npm run preflight -- --stack NAME --deploy-policy)", function () {
  this.timeout(180_000);

  it("covers every resource type of every repo stack, with every provider call of that type", async () => {
    const stacks = listStackFiles(ROOT);
    assert.ok(stacks.length >= 4, stacks.map((s) => s.stack).join(", "));
    const seen = new Set<string>();
    for (const stack of stacks) {
      const { policy, types } = await deployPolicyFor(stack);
      const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
      const aws = types.filter((t) => t.startsWith("aws:"));
      assert.ok(aws.length >= 10, `${stack.stack}: ${aws.join(", ")}`);
      for (const t of aws) {
        seen.add(t);
        for (const a of RESOURCE_ACTIONS[t]) assert.ok(allowed.has(a), `${stack.stack}: ${t} needs ${a}`);
      }
      // IAM writes and PassRole reach only the guard's own roles.
      const iamWrites = policy.Statement.filter((x) => x.Sid !== "ConfigServiceLinkedRole");
      for (const s of iamWrites.filter((x) => x.Action.some((a) => a.startsWith("iam:"))))
        assert.equal(
          s.Resource,
          `arn:aws:iam::${stack.config["security-guard:accountId"]}:role/security-guard-*`,
          s.Sid,
        );
      assert.ok(!allowed.has("*") && ![...allowed].some((a) => a.endsWith(":*")), "no wildcard action");
    }
    // The hub and spokes together use the types the stacks are known for.
    for (const t of [
      "aws:lambda/function:Function",
      "aws:cfg/recorder:Recorder",
      "aws:cloudtrail/trail:Trail",
      "aws:kms/key:Key",
    ])
      assert.ok(seen.has(t), t);
  });

  it("the hub's policy lets it put its key policy, pass roles to Lambda, and read the organization", async () => {
    const hub = listStackFiles(ROOT).find((s) => s.stack === "hub")!;
    const { policy } = await deployPolicyFor(hub);
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const a of [
      "kms:PutKeyPolicy",
      "iam:PassRole",
      "organizations:DescribeOrganization",
      "lambda:CreateFunction",
    ])
      assert.ok(actions.includes(a), a);
    assert.deepEqual(policy.Statement.find((s) => s.Sid === "PassGuardRoles")!.Condition, {
      StringEquals: {
        "iam:PassedToService": ["config.amazonaws.com", "events.amazonaws.com", "lambda.amazonaws.com"],
      },
    });
  });

  it("maps each resource type of the hub to the KMS calls its provider makes, and grants only to AWS resources", async () => {
    const hub = listStackFiles(ROOT).find((s) => s.stack === "hub")!;
    const { policy, types } = await deployPolicyFor(hub);
    const kmsCalls = Object.fromEntries(
      types
        .filter((t) => t.startsWith("aws:"))
        .map((t) => [
          t,
          [...RESOURCE_ACTIONS[t], ...(KMS_CALLS_VIA_SERVICE[t]?.actions ?? [])].filter((a) =>
            a.startsWith("kms:"),
          ),
        ])
        .filter(([, calls]) => calls.length > 0),
    );
    assert.deepEqual(Object.keys(kmsCalls).sort(), [
      "aws:dynamodb/table:Table",
      "aws:kms/alias:Alias",
      "aws:kms/ciphertext:Ciphertext",
      "aws:kms/key:Key",
    ]);
    assert.deepEqual(kmsCalls["aws:dynamodb/table:Table"], ["kms:CreateGrant", "kms:DescribeKey"]);
    assert.deepEqual(kmsCalls["aws:kms/ciphertext:Ciphertext"], ["kms:Encrypt"]);
    const grant = policy.Statement.filter((s) => s.Action.includes("kms:CreateGrant"));
    assert.deepEqual(grant, [
      {
        Sid: "KmsGrantsForAwsResources",
        Effect: "Allow",
        Action: ["kms:CreateGrant"],
        Resource: "arn:aws:kms:*:111111111111:key/*",
        Condition: {
          Bool: { "kms:GrantIsForAWSResource": "true" },
          StringLike: { "kms:ViaService": ["dynamodb.*.amazonaws.com"] },
        },
      },
    ]);
  });

  it("a first deploy: Config's service-linked role in a spoke, Config's organization access in the hub", async () => {
    const all = listStackFiles(ROOT);
    const hub = (await deployPolicyFor(all.find((s) => s.stack === "hub")!)).policy;
    assert.deepEqual(
      hub.Statement.find((s) => s.Sid === "ConfigOrganizationAccess"),
      {
        Sid: "ConfigOrganizationAccess",
        Effect: "Allow",
        Action: ["organizations:EnableAWSServiceAccess"],
        Resource: "*",
        Condition: { StringEquals: { "organizations:ServicePrincipal": "config.amazonaws.com" } },
      },
    );
    const spoke = (await deployPolicyFor(all.find((s) => s.stack === "spoke-payments")!)).policy;
    assert.deepEqual(
      spoke.Statement.find((s) => s.Sid === "ConfigServiceLinkedRole"),
      {
        Sid: "ConfigServiceLinkedRole",
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "arn:aws:iam::222222222222:role/aws-service-role/config.amazonaws.com/*",
        Condition: { StringEquals: { "iam:AWSServiceName": "config.amazonaws.com" } },
      },
    );
  });

  it("refuses a resource type it has no actions for, and an action AWS does not have", () => {
    assert.throws(
      () => deployPolicyForTypes(["aws:ec2/vpc:Vpc"], "222222222222", "aws"),
      /no deploy-role actions known for resource type\(s\): aws:ec2\/vpc:Vpc/,
    );
    const saved = RESOURCE_ACTIONS["aws:kms/alias:Alias"];
    RESOURCE_ACTIONS["aws:kms/alias:Alias"] = ["kms:CreateAliass"];
    try {
      assert.throws(
        () => deployPolicyForTypes(["aws:kms/alias:Alias"], "222222222222", "aws"),
        /not in AWS's action catalog: .*kms:CreateAliass/,
      );
    } finally {
      RESOURCE_ACTIONS["aws:kms/alias:Alias"] = saved;
    }
  });
});
