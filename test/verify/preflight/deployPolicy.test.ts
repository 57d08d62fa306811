// The deploy role's policy: derived from what each repo stack creates, every action in AWS's catalog.
import { strict as assert } from "assert";
import * as path from "path";
import {
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
      for (const s of policy.Statement.filter((x) => x.Action.some((a) => a.startsWith("iam:"))))
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
