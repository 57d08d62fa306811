import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackSummary, formatStack, plan, resourceTable } from "../../verify/plan";
import { listStackFiles } from "../../verify/stackFiles";

const REPO = path.resolve(__dirname, "..", "..");

describe("npm run plan (offline preview of every stack config)", function () {
  this.timeout(180_000);

  it("builds the repo's hub and three spokes with zero violations and reports quota headroom", async () => {
    const report = await plan(listStackFiles(REPO));
    assert.deepEqual(
      report.stacks.map((s) => [s.stack, s.role, s.ok, s.error]),
      [
        ["hub", "hub", true, undefined],
        ["spoke-data", "spoke", true, undefined],
        ["spoke-payments", "spoke", true, undefined],
        ["spoke-web", "spoke", true, undefined],
      ],
    );
    assert.equal(report.ok, true);
    assert.deepEqual(report.crossStackProblems, []);
    assert.equal(report.totals.mandatory, 0);
    const payments = report.stacks.find((s) => s.stack === "spoke-payments")!;
    assert.deepEqual(payments.resources["aws:cfg/recorder:Recorder"], {
      "us-east-1": 1,
      "ap-northeast-1": 1,
      "ap-northeast-2": 1,
    });
    // Every region: security groups, Config verdicts, alarms, the CIS changes, root activity, console
    // sign-ins, the three finding services and the five newer finding sources (Security Hub OCSF,
    // Malware Protection for S3, unused and internal access, Inspector), and the two heartbeat paths;
    // us-east-1 also IAM and Organizations. Sign-ins also in the Regions CloudTrail records IAM
    // users' sign-ins in.
    assert.deepEqual(payments.resources["aws:cloudwatch/eventRule:EventRule"], {
      "us-east-1": 18,
      "ap-northeast-1": 16,
      "ap-northeast-2": 16,
      "us-east-2": 1,
      "eu-north-1": 1,
      "ap-southeast-2": 1,
    });
    const hub = report.stacks.find((s) => s.stack === "hub")!;
    const busPolicy = hub.quotas.find((q) => q.quota === "eventBusPolicyChars")!;
    assert.equal(busPolicy.limit, 10240);
    assert.ok(busPolicy.fraction > 0 && busPolicy.fraction < 0.1, `bus policy uses ${busPolicy.fraction}`);
    // The Slack app's two request URLs: the slash command and the buttons on alerts.
    assert.deepEqual(hub.httpRoutes, ["POST /slack/commands", "POST /slack/interactions"]);
    assert.match(
      formatStack(hub, true),
      /\n {5}HTTP routes \(Slack app request URLs\): POST \/slack\/commands, POST \/slack\/interactions(\n|$)/,
    );
    assert.deepEqual(payments.httpRoutes, []);
    // The Mute button's mutes are not in stack config: the plan says where they are and how to list them.
    assert.match(
      formatStack(hub, true),
      /\n {5}mute report: mutes written from Slack \(Mute\) live in the DynamoDB table security-guard-alert-mutes \(hub account, us-east-1\), not in stack config: list them with `npm run mutes -- --region us-east-1`/,
    );
    assert.equal(payments.runtimeMutes, undefined);
  });

  it("fails a stack with invalid config, and a spoke missing from an account-list hub", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-plan-"));
    try {
      fs.writeFileSync(
        path.join(dir, "Pulumi.hub.yaml"),
        [
          "config:",
          "  security-guard:role: hub",
          '  security-guard:accountId: "111111111111"',
          "  security-guard:regions: [us-east-1]",
          '  security-guard:memberAccounts: ["333333333333"]',
          "  security-guard:slackWebhooks:",
          "    default:",
          "      secure: v1:x",
        ].join("\n"),
      );
      fs.writeFileSync(
        path.join(dir, "Pulumi.spoke-a.yaml"),
        'config:\n  security-guard:role: spoke\n  security-guard:accountId: "222222222222"\n  security-guard:hubStack: o/security-guard/hub\n  security-guard:regions: [us-east-1]\n',
      );
      fs.writeFileSync(
        path.join(dir, "Pulumi.spoke-b.yaml"),
        'config:\n  security-guard:role: spoke\n  security-guard:accountId: "12"\n',
      );
      const report = await plan(listStackFiles(dir));
      assert.equal(report.ok, false);
      const b = report.stacks.find((s) => s.stack === "spoke-b")!;
      assert.equal(b.ok, false);
      assert.match(b.error!, /Pulumi\.spoke-b\.yaml: 3 configuration problems/);
      assert.match(b.error!, /security-guard:accountId = "12": is not a 12-digit AWS account id/);
      assert.deepEqual(report.crossStackProblems, [
        'Pulumi.hub.yaml: security-guard:memberAccounts lacks "222222222222" (Pulumi.spoke-a.yaml); in account-list mode the hub must list every spoke',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the region columns of the terminal table apart (region names are 14 characters or more)", () => {
    const summary = {
      resources: {
        "pulumi:providers:aws": { global: 3 },
        "aws:cfg/recorder:Recorder": { "ap-northeast-1": 1, "ap-northeast-2": 1, "us-east-1": 1 },
        "aws:cloudwatch/eventRule:EventRule": { "ap-northeast-1": 3, "ap-northeast-2": 3, "us-east-1": 12 },
      },
    } as unknown as StackSummary;
    assert.deepEqual(resourceTable(summary), [
      "type                                global  ap-northeast-1  ap-northeast-2  us-east-1",
      "aws:cfg/recorder:Recorder                                1               1          1",
      "aws:cloudwatch/eventRule:EventRule                       3               3         12",
      "pulumi:providers:aws                     3",
    ]);
  });
});
