import { strict as assert } from "assert";
import { MockedResource } from "../../verify/mockRuntime";
import {
  HUB_ACCOUNT,
  SPOKE_ACCOUNT,
  SPOKE_CONFIG,
  defaultHub,
  doc,
  evaluateStack,
  ofType,
  one,
  spokeWith,
} from "../helpers/stacks";
import { forwardingPatterns, signInRegionPatterns } from "../../stacks/components/spokeRegion";

const REGIONS = ["us-east-1", "ap-northeast-1", "ap-northeast-2"];
/** Where CloudTrail records IAM users' console sign-ins besides the spoke's own regions. */
const SIGN_IN_ONLY = ["us-east-2", "eu-north-1", "ap-southeast-2"];
const HUB_BUS = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/security-guard-events`;

describe("spoke stack (three regions) under Pulumi mocks", function () {
  this.timeout(120_000);
  let resources: MockedResource[];
  before(async () => {
    resources = (await spokeWith()).resources;
  });

  it("has one explicit provider per region (its own and the sign-in regions) that assumes the deploy role in the spoke account", () => {
    const providers = ofType(resources, "pulumi:providers:aws");
    assert.deepEqual(providers.map((p) => p.props.region).sort(), [...REGIONS, ...SIGN_IN_ONLY].sort());
    for (const p of providers) {
      const assumeRoles = JSON.parse(String(p.props.assumeRoles));
      assert.equal(assumeRoles[0].roleArn, `arn:aws:iam::${SPOKE_ACCOUNT}:role/security-guard-deploy`);
      assert.deepEqual(JSON.parse(String(p.props.allowedAccountIds)), [SPOKE_ACCOUNT]);
    }
  });

  it("puts no AWS resource on the default provider", () => {
    const onDefault = resources.filter((r) => r.custom && r.type.startsWith("aws:") && !r.provider);
    assert.deepEqual(
      onDefault.map((r) => r.name),
      [],
    );
    for (const r of resources.filter((x) => x.type.startsWith("aws:")))
      assert.equal(r.accountId, SPOKE_ACCOUNT, r.name);
  });

  it("runs AWS Config with restricted-ssh in every region, global types recorded once", () => {
    for (const region of REGIONS) {
      const recorder = one(resources, "aws:cfg/recorder:Recorder", `${region}-recorder`);
      assert.equal(recorder.region, region);
      assert.deepEqual(recorder.props.recordingGroup, {
        allSupported: true,
        includeGlobalResourceTypes: region === "us-east-1",
      });
      const channel = one(resources, "aws:cfg/deliveryChannel:DeliveryChannel", `${region}-delivery`);
      assert.equal(channel.props.s3BucketName, `security-guard-config-${SPOKE_ACCOUNT}`);
      // Config publishes only to a topic in its own region: the hub topic is in us-east-1.
      assert.equal(
        channel.props.snsTopicArn,
        region === "us-east-1" ? `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-config` : undefined,
      );
      const rule = one(resources, "aws:cfg/rule:Rule", `${region}-restricted-ssh`);
      assert.equal(rule.region, region);
      assert.deepEqual(rule.props.source, { owner: "AWS", sourceIdentifier: "INCOMING_SSH_DISABLED" });
      assert.equal(rule.props.name, "security-guard-restricted-ssh");
      one(resources, "aws:cfg/recorderStatus:RecorderStatus", `${region}-recording`);
    }
  });

  it("forwards SG, Config, alarm, CIS, root, sign-in and finding events in every region; IAM and Organizations only in us-east-1; sign-ins also where CloudTrail records them", () => {
    const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
    const byRegion = (region: string) =>
      rules
        .filter((r) => r.region === region)
        .map((r) => r.name.replace(`spoke-${region}-`, ""))
        .sort();
    // The rules are every source module's (handlers/findings/registry.ts forwardRules; the pattern
    // snapshot test pins each rule's pattern): the stack creates exactly those, per region.
    const declared = (region: string) => Object.keys(forwardingPatterns(region, {})).sort();
    const everywhere = declared("ap-northeast-1");
    for (const name of ["sg-changes", "config-compliance", "alarms", "cis-changes", "root-activity"])
      assert.ok(everywhere.includes(name), name);
    for (const name of ["console-sign-in", "guardduty-findings", "heartbeat", "heartbeat-cloudtrail"])
      assert.ok(everywhere.includes(name), name);
    assert.ok(!everywhere.includes("unauthorized-calls"), "denied calls are opt-in");
    assert.deepEqual(byRegion("us-east-1"), [...everywhere, "iam-changes", "organizations-changes"].sort());
    assert.deepEqual(byRegion("us-east-1"), declared("us-east-1"));
    for (const region of SIGN_IN_ONLY) assert.deepEqual(byRegion(region), ["console-sign-in"]);
    for (const region of SIGN_IN_ONLY)
      assert.deepEqual(Object.keys(signInRegionPatterns(region)), ["console-sign-in"]);
    assert.deepEqual(byRegion("ap-northeast-1"), everywhere);
    assert.deepEqual(byRegion("ap-northeast-2"), everywhere);
    const iam = one(resources, "aws:cloudwatch/eventRule:EventRule", "us-east-1-iam-changes");
    assert.deepEqual(JSON.parse(String(iam.props.eventPattern)), {
      source: ["aws.iam"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["iam.amazonaws.com"], readOnly: [false] },
    });
    const compliance = one(
      resources,
      "aws:cloudwatch/eventRule:EventRule",
      "ap-northeast-1-config-compliance",
    );
    assert.deepEqual(JSON.parse(String(compliance.props.eventPattern)), {
      source: ["aws.config"],
      "detail-type": ["Config Rules Compliance Change"],
      detail: { configRuleName: ["security-guard-restricted-ssh"] },
    });
    const sg = one(resources, "aws:cloudwatch/eventRule:EventRule", "ap-northeast-2-sg-changes");
    assert.deepEqual(JSON.parse(String(sg.props.eventPattern)).detail.eventName, [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "ModifySecurityGroupRules",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ]);
    // Every CIS pattern stays under EventBridge's 2,048-character limit.
    for (const r of rules) assert.ok(String(r.props.eventPattern).length <= 2048, r.name);
  });

  it("forwards denied API calls only when asked (forwardUnauthorizedCalls)", async () => {
    const names = (rs: typeof resources) =>
      ofType(rs, "aws:cloudwatch/eventRule:EventRule")
        .map((r) => r.name)
        .filter((n) => n.endsWith("unauthorized-calls"));
    assert.deepEqual(names(resources), []);
    const optedIn = (await spokeWith({ forwardUnauthorizedCalls: true })).resources;
    assert.deepEqual(names(optedIn).sort(), REGIONS.map((r) => `spoke-${r}-unauthorized-calls`).sort());
  });

  it("keeps what the hub bus did not accept in a dead-letter queue in each region, with an alarm", () => {
    for (const t of ofType(resources, "aws:cloudwatch/eventTarget:EventTarget")) {
      assert.deepEqual(t.props.deadLetterConfig, {
        arn: `arn:aws:sqs:${t.region}:${SPOKE_ACCOUNT}:security-guard-forwarding-dlq`,
      });
    }
    for (const region of REGIONS) {
      const policy = doc(
        one(resources, "aws:sqs/queuePolicy:QueuePolicy", `${region}-forwarding-dlq-policy`),
      ).Statement;
      assert.deepEqual(policy[0].Condition, {
        ArnLike: { "aws:SourceArn": `arn:aws:events:${region}:${SPOKE_ACCOUNT}:rule/security-guard-*` },
      });
      const alarm = one(
        resources,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        `${region}-forwarding-dlq-alarm`,
      );
      assert.equal(alarm.region, region);
      assert.deepEqual(alarm.props.dimensions, { QueueName: "security-guard-forwarding-dlq" });
    }
  });

  it("targets the hub bus ARN with the forwarder role from every rule", () => {
    const targets = ofType(resources, "aws:cloudwatch/eventTarget:EventTarget");
    // Sixteen rules in each of the three regions, IAM and Organizations in us-east-1, and the sign-in
    // rule in each of the three sign-in regions the spoke does not cover.
    assert.equal(targets.length, 53);
    const role = one(resources, "aws:iam/role:Role", "account-forwarder");
    for (const t of targets) {
      assert.equal(t.props.arn, HUB_BUS, t.name);
      assert.equal(t.props.roleArn, `arn:aws:iam::${SPOKE_ACCOUNT}:role/security-guard-forwarder`, t.name);
    }
    assert.deepEqual(doc(role, "assumeRolePolicy").Statement, [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": SPOKE_ACCOUNT } },
      },
    ]);
    const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "account-forwarder-policy");
    assert.deepEqual(doc(policy).Statement, [
      { Sid: "PutOnHubBus", Effect: "Allow", Action: "events:PutEvents", Resource: HUB_BUS },
    ]);
  });

  it("lets the Config role publish to the hub's config topic and write its bucket", () => {
    const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "account-config-delivery");
    const statements = doc(policy).Statement;
    assert.deepEqual(
      statements.find((s) => s.Sid === "NotifyHub"),
      {
        Sid: "NotifyHub",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-config`,
      },
    );
    assert.equal(
      statements.find((s) => s.Sid === "DeliverSnapshots")!.Resource,
      `arn:aws:s3:::security-guard-config-${SPOKE_ACCOUNT}/AWSLogs/${SPOKE_ACCOUNT}/*`,
    );
    const recorder = one(resources, "aws:cfg/recorder:Recorder", "us-east-1-recorder");
    assert.equal(recorder.props.roleArn, `arn:aws:iam::${SPOKE_ACCOUNT}:role/security-guard-config`);
  });

  it("creates each recorder and delivery channel after the Config role's policies (IAM propagation)", () => {
    const grants = [
      one(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "account-config-managed").urn,
      one(resources, "aws:iam/rolePolicy:RolePolicy", "account-config-delivery").urn,
    ];
    for (const region of REGIONS) {
      for (const [type, suffix] of [
        ["aws:cfg/recorder:Recorder", "recorder"],
        ["aws:cfg/deliveryChannel:DeliveryChannel", "delivery"],
      ]) {
        const r = one(resources, type, `${region}-${suffix}`);
        for (const g of grants) assert.ok(r.dependencies.includes(g), `${r.name} waits for ${g}`);
      }
    }
  });

  it("fails with a clear message when the hub stack has no outputs yet", async () => {
    const hub = (await defaultHub()).outputs as Record<string, unknown>;
    const { busArn: _bus, ...withoutBus } = hub;
    await assert.rejects(
      evaluateStack("spoke-early", SPOKE_CONFIG, { hubOutputs: withoutBus }),
      /hub stack acme\/security-guard\/hub has no output "busArn": deploy the hub first \(pulumi up --stack hub\)/,
    );
  });

  it("sends a heartbeat every 15 minutes in each region, forwarded by its own rule like security events", () => {
    const schedules = ofType(resources, "aws:scheduler/schedule:Schedule");
    assert.equal(schedules.length, 2 * REGIONS.length);
    for (const region of REGIONS) {
      const schedule = one(resources, "aws:scheduler/schedule:Schedule", `${region}-heartbeat`);
      assert.equal(schedule.props.name, "security-guard-heartbeat");
      assert.equal(schedule.props.scheduleExpression, "rate(15 minutes)");
      assert.deepEqual(schedule.props.flexibleTimeWindow, { mode: "OFF" });
      const target = schedule.props.target as Record<string, unknown>;
      assert.equal(target.arn, `arn:aws:events:${region}:${SPOKE_ACCOUNT}:event-bus/default`);
      assert.equal(target.roleArn, `arn:aws:iam::${SPOKE_ACCOUNT}:role/security-guard-heartbeat`);
      assert.deepEqual(target.eventbridgeParameters, {
        source: "security-guard.heartbeat",
        detailType: "Security Guard Heartbeat",
      });
      assert.deepEqual(JSON.parse(String(target.input)), { path: "forwarding", intervalMinutes: 15 });
      assert.equal(schedule.props.groupName, "security-guard");
      // The CloudTrail path: the same tag on the schedules' own group, recorded as a management write.
      const viaTrail = one(resources, "aws:scheduler/schedule:Schedule", `${region}-heartbeat-cloudtrail`);
      const trailTarget = viaTrail.props.target as Record<string, unknown>;
      assert.equal(viaTrail.props.scheduleExpression, "rate(15 minutes)");
      assert.equal(trailTarget.arn, "arn:aws:scheduler:::aws-sdk:scheduler:tagResource");
      assert.deepEqual(JSON.parse(String(trailTarget.input)), {
        ResourceArn: `arn:aws:scheduler:${region}:${SPOKE_ACCOUNT}:schedule-group/security-guard`,
        Tags: [{ Key: "security-guard:heartbeat", Value: "cloudtrail" }],
      });
      const trailRule = one(
        resources,
        "aws:cloudwatch/eventRule:EventRule",
        `${region}-heartbeat-cloudtrail`,
      );
      assert.deepEqual(JSON.parse(String(trailRule.props.eventPattern)).detail.userIdentity, {
        sessionContext: { sessionIssuer: { userName: ["security-guard-heartbeat"] } },
      });
      const rule = one(resources, "aws:cloudwatch/eventRule:EventRule", `${region}-heartbeat`);
      assert.equal(rule.props.name, "security-guard-heartbeat");
      assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), {
        source: ["security-guard.heartbeat"],
        "detail-type": ["Security Guard Heartbeat"],
      });
    }
    const role = one(resources, "aws:iam/role:Role", "account-heartbeat");
    assert.deepEqual(doc(role, "assumeRolePolicy").Statement, [
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": SPOKE_ACCOUNT } },
      },
    ]);
    assert.deepEqual(
      doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "account-heartbeat-policy")).Statement,
      [
        {
          Sid: "PutHeartbeatOnDefaultBus",
          Effect: "Allow",
          Action: "events:PutEvents",
          Resource: `arn:aws:events:*:${SPOKE_ACCOUNT}:event-bus/default`,
        },
        {
          Sid: "TagOwnScheduleGroup",
          Effect: "Allow",
          Action: "scheduler:TagResource",
          Resource: `arn:aws:scheduler:*:${SPOKE_ACCOUNT}:schedule-group/security-guard`,
        },
      ],
    );
  });

  it("lets only the hub's coverage role, liveness function and notifier read its detectors, recorders, trails and EC2 tags", () => {
    const role = one(resources, "aws:iam/role:Role", "account-coverage-reader");
    assert.equal(role.props.name, "security-guard-coverage-reader");
    assert.deepEqual(doc(role, "assumeRolePolicy").Statement, [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: {
            "aws:PrincipalArn": [
              `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-coverage`,
              `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-liveness-role`,
              `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-notifier-role`,
            ],
          },
        },
      },
    ]);
    const [statement, ownerTags, iamOwnerTags, ...more] = doc(
      one(resources, "aws:iam/rolePolicy:RolePolicy", "account-coverage-reader-policy"),
    ).Statement as Array<{ Sid: string; Action: string[]; Resource: string }>;
    assert.equal(statement.Resource, "*");
    assert.ok(
      statement.Action.every((a) => /^[a-z0-9-]+:(List|Describe|Get|BatchGet)/.test(a)),
      `read-only actions: ${statement.Action}`,
    );
    // Routes by owner: the notifier reads a resource's tags (EC2 by id, any other by ARN through
    // the Tagging API), and nothing else is added.
    assert.deepEqual(ownerTags, {
      Sid: "ReadOwnerTags",
      Effect: "Allow",
      Action: ["ec2:DescribeTags", "tag:GetResources"],
      Resource: "*",
    });
    // IAM roles and users (which the Tagging API does not cover): their tag listings, in this
    // account only.
    assert.deepEqual(iamOwnerTags, {
      Sid: "ReadIamOwnerTags",
      Effect: "Allow",
      Action: ["iam:ListRoleTags", "iam:ListUserTags"],
      Resource: [`arn:aws:iam::${SPOKE_ACCOUNT}:role/*`, `arn:aws:iam::${SPOKE_ACCOUNT}:user/*`],
    });
    assert.deepEqual(more, []);
  });

  it("creates roles trusted only by the hub's function roles, with least privilege", async () => {
    const hubOutputs = (await defaultHub()).outputs as Record<string, string>;
    const trust = (suffix: string) =>
      doc(one(resources, "aws:iam/role:Role", suffix), "assumeRolePolicy").Statement;
    // The hub account as principal, the role pinned by aws:PrincipalArn: a replaced hub role (new
    // unique id) still matches, where an ARN principal would silently stop matching.
    const hubRoot = { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` };
    assert.deepEqual(trust("account-remediation"), [
      {
        Effect: "Allow",
        Principal: hubRoot,
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": hubOutputs.remediatorRoleArn } },
      },
    ]);
    assert.equal(
      hubOutputs.remediatorRoleArn,
      `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-remediator-role`,
    );
    for (const suffix of ["account-chatops-ro", "account-chatops-op"]) {
      // Every chat-ops session carries the Slack user as its source identity, or it is refused.
      assert.deepEqual(trust(suffix), [
        {
          Effect: "Allow",
          Principal: hubRoot,
          Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
          Condition: {
            ArnEquals: {
              "aws:PrincipalArn": `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-chatops-worker-role`,
            },
            StringLike: { "sts:SourceIdentity": "slack-*" },
          },
        },
      ]);
    }
    assert.deepEqual(
      doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "account-remediation-policy")).Statement,
      [
        {
          Sid: "LookAtGroups",
          Effect: "Allow",
          Action: [
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
            "ec2:GetManagedPrefixListEntries",
            "config:DescribeConfigRules",
          ],
          Resource: "*",
        },
        {
          Sid: "CloseSsh",
          Effect: "Allow",
          Action: ["ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"],
          Resource: `arn:aws:ec2:*:${SPOKE_ACCOUNT}:security-group/*`,
        },
        {
          Sid: "RecordChange",
          Effect: "Allow",
          Action: "ec2:CreateTags",
          Resource: `arn:aws:ec2:*:${SPOKE_ACCOUNT}:security-group/*`,
          Condition: { "ForAllValues:StringLike": { "aws:TagKeys": ["security-guard:ssh-remediation*"] } },
        },
        {
          Sid: "ExpireExemptions",
          Effect: "Allow",
          Action: ["ec2:DeleteTags", "ec2:CreateTags"],
          Resource: `arn:aws:ec2:*:${SPOKE_ACCOUNT}:security-group/*`,
          Condition: { "ForAllValues:StringLike": { "aws:TagKeys": ["security-guard:*exempt*"] } },
        },
      ],
    );
    const ro = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "account-chatops-ro-policy")).Statement;
    assert.ok(!JSON.stringify(ro).includes("StopInstances"), "read-only role must not stop instances");
    const op = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "account-chatops-op-policy")).Statement;
    assert.deepEqual(op[1].Action, ["ec2:StartInstances", "ec2:StopInstances"]);
    // Starting instances with CMK-encrypted EBS volumes needs a grant for EC2, and only for EC2.
    assert.deepEqual(op[2], {
      Sid: "StartWithEncryptedVolumes",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: `arn:aws:kms:*:${SPOKE_ACCOUNT}:key/*`,
      Condition: {
        Bool: { "kms:GrantIsForAWSResource": "true" },
        StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" },
      },
    });
    // The buttons on alerts: Revert reads the group and revokes in it, Exempt writes only the
    // exemption tags; nothing else on groups (no authorize, no other tags).
    assert.deepEqual(op.slice(3), [
      { Sid: "LookAtGroups", Effect: "Allow", Action: "ec2:DescribeSecurityGroups", Resource: "*" },
      {
        Sid: "RevertWorldIngress",
        Effect: "Allow",
        Action: "ec2:RevokeSecurityGroupIngress",
        Resource: `arn:aws:ec2:*:${SPOKE_ACCOUNT}:security-group/*`,
      },
      {
        Sid: "ExemptGroups",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: `arn:aws:ec2:*:${SPOKE_ACCOUNT}:security-group/*`,
        Condition: { "ForAllValues:StringLike": { "aws:TagKeys": ["security-guard:*exempt*"] } },
      },
    ]);
    assert.ok(!JSON.stringify(ro).includes("SecurityGroup"), "read-only role must not touch groups");
  });

  it("skips the recorder where one exists, scopes the rule by tag, and authorizes an account-list aggregator", async () => {
    const r = (
      await spokeWith({
        createRecorder: false,
        restrictedSshTag: { key: "env", value: "prod" },
        aggregation: "account",
      })
    ).resources;
    assert.equal(ofType(r, "aws:cfg/recorder:Recorder").length, 0);
    assert.equal(ofType(r, "aws:cfg/deliveryChannel:DeliveryChannel").length, 0);
    const rule = one(r, "aws:cfg/rule:Rule", "ap-northeast-1-restricted-ssh");
    // The Config API takes a tag scope or resource types, not both
    // (https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html).
    assert.deepEqual(rule.props.scope, { tagKey: "env", tagValue: "prod" });
    assert.deepEqual(one(resources, "aws:cfg/rule:Rule", "ap-northeast-1-restricted-ssh").props.scope, {
      complianceResourceTypes: ["AWS::EC2::SecurityGroup"],
    });
    const auths = ofType(r, "aws:cfg/aggregateAuthorization:AggregateAuthorization");
    assert.deepEqual(auths.map((a) => [a.region, a.props.accountId, a.props.authorizedAwsRegion]).sort(), [
      ["ap-northeast-1", HUB_ACCOUNT, "us-east-1"],
      ["ap-northeast-2", HUB_ACCOUNT, "us-east-1"],
      ["us-east-1", HUB_ACCOUNT, "us-east-1"],
    ]);
    assert.equal(ofType(resources, "aws:cfg/aggregateAuthorization:AggregateAuthorization").length, 0);
  });

  it("uses the account's existing recorder only in the regions the config names", async () => {
    const r = (await spokeWith({ existingRecorderRegions: ["ap-northeast-1"] })).resources;
    assert.deepEqual(
      ofType(r, "aws:cfg/recorder:Recorder")
        .map((x) => x.region)
        .sort(),
      ["ap-northeast-2", "us-east-1"],
    );
    assert.deepEqual(
      ofType(r, "aws:cfg/deliveryChannel:DeliveryChannel")
        .map((x) => x.region)
        .sort(),
      ["ap-northeast-2", "us-east-1"],
    );
    // The rule still runs everywhere; the policy pack learns which region uses an existing recorder.
    assert.equal(ofType(r, "aws:cfg/rule:Rule").length, 3);
    const declared = ofType(r, "security-guard:spoke:SpokeRegion").map((x) => [
      x.props.region,
      x.props.createRecorder,
    ]);
    assert.deepEqual(declared.sort(), [
      ["ap-northeast-1", false],
      ["ap-northeast-2", true],
      ["us-east-1", true],
    ]);
  });

  it("creates a multi-region trail only when asked", async () => {
    assert.equal(ofType(resources, "aws:cloudtrail/trail:Trail").length, 0);
    const trail = ofType((await spokeWith({ createTrail: true })).resources, "aws:cloudtrail/trail:Trail");
    assert.equal(trail.length, 1);
    assert.equal(trail[0].props.isMultiRegionTrail, true);
    assert.equal(trail[0].region, "us-east-1");
  });

  it("fails, naming the reference, when its hub stack is unknown", async () => {
    const { evaluateStack, SPOKE_CONFIG } = await import("../helpers/stacks");
    await assert.rejects(
      evaluateStack("spoke", SPOKE_CONFIG, {}),
      /StackReference "acme\/security-guard\/hub": no such stack/,
    );
  });
});

describe("spoke in the hub's own account: Access Analyzer findings", function () {
  this.timeout(120_000);

  it("forwards only findings about its own resources (the hub forwards its organization analyzer's other findings)", async () => {
    const own = (await spokeWith({ accountId: HUB_ACCOUNT })).resources;
    const pattern = (resources: MockedResource[]) =>
      JSON.parse(
        String(
          one(resources, "aws:cloudwatch/eventRule:EventRule", "us-east-1-access-analyzer-findings").props
            .eventPattern,
        ),
      );
    assert.deepEqual(pattern(own), {
      source: ["aws.access-analyzer"],
      "detail-type": ["Access Analyzer Finding"],
      detail: { resourceOwnerAccount: [HUB_ACCOUNT] },
    });
    // Any other account forwards every finding on its bus (an organization analyzer's included).
    assert.deepEqual(pattern((await spokeWith()).resources), {
      source: ["aws.access-analyzer"],
      "detail-type": ["Access Analyzer Finding"],
    });
  });
});
