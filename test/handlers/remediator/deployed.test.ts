// The remediation function as deployed: the package `npm run lambdas` writes for the hub stack
// (Pulumi.hub.yaml), run in a separate node process with only the AWS SDK on NODE_PATH, with the
// hub account's credentials, against moto. Settings come from the serialized closure, so this
// also checks that the stack's settings (bus ARN, dry-run accounts, rule names) work end to end.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { configEvent, createGroup, credentialsIn, ingress, reportSink, spokeEc2, tcp } from "./support";

const FUNCTION = "security-guard-remediator";
const HUB_BUS = "security-guard-events";
const REGION = "ap-northeast-2";

const hubConfig = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const HUB_ACCOUNT: string = hubConfig["security-guard:accountId"];
const DRY_RUN_ACCOUNT: string = hubConfig["security-guard:remediation"].dryRunAccounts[0];
const ACTIVE_ACCOUNT = Object.keys(hubConfig["security-guard:accountNames"]).find(
  (a) => a !== HUB_ACCOUNT && a !== DRY_RUN_ACCOUNT,
) as string;

describe("remediator as deployed (npm run lambdas package, separate process, moto)", function () {
  this.timeout(120_000);
  const moto = useMoto();
  let fnDir: string;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    const fn = manifest.functions.find((f) => f.function === FUNCTION);
    assert.ok(
      fn,
      `${FUNCTION} is in the manifest (got ${manifest.functions.map((f) => f.function).join(", ")})`,
    );
    assert.ok(fn.environment.includes("REPORT_EVENT_BUS"), "the stack sets REPORT_EVENT_BUS");
    assert.ok(
      !fn.packages.some((p) => p.startsWith("@pulumi") || p.startsWith("@aws-sdk")),
      `packages: ${fn.packages}`,
    );
    fnDir = fn.dir;
  });

  it("revokes, repeats idempotently, honours the stack's dry-run account, ignores COMPLIANT and rejects junk, in one container", async () => {
    // The function runs as the hub account of Pulumi.hub.yaml; its bus is that account's.
    const hubCreds = await credentialsIn(HUB_ACCOUNT, `${FUNCTION}-role`);
    const sink = await reportSink({ busName: HUB_BUS, credentials: hubCreds });
    const active = await spokeEc2(ACTIVE_ACCOUNT, REGION);
    const dry = await spokeEc2(DRY_RUN_ACCOUNT, REGION);
    const g1 = await createGroup(active, "payments-web", [
      tcp(22, 22, ["0.0.0.0/0", "10.0.0.0/8"]),
      tcp(443, 443, ["0.0.0.0/0"]),
    ]);
    const g2 = await createGroup(dry, "web-bastion", [tcp(22, 22, [], ["::/0"])]);

    const first = configEvent({ id: "evt-1", account: ACTIVE_ACCOUNT, region: REGION, groupId: g1 });
    const { results, stdout, stderr } = await invokeDeployed(
      fnDir,
      [
        first,
        first,
        configEvent({ id: "evt-2", account: DRY_RUN_ACCOUNT, region: REGION, groupId: g2 }),
        configEvent({
          id: "evt-3",
          account: ACTIVE_ACCOUNT,
          region: REGION,
          groupId: g1,
          compliance: "COMPLIANT",
        }),
        {
          "detail-type": "Config Rules Compliance Change",
          id: "evt-4",
          detail: {
            configRuleName: "security-guard-restricted-ssh",
            resourceType: "AWS::EC2::SecurityGroup",
            newEvaluationResult: { complianceType: "NON_COMPLIANT" },
          },
        },
      ],
      {
        AWS_ENDPOINT_URL: moto().endpoint,
        AWS_ACCESS_KEY_ID: hubCreds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: hubCreds.secretAccessKey,
        AWS_SESSION_TOKEN: hubCreds.sessionToken,
        REPORT_EVENT_BUS: sink.busArn,
      },
    );

    const summary = results.map((r) =>
      r.ok
        ? (r.value as Array<{ outcome: string; groupId: string }>).map((v) => [v.outcome, v.groupId])
        : r.error,
    );
    assert.deepStrictEqual(
      summary.slice(0, 4),
      [[["revoked", g1]], [["already-compliant", g1]], [["dry-run", g2]], []],
      stderr,
    );
    assert.match(
      String(summary[4]),
      /^EventError: EventBridge event evt-4: detail.awsAccountId must be a 12-digit account id, got undefined; .*detail.resourceId must be a security group id/,
    );

    assert.deepStrictEqual(await ingress(active, g1), ["tcp 22-22 10.0.0.0/8", "tcp 443-443 0.0.0.0/0"]);
    assert.deepStrictEqual(await ingress(dry, g2), ["tcp 22-22 ::/0"]);

    const reports = await sink.drain();
    assert.deepStrictEqual(
      reports.map((r) => [r.source, r.detailType, r.detail.outcome, r.detail.accountId, r.detail.groupId]),
      [
        ["security-guard.remediation", "SSH Remediation Result", "revoked", ACTIVE_ACCOUNT, g1],
        ["security-guard.remediation", "SSH Remediation Result", "already-compliant", ACTIVE_ACCOUNT, g1],
        ["security-guard.remediation", "SSH Remediation Result", "dry-run", DRY_RUN_ACCOUNT, g2],
      ],
    );
    // Reports on the bus are exactly what the function returned.
    assert.deepStrictEqual(
      reports.map((r) => r.detail),
      results.slice(0, 3).flatMap((r) => r.value as unknown[]),
    );
    assert.strictEqual(
      reports[2].detail.reason,
      `dry-run (account ${DRY_RUN_ACCOUNT} is in dryRunAccounts); would revoke: TCP port 22 from ::/0`,
    );

    // Structured log lines carry the event id.
    const lines = (stdout + stderr)
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    assert.ok(
      lines.some((l) => l.message === "remediation revoked" && l.eventId === "evt-1" && l.groupId === g1),
    );
    assert.ok(lines.some((l) => l.message === "no remediation needed" && l.eventId === "evt-3"));
    assert.ok(lines.some((l) => l.level === "error" && l.message === "malformed event record: nothing done"));
  });

  it("the scheduled exemption check removes expired exemptions in the stack's chat-ops accounts and remediates them", async () => {
    const hubCreds = await credentialsIn(HUB_ACCOUNT, `${FUNCTION}-role`);
    const sink = await reportSink({ busName: HUB_BUS, credentials: hubCreds });
    const active = await spokeEc2(ACTIVE_ACCOUNT, REGION);
    const dry = await spokeEc2(DRY_RUN_ACCOUNT, REGION);
    const tag = hubConfig["security-guard:remediation"].exemptTagKey ?? "security-guard:ssh-exempt";
    const expired = "expires=2020-01-01T00:00:00Z by=slack-U0OPS why=migration";
    const current = "expires=2099-01-01T00:00:00Z by=slack-U0OPS why=vendor appliance";
    const g1 = await createGroup(
      active,
      "old-bastion",
      [tcp(22, 22, ["0.0.0.0/0"]), tcp(80, 80, ["0.0.0.0/0"])],
      {
        [tag]: expired,
      },
    );
    const g2 = await createGroup(active, "vendor", [tcp(22, 22, ["0.0.0.0/0"])], { [tag]: current });
    const g3 = await createGroup(dry, "dry-bastion", [tcp(22, 22, ["0.0.0.0/0"])], { [tag]: expired });

    const { results, stderr } = await invokeDeployed(fnDir, [{ "security-guard": "exemption-check" }], {
      AWS_ENDPOINT_URL: moto().endpoint,
      AWS_ACCESS_KEY_ID: hubCreds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: hubCreds.secretAccessKey,
      AWS_SESSION_TOKEN: hubCreds.sessionToken,
      REPORT_EVENT_BUS: sink.busArn,
    });
    assert.ok(results[0].ok, `${results[0].error}\n${stderr}`);
    const reports = results[0].value as Array<{
      outcome: string;
      groupId: string;
      trigger: { kind: string };
    }>;
    assert.deepStrictEqual(
      reports.map((r) => [r.outcome, r.groupId, r.trigger.kind]).sort(),
      [
        ["dry-run", g3, "exemption-expired"],
        ["revoked", g1, "exemption-expired"],
      ].sort(),
    );
    assert.deepStrictEqual(await ingress(active, g1), ["tcp 80-80 0.0.0.0/0"]);
    assert.deepStrictEqual(await ingress(active, g2), ["tcp 22-22 0.0.0.0/0"]);
    assert.deepStrictEqual(await ingress(dry, g3), ["tcp 22-22 0.0.0.0/0"]);
    const tagOf = async (ec2: typeof active, id: string) =>
      (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0].Tags?.find(
        (t) => t.Key === tag,
      )?.Value;
    assert.equal(await tagOf(active, g1), undefined);
    assert.equal(await tagOf(active, g2), current);
    assert.equal(await tagOf(dry, g3), undefined);
    assert.equal((await sink.drain()).length, 2);
  });
});
