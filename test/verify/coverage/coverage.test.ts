// npm run coverage against moto with a seeded organization, through the recording proxy: an account
// without a spoke, a GuardDuty detector turned off and a silent spoke region are reported with
// their fixes; nothing is written. moto has no Access Analyzer, no Security Hub (the new one,
// DescribeSecurityHubV2) and no ListConfigurationRecorders: those three answers are scripted.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from "@aws-sdk/client-cloudtrail";
import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateDetectorCommand, GuardDutyClient, UpdateDetectorCommand } from "@aws-sdk/client-guardduty";
import { EnableCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { CreateBucketCommand, CreateBucketCommandInput, S3Client } from "@aws-sdk/client-s3";
import { EnableSecurityHubCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { CoverageReport } from "../../../handlers/coverage/coverage";
import { recordHeartbeat } from "../../../handlers/coverage/lastSeen";
import { LIVENESS_TABLE_NAME } from "../../../handlers/shared/constants";
import { coverage } from "../../../verify/coverage/coverage";
import { listStackFiles, stackFileConfig } from "../../../verify/stackFiles";
import { createLivenessTable } from "../../helpers/livenessTable";
import { seedSession, useMotoAndStackDir } from "../../helpers/seededAccounts";
import { RecordingProxy, Scripted, isRead, startRecordingProxy } from "../preflight/recordingProxy";

const HUB = "111111111111";
const ROOT = path.resolve(__dirname, "..", "..", "..");
const NOW = Date.parse("2026-12-05T09:00:00Z");
const REGIONS = ["us-east-1", "us-west-2"];

const json = (action: string, body: unknown): Scripted => ({
  action,
  status: 200,
  contentType: "application/x-amz-json-1.1",
  body: JSON.stringify(body),
});
/** Answers moto cannot give (see the header): an organization analyzer, Security Hub on, no service-linked recorder. */
const STAND_INS: Scripted[] = [
  {
    // REST: GET /analyzer (ListAnalyzers) and GET /hubv2 (DescribeSecurityHubV2).
    ...json("", {
      analyzers: [
        {
          arn: "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org",
          name: "org",
          type: "ORGANIZATION",
          status: "ACTIVE",
          createdAt: "2026-01-01T00:00:00Z",
        },
      ],
    }),
    path: "/analyzer",
    contentType: "application/json",
  },
  {
    ...json("", { HubV2Arn: "arn:aws:securityhub:us-east-1:111111111111:hubv2/default" }),
    path: "/hubv2",
    contentType: "application/json",
  },
  json("ListConfigurationRecorders", { ConfigurationRecorderSummaries: [] }),
];

describe("npm run coverage (moto, seeded organization, every request recorded)", function () {
  this.timeout(180_000);
  const seeded = useMotoAndStackDir("coverage-");

  const as = async (account: string, region = "us-east-1") => ({
    ...(await seedSession(seeded.moto, account)),
    region,
  });

  function writeStack(name: string, lines: string[]): void {
    fs.writeFileSync(
      path.join(seeded.dir, `Pulumi.${name}.yaml`),
      ["config:", ...lines.map((l) => `  security-guard:${l}`)].join("\n") + "\n",
    );
  }

  /** The organization (the hub is its management account), a spoke "payments", an account "data" without one. */
  async function seed(): Promise<{ payments: string; data: string }> {
    const orgs = new OrganizationsClient(await as(HUB));
    const org = (await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!;
    for (const name of ["payments", "data"])
      await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const accounts = (await orgs.send(new ListAccountsCommand({}))).Accounts!;
    const payments = accounts.find((a) => a.Name === "payments")!.Id!;
    const data = accounts.find((a) => a.Name === "data")!.Id!;
    writeStack("hub", [
      "role: hub",
      `accountId: "${HUB}"`,
      "regions: [us-east-1]",
      `organizationId: ${org.Id}`,
      "slackWebhooks: { default: { secure: v1:offline } }",
    ]);
    writeStack("spoke-payments", [
      "role: spoke",
      `accountId: "${payments}"`,
      "hubStack: acme/security-guard/hub",
      `regions: [${REGIONS.join(", ")}]`,
    ]);

    // Everything on in both regions of payments, except GuardDuty turned off in us-west-2.
    for (const region of REGIONS) {
      const spoke = await as(payments, region);
      const detector = (await new GuardDutyClient(spoke).send(new CreateDetectorCommand({ Enable: true })))
        .DetectorId!;
      if (region === "us-west-2")
        await new GuardDutyClient(spoke).send(
          new UpdateDetectorCommand({ DetectorId: detector, Enable: false }),
        );
      await new SecurityHubClient(spoke).send(new EnableSecurityHubCommand({}));
      await new Inspector2Client(spoke).send(
        new EnableCommand({ accountIds: [payments], resourceTypes: ["EC2", "ECR", "LAMBDA"] }),
      );
      const bucket = `config-${region}-${payments}`;
      await new S3Client({ ...spoke, forcePathStyle: true }).send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }),
        } as CreateBucketCommandInput),
      );
      const cfg = new ConfigServiceClient(spoke);
      await cfg.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: {
            name: "default",
            roleARN: `arn:aws:iam::${payments}:role/config`,
            recordingGroup: { allSupported: true },
          },
        }),
      );
      await cfg.send(
        new PutDeliveryChannelCommand({ DeliveryChannel: { name: "default", s3BucketName: bucket } }),
      );
      await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: "default" }));
    }
    const east = await as(payments);
    const trails = new CloudTrailClient(east);
    await trails.send(
      new CreateTrailCommand({
        Name: "audit",
        S3BucketName: `config-us-east-1-${payments}`,
        IsMultiRegionTrail: true,
      }),
    );
    await trails.send(new StartLoggingCommand({ Name: "audit" }));

    // The hub's liveness table: us-east-1 heard 5 minutes ago, us-west-2 silent for 2 hours.
    const hub = new DynamoDBClient(await as(HUB));
    await createLivenessTable(hub);
    const beat = (region: string, agoMinutes: number) =>
      recordHeartbeat(hub, LIVENESS_TABLE_NAME, {
        account: payments,
        region,
        path: "forwarding",
        at: Math.floor(NOW / 1000) - agoMinutes * 60,
        intervalMinutes: 15,
      });
    await beat("us-east-1", 5);
    await beat("us-west-2", 120);
    return { payments, data };
  }

  async function viaProxy<T>(run: (proxy: RecordingProxy) => Promise<T>): Promise<T> {
    const proxy = await startRecordingProxy(seeded.moto.endpoint, STAND_INS);
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = proxy.url;
    try {
      const out = await run(proxy);
      assert.ok(proxy.requests.length > 0, "coverage made no AWS request at all");
      assert.deepEqual(
        proxy.requests.filter((r) => !isRead(r)),
        [],
        "coverage must never write",
      );
      return out;
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
      await proxy.close();
    }
  }

  it("reports the account without a spoke, the detector turned off and the silent spoke region, each with its fix", async () => {
    const { payments, data } = await seed();
    const report = await viaProxy(() =>
      coverage({
        configs: listStackFiles(seeded.dir).map((s) => ({ stack: s.stack, config: stackFileConfig(s) })),
        ignoreAccounts: [HUB],
        now: () => NOW,
      }),
    );
    assert.equal(report.ok, false);
    assert.equal(report.organizationAccounts, 3);
    assert.deepEqual(report.spokeAccounts, [payments]);
    const gaps = report.gaps.map((g) => [g.check, g.account, g.region]);
    assert.deepEqual(gaps, [
      ["no-spoke", data, "global"],
      ["silent-region", payments, "us-west-2"],
      ["guardduty", payments, "us-west-2"],
    ]);
    const [noSpoke, silent, detector] = report.gaps;
    assert.equal(noSpoke.what, `account data (${data}) has no spoke: nothing it does reaches the guard`);
    assert.equal(
      noSpoke.fix,
      `npm run account:add -- --account ${data} --name data --regions us-east-1,us-west-2, then pulumi up on the stack it writes`,
    );
    assert.equal(
      silent.what,
      "no heartbeat on the forwarding path since 2026-12-05T07:00:00.000Z (one every 15 min expected)",
    );
    assert.match(silent.fix, /npm run preflight -- --stack spoke-payments --hub-outputs hub-outputs\.json/);
    assert.match(silent.fix, /aws events describe-rule --name security-guard-heartbeat --region us-west-2/);
    assert.match(detector.what, /^guardduty is off: detector \w+ is DISABLED$/);
    assert.match(
      detector.fix,
      /^aws guardduty update-detector --detector-id \w+ --enable --region us-west-2$/,
    );
    // What is on, per region: every check, from the services' own answers.
    const east = report.regions.find((r) => r.region === "us-east-1")!;
    assert.deepEqual(
      east.checks.map((c) => [c.check, c.state]),
      [
        ["guardduty", "on"],
        ["security-hub", "on"],
        ["security-hub-v2", "on"],
        ["access-analyzer", "on"],
        ["inspector", "on"],
        ["config-recorder", "on"],
        ["trail", "on"],
      ],
    );
    assert.equal(east.checks.find((c) => c.check === "trail")!.detail, "trail audit");
  });

  it("the command exits 1 on gaps and prints JSON; it reads the hub account from --hub-outputs", async () => {
    const { data } = await seed();
    fs.writeFileSync(path.join(seeded.dir, "hub-outputs.json"), JSON.stringify({ hubAccountId: HUB }));
    // Asynchronous: the proxy answering the child runs in this process.
    const out = await viaProxy(
      (proxy) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
          execFile(
            process.execPath,
            [
              "-r",
              "ts-node/register/transpile-only",
              path.join(ROOT, "scripts", "coverage.ts"),
              "--dir",
              seeded.dir,
              "--hub-outputs",
              path.join(seeded.dir, "hub-outputs.json"),
              "--json",
            ],
            {
              cwd: ROOT,
              env: { ...process.env, ...seeded.moto.env, AWS_ENDPOINT_URL: proxy.url },
              timeout: 170_000,
            },
            (err, stdout, stderr) =>
              resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
          ),
        ),
    );
    assert.equal(out.status, 1, out.stderr);
    const report = JSON.parse(out.stdout) as CoverageReport;
    // Without --ignore the hub's own account (no spoke stack) is a gap too.
    assert.deepEqual(
      report.gaps
        .filter((g) => g.check === "no-spoke")
        .map((g) => g.account)
        .sort(),
      [HUB, data].sort(),
    );
  });
});
