// A corpus of deliberately broken Pulumi programs (test/fixtures/broken-programs/<policy>[-<variant>]),
// one defect each and at least one per policy, must each be caught by `policy:check` with exactly the
// policy the directory is named after; the clean programs (clean*) must pass with zero violations.
// Each program is a real module loaded under the mock runtime, so checks run one at a time.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { policyNames } from "../../verify/policy/offline";
import { PolicyCheckResult, policyCheck } from "../../verify/policy/check";

const REPO = path.resolve(__dirname, "..", "..");
const CORPUS = path.join(REPO, "test", "fixtures", "broken-programs");

/** What the violation message must contain, per broken program. */
const EXPECTED_MESSAGE: Record<string, string> = {
  "no-public-ssh-ingress":
    "aws:ec2/securityGroup:SecurityGroup ingress[0] opens SSH (TCP 22-22) to 0.0.0.0/0.",
  "no-public-ssh-ingress-vpc-rule-all-traffic":
    "SecurityGroupIngressRule rule opens SSH (all traffic) to ::/0.",
  "no-public-ssh-ingress-global-unicast-ipv6":
    "aws:ec2/securityGroup:SecurityGroup ingress[1] opens SSH (TCP 22-22) to 2000::/3.",
  "no-public-ssh-ingress-sg-rule-all-ports": "SecurityGroupRule rule opens SSH (TCP 0-65535) to 0.0.0.0/0.",
  "no-plaintext-secrets-in-lambda-env": "Environment variable SLACK_URL holds a Slack webhook URL.",
  "no-plaintext-secrets-in-lambda-env-pulumi-secret":
    "Environment variable SLACK_SIGNING_SECRET has a secret-like name and a plaintext value.",
  "sns-topic-kms-encrypted": "kmsMasterKeyId is not set",
  "sns-topic-kms-encrypted-aws-managed-key": "kmsMasterKeyId is the AWS-managed key alias/aws/sns",
  "bus-and-topic-policies-scoped":
    'Statement[0] (Sid "AnyonePutEvents") allows Principal * without a condition',
  "bus-and-topic-policies-scoped-topic-policy":
    'Statement[0] (Sid "PublishFromAnywhere") allows Principal * without a condition',
  "resource-policy-size-limits": "bytes; the limit is 30720.",
  "resource-policy-size-limits-bus-policy": "characters; the limit is 10240.",
  "lambda-has-failure-destination":
    "Lambda function nightly-cleanup has no deadLetterConfig.targetArn and no FunctionEventInvokeConfig",
  "lambda-has-failure-destination-on-success-only":
    "Lambda function ingest has no deadLetterConfig.targetArn and no FunctionEventInvokeConfig",
  "lambda-log-group-retention": "Lambda function image-resizer has no log group /aws/lambda/image-resizer",
  "lambda-log-group-retention-no-retention":
    "Log group /aws/lambda/audit-export of Lambda function audit-export has no retentionInDays",
  "lambda-runtime-pinned": "runtime is listed in ignoreChanges",
  "lambda-runtime-pinned-deprecated-runtime":
    "runtime nodejs16.x was deprecated by AWS Lambda on 2024-06-12: use nodejs24.x.",
  "lambda-runtime-pinned-nodejs20":
    "runtime nodejs20.x was deprecated by AWS Lambda on 2026-04-30 (new functions blocked from 2026-08-31, updates from 2026-09-30): use nodejs24.x.",
  "iam-no-wildcard-action": 'policy Statement[0] (Sid "Everything") allows action "*".',
  "iam-no-wildcard-action-not-action": "uses NotAction in an Allow statement",
  "iam-trust-specific-principals": "assumeRolePolicy Statement[0] trusts principal * without a condition",
  "iam-trust-specific-principals-account-root":
    "trusts the whole account 999999999999 (arn:aws:iam::999999999999:root) without a condition on aws:PrincipalArn",
  "iam-actions-exist": '"ec2:DescribeSecurityGroup" is not an action',
  "iam-actions-exist-s3": '"s3:GetObjects" is not an action',
  "iam-actions-exist-lambda-permission": 'action: "lambda:InvokeFunctions" is not an action',
  "config-recorder-all-supported": "recordingGroup.allSupported is not true",
  "spoke-stack-shape":
    "Region eu-west-1: no AWS Config rule with source INCOMING_SSH_DISABLED (restricted-ssh).",
  "spoke-stack-shape-iam-rule-region":
    "IAM forwarding rule iam-changes-eu-west-1 is in eu-west-1; IAM events reach EventBridge only in us-east-1.",
  "hub-stack-shape": "The hub has no AWS Config aggregator",
  "hub-stack-shape-no-bus-policy": "The hub's event bus security-guard has no event bus policy",
};

/**
 * Advisory policies that depend on today's date: a program broken for them today is clean for them
 * tomorrow (or the reverse), and the corpus runs without policy config. Their unit tests pin the
 * date with `asOf` (test/policy/lambdaHygiene.test.ts).
 */
