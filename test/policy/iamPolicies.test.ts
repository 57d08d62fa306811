import { strict as assert } from "assert";
import { doc, HUB_ACCOUNT, provider, res, SPOKE_ACCOUNT } from "./fixtures";
import { assertNoneOf, violationsOf } from "./run";

const ROLE = "aws:iam/role:Role";
const lambdaTrust = doc({
  Effect: "Allow",
  Principal: { Service: "lambda.amazonaws.com" },
  Action: "sts:AssumeRole",
});

describe("policy iam-no-wildcard-action", () => {
  const POLICY = "iam-no-wildcard-action";

  it('flags "*" and "*:*" and NotAction in Allow statements of inline, role and managed policies', () => {
    const v = violationsOf(POLICY, [
      res(ROLE, "r", {
        assumeRolePolicy: lambdaTrust,
        inlinePolicies: [
          { name: "ok", policy: doc({ Effect: "Allow", Action: "sns:Publish", Resource: "*" }) },
          {
            name: "bad",
            policy: doc({ Sid: "All", Effect: "Allow", Action: ["sns:Publish", "*"], Resource: "*" }),
          },
        ],
      }),
      res("aws:iam/rolePolicy:RolePolicy", "rp", {
        role: "r",
        policy: { Statement: [{ Effect: "Allow", Action: "*:*", Resource: "*" }] },
      }),
      res("aws:iam/policy:Policy", "mp", {
        policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
      }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        ["r", 'inlinePolicies[1].policy Statement[0] (Sid "All") allows action "*".'],
        ["rp", 'policy Statement[0] allows action "*".'],
        ["mp", "policy Statement[0] uses NotAction in an Allow statement, which allows every other action."],
      ],
    );
  });

  it('passes Deny "*", service wildcards, and resource policies (key policies may say kms:*)', () => {
    assertNoneOf(POLICY, [
      res("aws:iam/policy:Policy", "deny", { policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) }),
      res("aws:iam/policy:Policy", "svc", {
        policy: doc({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }),
      }),
      res("aws:kms/key:Key", "key", {
        policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "kms:*" }),
      }),
      res("aws:iam/policy:Policy", "unknown", { policy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
    ]);
  });
});

describe("policy iam-trust-specific-principals", () => {
  const POLICY = "iam-trust-specific-principals";
  const assume = (statement: Record<string, unknown>) =>
    doc({ Effect: "Allow", Action: "sts:AssumeRole", ...statement });

  it("flags Principal * / {AWS: *} / wildcard ARNs without a narrowing condition", () => {
    const v = violationsOf(POLICY, [
      res(ROLE, "star", { assumeRolePolicy: assume({ Principal: "*" }) }),
      res(ROLE, "aws-star", { assumeRolePolicy: assume({ Principal: { AWS: "*" } }) }),
      res(ROLE, "wild-arn", { assumeRolePolicy: assume({ Principal: { AWS: "arn:aws:iam::*:role/x" } }) }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1].split(" without")[0]]),
      [
        ["star", "assumeRolePolicy Statement[0] trusts principal *"],
        ["aws-star", "assumeRolePolicy Statement[0] trusts principal *"],
        ["wild-arn", "assumeRolePolicy Statement[0] trusts principal arn:aws:iam::*:role/x"],
      ],
    );
  });

  it("flags another account's root (ARN or bare id) without aws:PrincipalArn, and NotPrincipal", () => {
    const v = violationsOf(POLICY, [
      res(ROLE, "root", {
        assumeRolePolicy: assume({ Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` } }),
      }),
      res(ROLE, "bare", { assumeRolePolicy: assume({ Principal: { AWS: HUB_ACCOUNT } }) }),
      res(ROLE, "not", { assumeRolePolicy: assume({ NotPrincipal: { AWS: "arn:aws:iam::1:user/x" } }) }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        [
          "root",
          `assumeRolePolicy Statement[0] trusts the whole account ${HUB_ACCOUNT} (arn:aws:iam::${HUB_ACCOUNT}:root) without a condition on aws:PrincipalArn; trust specific role ARNs.`,
        ],
        [
          "bare",
          `assumeRolePolicy Statement[0] trusts the whole account ${HUB_ACCOUNT} (${HUB_ACCOUNT}) without a condition on aws:PrincipalArn; trust specific role ARNs.`,
        ],
        [
          "not",
          "assumeRolePolicy Statement[0] uses NotPrincipal in an Allow statement, which trusts everyone else.",
        ],
      ],
    );
  });

  it("passes exact role ARNs, narrowed wildcards and roots, the provider's own account root, and services", () => {
    const prov = provider(SPOKE_ACCOUNT, "us-east-1");
    assertNoneOf(POLICY, [
      prov,
      res(ROLE, "exact", {
        assumeRolePolicy: assume({
          Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-remediator` },
        }),
      }),
      res(ROLE, "org", {
        assumeRolePolicy: assume({
          Principal: "*",
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123def4" } },
        }),
      }),
      res(ROLE, "external", {
        assumeRolePolicy: assume({
          Principal: { AWS: "*" },
          Condition: { StringEquals: { "sts:ExternalId": "x" } },
        }),
      }),
      res(ROLE, "root-narrowed", {
        assumeRolePolicy: assume({
          Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` },
          Condition: {
            ArnEquals: {
              "aws:PrincipalArn": `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-chatops-worker`,
            },
          },
        }),
      }),
      res(
        ROLE,
        "own-root",
        { assumeRolePolicy: assume({ Principal: { AWS: `arn:aws:iam::${SPOKE_ACCOUNT}:root` } }) },
        { provider: prov.urn },
      ),
      res(ROLE, "service", { assumeRolePolicy: lambdaTrust }),
      res(ROLE, "deny", {
        assumeRolePolicy: doc({ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }),
      }),
      res(ROLE, "unknown", {
        assumeRolePolicy: assume({ Principal: { AWS: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }),
      }),
    ]);
  });

  it("reads the provider's account from allowedAccountIds stored as JSON text (provider state)", () => {
    const prov = res("pulumi:providers:aws", "p", {
      region: "us-east-1",
      allowedAccountIds: JSON.stringify([SPOKE_ACCOUNT]),
    });
    const role = res(
      ROLE,
      "own-root",
      { assumeRolePolicy: assume({ Principal: { AWS: `arn:aws:iam::${SPOKE_ACCOUNT}:root` } }) },
      { provider: prov.urn },
    );
    assertNoneOf(POLICY, [prov, role]);
    assert.equal(violationsOf(POLICY, [role]).length, 1, "without the provider the account is foreign");
  });
});
