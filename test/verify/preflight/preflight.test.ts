// npm run preflight against moto with seeded accounts, through a proxy that records every request:
// each finding (account, region, resource, blocks, fix), the exit code, and no write call ever.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { CreateBucketCommand, CreateBucketCommandInput, S3Client } from "@aws-sdk/client-s3";
import { Finding, PreflightReport } from "../../../verify/preflight/findings";
import { preflight } from "../../../verify/preflight/preflight";
import { readStackFile } from "../../../verify/stackFiles";
import { seedSession, useMotoAndStackDir } from "../../helpers/seededAccounts";
import { RecordingProxy, isRead, startRecordingProxy } from "./recordingProxy";

const SPOKE = "222222222222";
const HUB = "111111111111";
const ROOT = path.resolve(__dirname, "..", "..", "..");

function stsDenied(message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;
}

describe("npm run preflight (moto, seeded accounts, every request recorded)", function () {
  this.timeout(180_000);
  const seeded = useMotoAndStackDir("preflight-");
  const as = (account: string) => seedSession(seeded.moto, account);

  function writeStack(name: string, lines: string[]): void {
    fs.writeFileSync(
      path.join(seeded.dir, `Pulumi.${name}.yaml`),
      [
        "config:",
        '  pulumi:disable-default-providers: ["*"]',
        ...lines.map((l) => `  security-guard:${l}`),
      ].join("\n") + "\n",
    );
  }

  function spokeStack(name: string, extra: string[] = []): void {
    writeStack(name, [
      "role: spoke",
      `accountId: "${SPOKE}"`,
      "hubStack: acme/security-guard/hub",
      "regions: [us-east-1, us-west-2]",
      ...extra,
    ]);
  }

  function hubOutputsFile(omit: string[] = []): string {
    const outputs: Record<string, string> = {
      hubAccountId: HUB,
      busArn: `arn:aws:events:us-east-1:${HUB}:event-bus/security-guard-events`,
      configTopicArn: `arn:aws:sns:us-east-1:${HUB}:security-guard-config`,
      alarmTopicArn: `arn:aws:sns:us-east-1:${HUB}:security-guard-alarms`,
      remediatorRoleArn: `arn:aws:iam::${HUB}:role/security-guard-remediator-role`,
      chatopsWorkerRoleArn: "",
      organizationId: "o-a1b2c3d4e5",
    };
    for (const k of omit) delete outputs[k];
    const file = path.join(seeded.dir, "hub-outputs.json");
    fs.writeFileSync(file, JSON.stringify(outputs));
    return file;
  }

  /** Runs preflight with the SDK pointed at the recording proxy; asserts no request wrote anything. */
  async function run(
    stack: string,
    options: { hubOutputsFile?: string; scripted?: Parameters<typeof startRecordingProxy>[1] } = {},
  ): Promise<{ report: PreflightReport; proxy: RecordingProxy }> {
    // moto has no ListConfigurationRecorders (service-linked recorders): it lists none unless a test says so.
    const proxy = await startRecordingProxy(seeded.moto.endpoint, [
      ...(options.scripted ?? []),
      noLinkedRecorders,
    ]);
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = proxy.url;
    try {
      const report = await preflight(readStackFile(path.join(seeded.dir, `Pulumi.${stack}.yaml`)), {
        hubOutputsFile: options.hubOutputsFile,
      });
      assert.ok(proxy.requests.length > 0, "preflight made no AWS request at all");
      assert.deepEqual(
        proxy.requests.filter((r) => !isRead(r)),
        [],
        "preflight must never write",
      );
      return { report, proxy };
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
      await proxy.close();
    }
  }

  const json = (body: unknown) => ({
    status: 200,
    contentType: "application/x-amz-json-1.1",
    body: JSON.stringify(body),
  });
  const noLinkedRecorders = {
    action: "ListConfigurationRecorders",
    ...json({ ConfigurationRecorderSummaries: [] }),
  };
  /** Security Hub CSPM's service-linked recorder, as ListConfigurationRecorders and Describe* answer for it. */
  function securityHubRecorder(region: string, recording: boolean) {
    const principal = "securityhub.amazonaws.com";
    const arn = `arn:aws:config:${region}:${SPOKE}:configuration-recorder/AWSConfigurationRecorderForSecurityHubCSPM/abc`;
    const name = "AWSConfigurationRecorderForSecurityHubCSPM";
    return [
      {
        action: "ListConfigurationRecorders",
        ...json({
          ConfigurationRecorderSummaries: [
            { arn, name, servicePrincipal: principal, recordingScope: "INTERNAL" },
          ],
        }),
      },
      {
        action: "DescribeConfigurationRecorders",
        bodyIncludes: principal,
        ...json({
          ConfigurationRecorders: [
            {
              arn,
              name,
              servicePrincipal: principal,
              recordingScope: "INTERNAL",
              recordingGroup: { allSupported: false, resourceTypes: ["AWS::EC2::SecurityGroup"] },
            },
          ],
        }),
      },
      {
        action: "DescribeConfigurationRecorderStatus",
        bodyIncludes: principal,
        ...json({ ConfigurationRecordersStatus: [{ arn, name, servicePrincipal: principal, recording }] }),
      },
    ];
  }

  const by = (r: PreflightReport, check: string, region?: string): Finding[] =>
    r.findings.filter((f) => f.check === check && (region === undefined || f.region === region));

  it("a spoke with an existing recorder and channel, a stopped trail, leftovers and a hub without outputs: all blocking", async () => {
    const spoke = await as(SPOKE);
    const east = { ...spoke, region: "us-east-1" };
    const cfg = new ConfigServiceClient(east);
    await cfg.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: "default",
          roleARN: `arn:aws:iam::${SPOKE}:role/aws-service-role/config`,
        },
      }),
    );
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: "seed-config" }),
    );
    await cfg.send(
      new PutDeliveryChannelCommand({ DeliveryChannel: { name: "default", s3BucketName: "seed-config" } }),
    );
    // A multi-region trail that is not logging.
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: "seed-trail" }),
    );
    await new CloudTrailClient(east).send(
      new CreateTrailCommand({ Name: "org-audit", S3BucketName: "seed-trail", IsMultiRegionTrail: true }),
    );
    // Leftovers of an earlier run with the stack's fixed names.
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: `security-guard-config-${SPOKE}` } as CreateBucketCommandInput),
    );
    await new IAMClient(east).send(
      new CreateRoleCommand({ RoleName: "security-guard-forwarder", AssumeRolePolicyDocument: "{}" }),
    );
    spokeStack("spoke-x");

    const { report } = await run("spoke-x", { hubOutputsFile: hubOutputsFile(["busArn"]) });
    assert.equal(report.ok, false);
    assert.deepEqual(
      by(report, "config-recorder", "us-east-1").map((f) => [f.account, f.resource, f.blocks]),
      [[SPOKE, 'configuration recorder "default"', true]],
    );
    assert.match(
      by(report, "config-recorder", "us-east-1")[0].fix!,
      /add us-east-1 to security-guard:existingRecorderRegions/,
    );
    assert.match(
      by(report, "config-recorder", "us-east-1")[0].fix!,
      /pulumi import aws:cfg\/recorder:Recorder <resource name> default/,
    );
    assert.deepEqual(
      by(report, "delivery-channel", "us-east-1").map((f) => [f.resource, f.blocks]),
      [['delivery channel "default"', true]],
    );
    assert.deepEqual(
      by(report, "config-recorder", "us-west-2"),
      [],
      "no recorder in us-west-2: nothing to say",
    );
    for (const region of ["us-east-1", "us-west-2"]) {
      const [trail] = by(report, "trail", region);
      assert.equal(trail.blocks, true, region);
      assert.equal(trail.resource, `arn:aws:cloudtrail:us-east-1:${SPOKE}:trail/org-audit`);
      assert.match(trail.message, /trail org-audit covers this region but is not logging/);
      assert.equal(
        trail.fix,
        `aws cloudtrail start-logging --name arn:aws:cloudtrail:us-east-1:${SPOKE}:trail/org-audit --region us-east-1`,
      );
    }
    assert.deepEqual(
      by(report, "fixed-name").map((f) => [f.region, f.resource, f.blocks, f.fix]),
      [
        [
          "global",
          "role security-guard-forwarder",
          true,
          "if this stack deployed it, nothing to do; else adopt it: pulumi import --stack spoke-x aws:iam/role:Role spoke-account-forwarder security-guard-forwarder (or delete the leftover)",
        ],
        [
          "global",
          `bucket security-guard-config-${SPOKE}`,
          true,
          `if this stack deployed it, nothing to do; else adopt it: pulumi import --stack spoke-x aws:s3/bucket:Bucket spoke-account-config-bucket security-guard-config-${SPOKE} (or delete the leftover)`,
        ],
      ],
    );
    const [outputs] = by(report, "hub-outputs");
    assert.deepEqual([outputs.resource, outputs.blocks], ["acme/security-guard/hub", true]);
    assert.match(outputs.message, /the hub stack has no output busArn/);
    assert.match(outputs.fix!, /^pulumi up --stack hub, then pulumi stack output --stack hub --json/);
  });

  it("a spoke that uses its existing, recording recorders, with a logging trail: nothing blocks", async () => {
    const spoke = await as(SPOKE);
    for (const region of ["us-east-1", "us-west-2"]) {
      const cfg = new ConfigServiceClient({ ...spoke, region });
      await cfg.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: { name: "control-tower", roleARN: `arn:aws:iam::${SPOKE}:role/ct` },
        }),
      );
      await new S3Client({ ...spoke, region, forcePathStyle: true }).send(
        new CreateBucketCommand({
          Bucket: `ct-${region}`,
          ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }),
        } as CreateBucketCommandInput),
      );
      await cfg.send(
        new PutDeliveryChannelCommand({
          DeliveryChannel: { name: "control-tower", s3BucketName: `ct-${region}` },
        }),
      );
      await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: "control-tower" }));
    }
    const trails = new CloudTrailClient({ ...spoke, region: "us-east-1" });
    await trails.send(
      new CreateTrailCommand({ Name: "audit", S3BucketName: "ct-us-east-1", IsMultiRegionTrail: true }),
    );
    await trails.send(new StartLoggingCommand({ Name: "audit" }));
    spokeStack("spoke-ok", ["createRecorder: false"]);

    const { report } = await run("spoke-ok", { hubOutputsFile: hubOutputsFile() });
    assert.deepEqual(
      report.findings.filter((f) => f.blocks),
      [],
    );
    assert.equal(report.ok, true);
    for (const region of ["us-east-1", "us-west-2"]) {
      assert.deepEqual(
        by(report, "config-recorder", region).map((f) => [f.resource, f.blocks]),
        [['configuration recorder "control-tower"', false]],
      );
      assert.deepEqual(
        by(report, "trail", region).map((f) => [f.resource, f.blocks]),
        [[`arn:aws:cloudtrail:us-east-1:${SPOKE}:trail/audit`, false]],
      );
    }
  });

  it("a single-region trail leaves the other regions silent; a used recorder that does not record blocks", async () => {
    const spoke = await as(SPOKE);
    const east = { ...spoke, region: "us-east-1" };
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: "trail-east" }),
    );
    const trails = new CloudTrailClient(east);
    await trails.send(new CreateTrailCommand({ Name: "east-only", S3BucketName: "trail-east" }));
    await trails.send(new StartLoggingCommand({ Name: "east-only" }));
    await new ConfigServiceClient(east).send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: { name: "default", roleARN: `arn:aws:iam::${SPOKE}:role/r` },
      }),
    );
    spokeStack("spoke-trail", ["createRecorder: false"]);

    const { report } = await run("spoke-trail", { hubOutputsFile: hubOutputsFile() });
    assert.equal(by(report, "trail", "us-east-1")[0].blocks, false);
    const [west] = by(report, "trail", "us-west-2");
    assert.equal(west.blocks, true);
    // A single-region trail is not even listed in another region (only multi-region trails shadow).
    assert.equal(
      west.message,
      `no logging trail with management write events covers ${SPOKE} in us-west-2: security-group and IAM changes would never reach the hub`,
    );
    assert.match(west.fix!, /set security-guard:createTrail: true, or create a logging organization trail/);
    assert.deepEqual(
      by(report, "config-recorder").map((f) => [f.region, f.resource, f.blocks, f.fix]),
      [
        [
          "us-east-1",
          'configuration recorder "default"',
          true,
          "aws configservice start-configuration-recorder --configuration-recorder-name default --region us-east-1",
        ],
        [
          "us-west-2",
          "configuration recorder (none)",
          true,
          "remove us-west-2 from security-guard:existingRecorderRegions (and set security-guard:createRecorder true) so that the stack creates one",
        ],
      ],
    );
  });

  it("Security Hub's service-linked recorder neither blocks the stack's own recorder nor counts as one to use", async () => {
    const spoke = await as(SPOKE);
    const east = { ...spoke, region: "us-east-1" };
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: "trail-all" }),
    );
    const trails = new CloudTrailClient(east);
    await trails.send(
      new CreateTrailCommand({ Name: "audit", S3BucketName: "trail-all", IsMultiRegionTrail: true }),
    );
    await trails.send(new StartLoggingCommand({ Name: "audit" }));
    spokeStack("spoke-own");
    const own = await run("spoke-own", {
      hubOutputsFile: hubOutputsFile(),
      scripted: securityHubRecorder("us-east-1", true),
    });
    assert.deepEqual(
      by(own.report, "config-recorder").map((f) => [f.region, f.resource, f.blocks]),
      [
        [
          "us-east-1",
          'service-linked configuration recorder "AWSConfigurationRecorderForSecurityHubCSPM" (securityhub.amazonaws.com)',
          false,
        ],
        [
          "us-west-2",
          'service-linked configuration recorder "AWSConfigurationRecorderForSecurityHubCSPM" (securityhub.amazonaws.com)',
          false,
        ],
      ],
    );
    assert.equal(own.report.ok, true);

    spokeStack("spoke-use", ["createRecorder: false"]);
    const use = await run("spoke-use", {
      hubOutputsFile: hubOutputsFile(),
      scripted: securityHubRecorder("us-east-1", true),
    });
    const blocking = by(use.report, "config-recorder", "us-east-1").filter((f) => f.blocks);
    assert.deepEqual(
      blocking.map((f) => [f.resource, f.message]),
      [
        [
          "configuration recorder (none)",
          "the stack config says to use the existing recorder here, but there is none (only service-linked configuration recorder " +
            '"AWSConfigurationRecorderForSecurityHubCSPM" (securityhub.amazonaws.com), whose items the account\'s Config rules do not evaluate): ' +
            "the restricted-ssh rule could not be created",
        ],
      ],
    );
  });

  it("a logging trail without management write events blocks, with the event-selector fix", async () => {
    const spoke = await as(SPOKE);
    const east = { ...spoke, region: "us-east-1" };
    await new S3Client({ ...east, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: "trail-data" }),
    );
    const trails = new CloudTrailClient(east);
    await trails.send(
      new CreateTrailCommand({ Name: "data-only", S3BucketName: "trail-data", IsMultiRegionTrail: true }),
    );
    await trails.send(
      new PutEventSelectorsCommand({
        TrailName: "data-only",
        EventSelectors: [{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true }],
      }),
    );
    await trails.send(new StartLoggingCommand({ Name: "data-only" }));
    spokeStack("spoke-reads");
    const { report } = await run("spoke-reads", { hubOutputsFile: hubOutputsFile() });
    const arn = `arn:aws:cloudtrail:us-east-1:${SPOKE}:trail/data-only`;
    for (const region of ["us-east-1", "us-west-2"]) {
      const [trail] = by(report, "trail", region);
      assert.deepEqual([trail.resource, trail.blocks], [arn, true]);
      assert.match(trail.message, /trail data-only is logging but records no management write events/);
      assert.match(
        trail.fix!,
        new RegExp(`^aws cloudtrail put-event-selectors --trail-name ${arn} --region us-east-1 `),
      );
    }
  });

  /** An organization whose management account is 999999999999, with the hub as a member. */
  async function memberHub(): Promise<{ hubId: string; orgId: string }> {
    const management = await as("999999999999");
    const orgs = new OrganizationsClient({ ...management, region: "us-east-1" });
    const org = (await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!;
    await orgs.send(new CreateAccountCommand({ AccountName: "security", Email: "security@example.com" }));
    const hubId = (await orgs.send(new ListAccountsCommand({}))).Accounts!.find(
      (a) => a.Name === "security",
    )!.Id!;
    hubStack(hubId, org.Id!);
    return { hubId, orgId: org.Id! };
  }

  function hubStack(hubId: string, orgId: string): void {
    writeStack("hub", [
      "role: hub",
      `accountId: "${hubId}"`,
      "regions: [us-east-1]",
      `organizationId: ${orgId}`,
      "slackWebhooks: { default: { secure: v1:offline } }",
    ]);
  }

  // moto keeps delegated administrators in the management account's data only: a member's
  // ListDelegatedServicesForAccount (which AWS answers for a delegated administrator) is scripted.
  const delegatedServices = (...principals: string[]) => ({
    action: "ListDelegatedServicesForAccount",
    status: 200,
    contentType: "application/x-amz-json-1.1",
    body: JSON.stringify({ DelegatedServices: principals.map((p) => ({ ServicePrincipal: p })) }),
  });

  it("a hub that is neither management account nor Config delegated administrator blocks; leftovers collide", async () => {
    const { hubId } = await memberHub();
    const hub = await as(hubId);
    const east = { ...hub, region: "us-east-1" };
    await new CloudWatchLogsClient(east).send(
      new CreateLogGroupCommand({ logGroupName: "/aws/lambda/security-guard-notifier" }),
    );
    const kms = new KMSClient(east);
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: "alias/security-guard", TargetKeyId: key.KeyId }));

    // Delegated, but for organization Config rules only: the aggregator needs config.amazonaws.com.
    const { report } = await run("hub", {
      scripted: [delegatedServices("config-multiaccountsetup.amazonaws.com")],
    });
    assert.equal(report.ok, false);
    const [aggregator] = by(report, "organization");
    assert.equal(aggregator.account, hubId);
    assert.equal(aggregator.blocks, true);
    assert.equal(
      aggregator.message,
      "the hub is neither the management account (999999999999) nor a delegated administrator for AWS Config " +
        "(it is one for config-multiaccountsetup.amazonaws.com only): creating the organization aggregator would fail",
    );
    assert.match(
      aggregator.fix!,
      /^set security-guard:aggregator: none \(or account\) until delegation is done/,
    );
    assert.match(
      aggregator.fix!,
      new RegExp(
        `register-delegated-administrator --account-id ${hubId} --service-principal config.amazonaws.com`,
      ),
    );
    assert.deepEqual(
      by(report, "fixed-name").map((f) => [f.region, f.resource, f.blocks]),
      [
        ["us-east-1", "logGroup /aws/lambda/security-guard-notifier", true],
        ["us-east-1", "alias alias/security-guard", true],
      ],
    );
  });

  it("a hub that is not registered at all blocks; one delegated for AWS Config passes", async () => {
    await memberHub();
    const notRegistered = await run("hub", {
      scripted: [
        {
          action: "ListDelegatedServicesForAccount",
          status: 400,
          contentType: "application/x-amz-json-1.1",
          body: JSON.stringify({
            __type: "AccountNotRegisteredException",
            Message: "not a delegated administrator",
          }),
        },
      ],
    });
    assert.deepEqual(
      by(notRegistered.report, "organization").map((f) => f.blocks),
      [true],
    );
    const delegated = await run("hub", { scripted: [delegatedServices("config.amazonaws.com")] });
    assert.deepEqual(
      by(delegated.report, "organization").map((f) => [f.blocks, f.message]),
      [[false, "the hub is a delegated administrator for AWS Config"]],
    );
    assert.equal(delegated.report.ok, true);
  });

  it("a hub that is the management account passes, with no scripted answer", async () => {
    const hub = await as(HUB);
    const org = (
      await new OrganizationsClient({ ...hub, region: "us-east-1" }).send(
        new CreateOrganizationCommand({ FeatureSet: "ALL" }),
      )
    ).Organization!;
    hubStack(HUB, org.Id!);
    const { report } = await run("hub");
    assert.deepEqual(report.findings, [
      {
        check: "organization",
        account: HUB,
        region: "global",
        resource: "Config aggregator (organization source)",
        blocks: false,
        message: "the hub is the management account: the organization aggregator can be created",
      },
    ]);
  });

  it("a deploy role that cannot be assumed blocks, and nothing else is tried", async () => {
    spokeStack("spoke-norole");
    const { report, proxy } = await run("spoke-norole", {
      hubOutputsFile: hubOutputsFile(),
      scripted: [
        { action: "AssumeRole", status: 403, body: stsDenied("not authorized to perform sts:AssumeRole") },
      ],
    });
    assert.deepEqual(report.findings, [
      {
        check: "deploy-role",
        account: SPOKE,
        region: "global",
        resource: `arn:aws:iam::${SPOKE}:role/security-guard-deploy`,
        blocks: true,
        message:
          "your credentials cannot assume the deploy role: AccessDenied: not authorized to perform sts:AssumeRole",
        fix: `roll out the deploy role to account ${SPOKE} (npm run preflight -- --stack <stack> --deploy-policy prints its policy) with a trust that admits your identity, or set security-guard:deployRoleArn to the role you use`,
      },
    ]);
    assert.deepEqual(
      proxy.requests.map((r) => r.action),
      ["AssumeRole"],
    );
  });

  it("the command exits 1 on a blocking finding and prints JSON for machines", async () => {
    spokeStack("spoke-cli");
    const file = hubOutputsFile(["busArn", "configTopicArn"]);
    const out = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        path.join(ROOT, "scripts", "preflight.ts"),
        "--stack",
        "spoke-cli",
        "--dir",
        seeded.dir,
        "--hub-outputs",
        file,
        "--json",
      ],
      { cwd: ROOT, env: { ...process.env, ...seeded.moto.env }, encoding: "utf8", timeout: 170_000 },
    );
    assert.equal(out.status, 1, out.stderr);
    const report = JSON.parse(out.stdout) as PreflightReport;
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.findings.filter((f) => f.check === "hub-outputs").map((f) => f.message),
      [
        "the hub stack has no output busArn, configTopicArn: a spoke preview or up fails until the hub is deployed",
      ],
    );
  });
});