const DATED_ADVISORIES = ["lambda-runtime-deprecation-soon"];

/** Program directories of the corpus (`_*` holds shared modules and known gaps). */
function programDirs(): string[] {
  return fs
    .readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
    .filter((d) => fs.existsSync(path.join(CORPUS, d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
}

const isClean = (dir: string) => dir === "clean" || dir.startsWith("clean-");

/** The policy a broken program is named after: the longest policy name that is the dir or its prefix. */
function expectedPolicy(dir: string): string | undefined {
  return policyNames()
    .filter((p) => dir === p || dir.startsWith(`${p}-`))
    .sort((a, b) => b.length - a.length)[0];
}

function describeViolations(r: PolicyCheckResult): string {
  return r.violations.map((v) => `  [${v.level}] ${v.policy} ${v.name ?? "stack"}: ${v.message}`).join("\n");
}

async function check(dir: string): Promise<PolicyCheckResult> {
  const result = await policyCheck({ program: path.join(CORPUS, dir, "index.ts") });
  assert.equal(result.error, undefined, `${dir} did not build: ${result.error}`);
  assert.ok(result.resources > 1, `${dir} registered only ${result.resources} resources`);
  return result;
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(dir: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["ts-node", "--transpile-only", "scripts/policy-check.ts", "--program", path.join(CORPUS, dir)],
      { cwd: REPO, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

describe("broken-program corpus through policy:check", function () {
  this.timeout(120_000);
  const dirs = programDirs();
  const broken = dirs.filter((d) => !isClean(d));
  const clean = dirs.filter(isClean);

  it("has a clean program and names every broken program after a policy, with an expected message", () => {
    assert.ok(clean.includes("clean"), "test/fixtures/broken-programs/clean is missing");
    for (const dir of broken) {
      assert.ok(
        expectedPolicy(dir),
        `${dir} is not named <policy>[-<variant>] (policies: ${policyNames().join(", ")})`,
      );
      assert.ok(EXPECTED_MESSAGE[dir], `no expected message for ${dir} in EXPECTED_MESSAGE`);
    }
    assert.deepEqual(
      Object.keys(EXPECTED_MESSAGE).filter((d) => !broken.includes(d)),
      [],
      "EXPECTED_MESSAGE names programs that do not exist",
    );
  });

  it("has at least one broken program per policy of the pack", () => {
    const covered = new Set(broken.map(expectedPolicy));
    assert.deepEqual(
      policyNames().filter((p) => !covered.has(p) && !DATED_ADVISORIES.includes(p)),
      [],
      "policies without a broken program",
    );
  });

  for (const dir of clean) {
    it(`${dir}: zero violations`, async () => {
      const r = await check(dir);
      assert.deepEqual(r.violations, [], `${dir} should be clean, got:\n${describeViolations(r)}`);
    });
  }

  for (const dir of broken) {
    const policy = expectedPolicy(dir) ?? "(unnamed)";
    it(`${dir}: caught by ${policy} only`, async () => {
      const r = await check(dir);
      const policies = [...new Set(r.violations.map((v) => v.policy))].sort();
      assert.deepEqual(policies, [policy], `${dir}: expected only ${policy}, got:\n${describeViolations(r)}`);
      assert.ok(
        r.violations.every((v) => v.level === "mandatory"),
        `${dir}: expected mandatory violations:\n${describeViolations(r)}`,
      );
      const text = EXPECTED_MESSAGE[dir];
      assert.ok(
        r.violations.some((v) => v.message.includes(text)),
        `${dir}: no violation mentions ${JSON.stringify(text)}:\n${describeViolations(r)}`,
      );
    });
  }

  it("known gap: a CallbackFunction without runtime registers like a pinned one (not caught yet)", async () => {
    const r = await policyCheck({
      program: path.join(CORPUS, "_gaps", "callback-function-default-runtime", "index.ts"),
    });
    assert.equal(r.error, undefined, r.error);
    // Only mandatory ones: the provider's default runtime may come near its deprecation date, which
    // lambda-runtime-deprecation-soon rightly advises about.
    assert.deepEqual(
      r.violations.filter((v) => v.level === "mandatory"),
      [],
      "lambda-runtime-pinned now catches a CallbackFunction without runtime: move " +
        "_gaps/callback-function-default-runtime into the corpus as lambda-runtime-pinned-callback-default\n" +
        describeViolations(r),
    );
  });

  describe("the CLI (npm run policy:check)", () => {
    it("exits 1 and names the policy for a broken program", async () => {
      const run = await runCli("no-public-ssh-ingress");
      assert.equal(run.code, 1, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
      assert.match(
        run.stdout,
        /\[mandatory\] no-public-ssh-ingress: bastion \(aws:ec2\/securityGroup:SecurityGroup\)/,
      );
      assert.match(run.stdout, /FAIL: \d+ resources, 1 mandatory/);
    });

    it("exits 0 for the clean program", async () => {
      const run = await runCli("clean");
      assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /PASS: \d+ resources, 0 mandatory, 0 advisory violations/);
    });
  });
});
