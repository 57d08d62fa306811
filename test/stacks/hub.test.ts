import { strict as assert } from "assert";
import { MockedResource } from "../../verify/mockRuntime";
import { runPoliciesOffline } from "../../verify/policy/offline";
import { toPolicyResources } from "../../verify/policy/resources";
import {
  HUB_ACCOUNT,
  assertHubTtlTable,
  HUB_CONFIG,
  HUB_SECRET_KEYS,
  SPOKE_ACCOUNT,
  ORG_ID,
  TEST_SIGNING_SECRET,
  TEST_WEBHOOK,
  defaultHub,
  doc,
  evaluateStack,
  ofType,
  one,
} from "../helpers/stacks";

const FUNCTIONS = [
  "security-guard-chatops-ack",
  "security-guard-chatops-worker",
  "security-guard-liveness",
  "security-guard-notifier",
  "security-guard-remediator",
];

describe("hub stack under Pulumi mocks", function () {
  this.timeout(180_000);
  let resources: MockedResource[];
  let outputs: Record<string, string>;
  before(async () => {
    const hub = await defaultHub();
    resources = hub.resources;
    outputs = hub.outputs as Record<string, string>;
  });

  it("deploys every AWS resource through the one us-east-1 provider of the hub account", () => {
    const providers = ofType(resources, "pulumi:providers:aws");
    assert.equal(providers.length, 1);
    assert.equal(providers[0].props.region, "us-east-1");
    const onDefault = resources.filter(
      (r) => r.custom && r.type.startsWith("aws:") && r.provider !== providers[0].urn,
    );
    assert.deepEqual(
      onDefault.map((r) => r.name),
      [],
    );
  });

  it("exports what the spokes need", () => {
    assert.deepEqual(outputs, {
      hubAccountId: HUB_ACCOUNT,
      busArn: `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/security-guard-events`,
      configTopicArn: `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-config`,
      alarmTopicArn: `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-alarms`,
      remediatorRoleArn: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-remediator-role`,
      chatopsWorkerRoleArn: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-chatops-worker-role`,
      organizationId: ORG_ID,
      slackCommandUrl: "https://mock.execute-api.us-east-1.amazonaws.com/slack/commands",
      slackInteractionsUrl: "https://mock.execute-api.us-east-1.amazonaws.com/slack/interactions",
    });
  });

  it("scopes the bus policy to the spokes' forwarder role in the organization, with constant size", () => {
    const policy = one(resources, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "central-policy");
    assert.deepEqual(doc(policy).Statement, [
      {
        Sid: "SpokeForwardersPutEvents",
        Effect: "Allow",
        Principal: "*",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": ORG_ID },
          ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/security-guard-forwarder" },
        },
        Action: "events:PutEvents",
        Resource: outputs.busArn,
      },
    ]);
  });

  it("falls back to the member account list without an organization id", async () => {
    const hub = await evaluateStack(
      "hub-accounts",
      {
        ...HUB_CONFIG,
        organizationId: undefined,
        memberAccounts: ["222222222222", "333333333333"],
        chatops: { enabled: false },
      },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const policy = one(hub.resources, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "central-policy");
    assert.deepEqual(doc(policy).Statement[0].Principal, {
      AWS: [
        "arn:aws:iam::111111111111:root",
        "arn:aws:iam::222222222222:root",
        "arn:aws:iam::333333333333:root",
      ],
    });
    assert.deepEqual(doc(policy).Statement[0].Condition, {
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/security-guard-forwarder" },
    });
    // Alarm actions carry aws:SourceAccount and aws:SourceArn: every member account may publish.
    const alarmPolicy = doc(one(hub.resources, "aws:sns/topicPolicy:TopicPolicy", "topics-alarms-policy"));
    assert.deepEqual(alarmPolicy.Statement.find((s) => s.Sid === "CloudWatchAlarmsPublish")!.Condition, {
      StringEquals: { "aws:SourceAccount": ["111111111111", "222222222222", "333333333333"] },
      ArnLike: {
        "aws:SourceArn": [
          "arn:aws:cloudwatch:*:111111111111:alarm:*",
          "arn:aws:cloudwatch:*:222222222222:alarm:*",
          "arn:aws:cloudwatch:*:333333333333:alarm:*",
        ],
      },
    });
    const aggregator = one(
      hub.resources,
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "aggregator",
    );
    assert.deepEqual(aggregator.props.accountAggregationSource, {
      accountIds: ["222222222222", "333333333333"],
      allRegions: true,
    });
    assert.equal(
      ofType(hub.resources, "aws:lambda/function:Function").length,
      3,
      "chat-ops off: notifier, remediator and liveness only",
    );
  });

  it("routes everything to the KMS-encrypted events topic, and SSH-to-the-world to the remediator", () => {
    const notify = one(resources, "aws:cloudwatch/eventRule:EventRule", "hub-notify");
    assert.equal(notify.props.eventBusName, "security-guard-events");
    const branches = JSON.parse(String(notify.props.eventPattern)).$or;
    // One branch for the event sources notified whole, each once, in registry order (every
    // source module declares its own: handlers/findings/registry.ts notifyPattern).
    assert.deepEqual(branches[0], {
      source: [
        "security-guard.remediation",
        "aws.ec2",
        "aws.iam",
        "aws.cloudtrail",
        "aws.kms",
        "aws.s3",
        "aws.config",
        "aws.organizations",
        "aws.cloudwatch",
        "aws.signin",
        "security-guard.liveness",
      ],
    });
    // Then each source's own branches, in registry order (their filters are tested with each source).
    assert.deepEqual(
      branches
        .slice(1)
        .map((b: { source?: string[]; "detail-type": string[] }) => [b.source?.[0], b["detail-type"][0]]),
      [
        [undefined, "AWS API Call via CloudTrail"], // root activity, from any service
        [undefined, "AWS API Call via CloudTrail"], // denied calls, from any service
        ["aws.guardduty", "GuardDuty Finding"], // attack sequences, whatever the GuardDuty minimum
        ["aws.guardduty", "GuardDuty Finding"],
        ["aws.guardduty", "GuardDuty Malware Protection Object Scan Result"],
        ["aws.securityhub", "Security Hub Findings - Imported"],
        ["aws.securityhub", "Findings Imported V2"],
        ["aws.access-analyzer", "Access Analyzer Finding"],
        ["aws.access-analyzer", "Unused Access Finding for IAM entities"],
        ["aws.access-analyzer", "Internal Access Finding"],
        ["aws.inspector2", "Inspector2 Finding"],
      ],
    );
    // Findings pass the configured filters (defaults: GuardDuty medium and up; Security Hub NEW,
    // ACTIVE, MEDIUM and up; Access Analyzer ACTIVE).
    assert.deepEqual(branches[4], {
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", 4] }] },
    });
    assert.deepEqual(branches[6], {
      source: ["aws.securityhub"],
      "detail-type": ["Security Hub Findings - Imported"],
      detail: {
        findings: {
          Severity: { Label: ["MEDIUM", "HIGH", "CRITICAL"] },
          Workflow: { Status: ["NEW"] },
          RecordState: ["ACTIVE"],
        },
      },
    });
    assert.deepEqual(branches[8], {
      source: ["aws.access-analyzer"],
      "detail-type": ["Access Analyzer Finding"],
      detail: { status: ["ACTIVE"] },
    });
    const target = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "hub-notify-target");
    assert.equal(target.props.arn, `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-events`);
    // Each flow's component owns its trigger: the notifier's target, like the remediator's. The
    // alias keeps the URN it was deployed with under the central bus, so the move replaces nothing.
    const component = (type: string) => resources.find((r) => r.type === type)!.urn;
    assert.equal(target.parent, component("security-guard:hub:Notifier"));
    assert.equal(
      one(resources, "aws:cloudwatch/eventTarget:EventTarget", "remediator-target").parent,
      component("security-guard:hub:Remediator"),
    );
    assert.deepEqual(
      target.opts.aliases.map((a) => (a.spec as { parenturn?: string }).parenturn),
      [component("security-guard:hub:CentralBus")],
    );
    const events = one(resources, "aws:sns/topic:Topic", "topics-events");
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    assert.equal(events.props.kmsMasterKeyId, key.state.arn);
    const topicPolicy = one(resources, "aws:sns/topicPolicy:TopicPolicy", "events-policy");
    // The resolve rule (Security Hub control findings that pass again, ASFF and OCSF, any
    // severity) feeds the same topic.
    const resolve = one(resources, "aws:cloudwatch/eventRule:EventRule", "hub-resolve");
    assert.deepEqual(JSON.parse(resolve.props.eventPattern as string), {
      $or: [
        {
          source: ["aws.securityhub"],
          "detail-type": ["Security Hub Findings - Imported"],
          detail: { findings: { Compliance: { Status: ["PASSED"] } } },
        },
        {
          source: ["aws.securityhub"],
          "detail-type": ["Findings Imported V2"],
          detail: { findings: { compliance: { status: ["Pass"] } } },
        },
      ],
    });
    const resolveTarget = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "hub-resolve-target");
    assert.equal(resolveTarget.props.arn, `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-events`);
    assert.equal(resolveTarget.props.rule, resolve.state.name);
    assert.deepEqual(doc(topicPolicy).Statement[1].Condition, {
      ArnEquals: { "aws:SourceArn": [notify.state.arn, resolve.state.arn] },
    });

    const remediate = one(resources, "aws:cloudwatch/eventRule:EventRule", "hub-remediate");
    const pattern = JSON.parse(String(remediate.props.eventPattern));
    assert.deepEqual(pattern.$or[0].detail, {
      configRuleName: ["security-guard-restricted-ssh"],
      newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    });
    const remediateTarget = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "remediator-target");
    assert.equal(
      remediateTarget.props.arn,
      `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:security-guard-remediator`,
    );
  });

  it("accepts the direct paths only from the guard: spokes' Config role, the hub's alarms", () => {
    const configPolicy = doc(
      one(resources, "aws:sns/topicPolicy:TopicPolicy", "topics-config-policy"),
    ).Statement;
    assert.deepEqual(
      configPolicy.find((s) => s.Sid === "SpokeConfigPublishes"),
      {
        Sid: "SpokeConfigPublishes",
        Effect: "Allow",
        Principal: "*",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": ORG_ID },
          ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/security-guard-config" },
        },
        Action: "sns:Publish",
        Resource: outputs.configTopicArn,
      },
    );
    const alarmPolicy = doc(
      one(resources, "aws:sns/topicPolicy:TopicPolicy", "topics-alarms-policy"),
    ).Statement;
    // CloudWatch sends aws:SourceAccount and aws:SourceArn with alarm actions (not aws:SourceOrgID):
    // the hub's dead-letter alarms publish; spokes' alarms reach the hub over EventBridge.
    assert.deepEqual(alarmPolicy.find((s) => s.Sid === "CloudWatchAlarmsPublish")!.Condition, {
      StringEquals: { "aws:SourceAccount": HUB_ACCOUNT },
      ArnLike: { "aws:SourceArn": [`arn:aws:cloudwatch:*:${HUB_ACCOUNT}:alarm:*`] },
    });
    // No key statement for organization principals: nothing of a spoke uses the hub key.
    const keyPolicy = doc(one(resources, "aws:kms/key:Key", "kms-key"));
    assert.deepEqual(
      keyPolicy.Statement.map((s) => s.Sid),
      ["HubAccountAdministers", "ServicesPublishToEncryptedTopics", "SnsDeliversToEncryptedQueue"],
    );
    // AWS Config cannot publish to an encrypted topic: unencrypted on purpose, and tagged why.
    const configTopic = one(resources, "aws:sns/topic:Topic", "topics-config");
    assert.equal(configTopic.props.kmsMasterKeyId, undefined);
    assert.deepEqual(configTopic.props.tags, {
      "security-guard:encryption-exempt": "aws-config-does-not-support-encrypted-topics",
    });
    // The remediator hears Config's verdict over the bus; the SNS seed path is opt-in (no double run).
    const subs = ofType(resources, "aws:sns/topicSubscription:TopicSubscription");
    assert.equal(subs.filter((s) => s.name.includes("remediator")).length, 0);
  });

  it("subscribes the remediator to the Config topic only when asked (remediation.configTopicTrigger)", async () => {
    const hub = await evaluateStack(
      "hub-sns-trigger",
      { ...HUB_CONFIG, chatops: { enabled: false }, remediation: { configTopicTrigger: true } },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const subs = ofType(hub.resources, "aws:sns/topicSubscription:TopicSubscription");
    const remediatorSub = subs.find((s) => s.name.includes("remediator"))!;
    assert.equal(remediatorSub.props.topic, `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-config`);
    assert.equal(remediatorSub.props.protocol, "lambda");
    assert.deepEqual(JSON.parse(String(remediatorSub.props.filterPolicy)), {
      messageType: ["ComplianceChangeNotification"],
    });
    assert.equal(remediatorSub.props.filterPolicyScope, "MessageBody");
  });

  it("feeds the notifier from the three topics through one KMS-encrypted SQS queue, in batches", () => {
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    const queue = one(resources, "aws:sqs/queue:Queue", "notifier-queue");
    const dlq = one(resources, "aws:sqs/queue:Queue", "notifier-queue-dlq");
    const queueArn = `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue`;
    assert.equal(queue.props.name, "security-guard-notifier-queue");
    assert.equal(queue.props.kmsMasterKeyId, key.state.arn);
    // At least 6 x the function timeout (300 s), as AWS advises for an SQS event source.
    assert.equal(queue.props.visibilityTimeoutSeconds, 1800);
    assert.deepEqual(JSON.parse(String(queue.props.redrivePolicy)), {
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue-dlq`,
      maxReceiveCount: 5,
    });
    assert.equal(dlq.props.kmsMasterKeyId, key.state.arn);
    assert.equal(dlq.props.messageRetentionSeconds, 1_209_600);
    const fn = ofType(resources, "aws:lambda/function:Function").find(
      (f) => f.props.name === "security-guard-notifier",
    )!;
    assert.equal(fn.props.timeout, 300);

    const topicArns = ["events", "config", "alarms"].map(
      (t) => `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-${t}`,
    );
    const queuePolicy = one(resources, "aws:sqs/queuePolicy:QueuePolicy", "notifier-queue-policy");
    assert.equal(queuePolicy.props.queueUrl, queue.state.url);
    assert.deepEqual(doc(queuePolicy).Statement, [
      {
        Sid: "HubTopicsSend",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": topicArns } },
      },
    ]);
    // The critical lane's subscriptions feed its own queue (test/stacks/criticalLane.test.ts).
    const subs = ofType(resources, "aws:sns/topicSubscription:TopicSubscription").filter(
      (s) => s.name.includes("notifier") && !s.name.includes("critical"),
    );
    assert.deepEqual(
      subs.map((s) => [s.props.topic, s.props.protocol, s.props.endpoint, s.props.rawMessageDelivery]).sort(),
      topicArns.map((t) => [t, "sqs", queueArn, false]).sort(),
    );
    // Only the Config topic's subscription filters: compliance changes of the guard's rules.
    assert.deepEqual(
      subs
        .filter((s) => s.props.filterPolicy !== undefined)
        .map((s) => [s.props.topic, s.props.filterPolicyScope, JSON.parse(String(s.props.filterPolicy))]),
      [
        [
          topicArns[1],
          "MessageBody",
          {
            messageType: ["ComplianceChangeNotification"],
            configRuleName: ["security-guard-restricted-ssh"],
          },
        ],
      ],
    );
    // No direct SNS -> Lambda path to the notifier any more.
    const notifierArn = `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:security-guard-notifier`;
    assert.deepEqual(
      ofType(resources, "aws:sns/topicSubscription:TopicSubscription")
        .filter((s) => s.props.endpoint === notifierArn)
        .map((s) => s.name),
      [],
    );
    // The one invoke permission is the digest schedule's (grouping is on by default).
    assert.deepEqual(
      ofType(resources, "aws:lambda/permission:Permission")
        .filter((p) => p.props.function === "security-guard-notifier")
        .map((p) => [p.name, p.props.principal, p.props.sourceArn]),
      [
        [
          "hub-notifier-digest-invoke",
          "events.amazonaws.com",
          `arn:aws:events:us-east-1:${HUB_ACCOUNT}:rule/security-guard-notifier-digest`,
        ],
      ],
    );

    const mapping = one(
      resources,
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "notifier-queue-source",
    );
    assert.deepEqual(
      {
        eventSourceArn: mapping.props.eventSourceArn,
        functionName: mapping.props.functionName,
        batchSize: mapping.props.batchSize,
        maximumBatchingWindowInSeconds: mapping.props.maximumBatchingWindowInSeconds,
        functionResponseTypes: mapping.props.functionResponseTypes,
        scalingConfig: mapping.props.scalingConfig,
        enabled: mapping.props.enabled,
      },
      {
        eventSourceArn: queueArn,
        functionName: notifierArn,
        batchSize: 100,
        maximumBatchingWindowInSeconds: 20,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: 2 },
        enabled: true,
      },
    );

    const policy = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.deepEqual(
      policy.find((s) => s.Sid === "ReceiveFromQueue"),
      {
        Sid: "ReceiveFromQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: queueArn,
      },
    );
    assert.deepEqual(
      policy.find((s) => s.Sid === "DecryptQueueMessages"),
      {
        Sid: "DecryptQueueMessages",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: key.state.arn,
        Condition: { StringEquals: { "kms:ViaService": "sqs.us-east-1.amazonaws.com" } },
      },
    );
    // SNS may encrypt into the queue with the hub key, for the hub's own topics only.
    assert.deepEqual(
      doc(key).Statement.find((s) => s.Sid === "SnsDeliversToEncryptedQueue"),
      {
        Sid: "SnsDeliversToEncryptedQueue",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": HUB_ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-*` },
        },
      },
    );
  });

  it("aggregates Config across the organization", () => {
    const aggregator = one(
      resources,
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "aggregator",
    );
    assert.deepEqual(aggregator.props.organizationAggregationSource, {
      allRegions: true,
      roleArn: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-config-aggregator`,
    });
  });

  it("gives every function a pinned runtime, a DLQ, an on-failure destination and a log group with retention", () => {
    const fns = ofType(resources, "aws:lambda/function:Function");
    assert.deepEqual(fns.map((f) => f.props.name).sort(), FUNCTIONS);
    for (const fn of fns) {
      const name = String(fn.props.name);
      assert.equal(fn.props.runtime, "nodejs24.x", name);
      assert.deepEqual(fn.opts.ignoreChanges, [], `${name}: runtime must not be ignored`);
      assert.equal(
        (fn.props.deadLetterConfig as { targetArn: string }).targetArn,
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:${name}-dlq`,
      );
      assert.equal(fn.props.role, `arn:aws:iam::${HUB_ACCOUNT}:role/${name}-role`);
      const logGroup = ofType(resources, "aws:cloudwatch/logGroup:LogGroup").find(
        (l) => l.props.name === `/aws/lambda/${name}`,
      );
      assert.ok(logGroup, `${name}: log group`);
      assert.equal(logGroup.props.retentionInDays, 90);
      const invokeConfig = ofType(
        resources,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      ).find((c) => c.props.functionName === name);
      assert.deepEqual(invokeConfig?.props.destinationConfig, {
        onFailure: { destination: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:${name}-dlq` },
      });
    }
  });

  it("sends no environment block for a function without variables (an empty map never converges)", () => {
    const worker = one(resources, "aws:lambda/function:Function", "chatops-worker");
    assert.equal("environment" in worker.props, false, JSON.stringify(worker.props.environment));
    const notifier = one(resources, "aws:lambda/function:Function", "hub-notifier");
    assert.ok("environment" in notifier.props);
  });

  it("deploys without an aggregator (aggregator: none) or with the account list in organization mode", async () => {
    const none = await evaluateStack(
      "hub-no-aggregator",
      { ...HUB_CONFIG, chatops: { enabled: false }, aggregator: "none" },
      { secretKeys: HUB_SECRET_KEYS },
    );
    assert.equal(ofType(none.resources, "aws:cfg/configurationAggregator:ConfigurationAggregator").length, 0);
    assert.equal(
      ofType(none.resources, "aws:iam/role:Role").filter((r) => r.name.includes("aggregator")).length,
      0,
    );
    // The policy pack accepts the hub without an aggregator because the Hub says it is off on purpose.
    assert.equal(one(none.resources, "security-guard:hub:Hub", "hub").props.aggregator, "none");
    const violations = runPoliciesOffline(toPolicyResources(none.resources)).filter(
      (v) => v.level === "mandatory",
    );
    assert.deepEqual(violations, []);

    const accounts = await evaluateStack(
      "hub-account-aggregator",
      { ...HUB_CONFIG, chatops: { enabled: false }, aggregator: "account", memberAccounts: [SPOKE_ACCOUNT] },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const aggregator = one(
      accounts.resources,
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "aggregator-aggregator",
    );
    assert.deepEqual(aggregator.props.accountAggregationSource, {
      accountIds: [SPOKE_ACCOUNT],
      allRegions: true,
    });
    assert.equal(aggregator.props.organizationAggregationSource, undefined);
  });

  it("creates the organization aggregator after its role's policy is attached (IAM propagation)", () => {
    const aggregator = one(
      resources,
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "aggregator-aggregator",
    );
    const attachment = one(
      resources,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aggregator-role-policy",
    );
    assert.ok(aggregator.dependencies.includes(attachment.urn), aggregator.dependencies.join(", "));
  });

  it("passes secrets only as KMS ciphertext bound to the function name; no plaintext anywhere", () => {
    const secrets = [TEST_WEBHOOK, TEST_SIGNING_SECRET];
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      const env = JSON.stringify(fn.props.environment ?? {});
      for (const s of secrets) assert.ok(!env.includes(s), `${fn.props.name} env holds a plaintext secret`);
    }
    const ciphertexts = ofType(resources, "aws:kms/ciphertext:Ciphertext");
    assert.deepEqual(
      ciphertexts
        .map((c) => c.props.context)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { LambdaFunctionName: "security-guard-chatops-ack" },
        { LambdaFunctionName: "security-guard-notifier" },
      ],
    );
    for (const c of ciphertexts)
      assert.deepEqual(c.secretProps, ["plaintext"], "the plaintext input stays a Pulumi secret");
    const notifier = ofType(resources, "aws:lambda/function:Function").find(
      (f) => f.props.name === "security-guard-notifier",
    )!;
    const envVars = (notifier.props.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(envVars), ["SLACK_WEBHOOKS_CIPHERTEXT"]);
    assert.equal(
      envVars.SLACK_WEBHOOKS_CIPHERTEXT,
      ciphertexts.find((c) => JSON.stringify(c.props.context).includes("notifier"))!.state.ciphertextBlob,
    );
    const policy = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    assert.deepEqual(policy.find((s) => s.Sid === "OwnSecretsOnly")!.Condition, {
      StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "security-guard-notifier" },
    });
  });

  it("lets the remediator assume only the spokes' remediation role, in the organization", () => {
    const policy = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-remediator-policy")).Statement;
    assert.deepEqual(
      policy.find((s) => s.Sid === "AssumeSpokeRoles"),
      {
        Sid: "AssumeSpokeRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: ["arn:aws:iam::*:role/security-guard-remediation"],
        Condition: { StringEquals: { "aws:ResourceOrgID": ORG_ID } },
      },
    );
    assert.deepEqual(policy.find((s) => s.Sid === "ReportToBus")!.Resource, outputs.busArn);
  });

  it("serves Slack commands through an HTTP API whose ack hands off to the worker over SNS", () => {
    const route = one(resources, "aws:apigatewayv2/route:Route", "chatops-route");
    assert.equal(route.props.routeKey, "POST /slack/commands");
    const integration = one(resources, "aws:apigatewayv2/integration:Integration", "chatops-integration");
    assert.equal(integration.props.payloadFormatVersion, "2.0");
    assert.equal(integration.props.integrationType, "AWS_PROXY");
    const ack = ofType(resources, "aws:lambda/function:Function").find(
      (f) => f.props.name === "security-guard-chatops-ack",
    )!;
    const vars = (ack.props.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(vars).sort(), [
      "COMMAND_TOPIC_ARN",
      "REPLAY_TABLE_NAME",
      "SLACK_SIGNING_SECRET_CIPHERTEXT",
    ]);
    assert.equal(vars.REPLAY_TABLE_NAME, "security-guard-chatops-requests");
    // Above the ack's 2 s budget for its AWS calls: never stopped while it answers Slack.
    assert.equal(ack.props.timeout, 5);
    assert.equal(
      vars.COMMAND_TOPIC_ARN,
      `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-chatops-commands`,
    );
    const workerSub = ofType(resources, "aws:sns/topicSubscription:TopicSubscription").find((s) =>
      s.name.includes("worker"),
    )!;
    assert.equal(workerSub.props.topic, vars.COMMAND_TOPIC_ARN);
    assert.equal(
      workerSub.props.endpoint,
      `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:security-guard-chatops-worker`,
    );
  });

  it("records slash-command requests once in an on-demand table with TTL, encrypted with the hub key; the ack may only put", () => {
    assertHubTtlTable(resources, "chatops-requests", "security-guard-chatops-requests");
    const statements = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-ack-policy")).Statement;
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes("dynamodb:"));
    assert.deepEqual(dynamo, [
      {
        Sid: "RecordRequestsOnce",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-chatops-requests`,
      },
    ]);
    assert.deepEqual(statements.find((s) => s.Sid === "WriteToEncryptedTable")!.Condition, {
      StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
    });
    const worker = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-worker-policy"));
    assert.ok(!JSON.stringify(worker).includes("chatops-requests"), "the worker has no access to the table");
  });

  it("serves clicks on alert buttons on the same API and ack; the worker reports every click to the bus", () => {
    const route = one(resources, "aws:apigatewayv2/route:Route", "chatops-interactions-route");
    const commands = one(resources, "aws:apigatewayv2/route:Route", "chatops-route");
    assert.equal(route.props.routeKey, "POST /slack/interactions");
    // The same integration, so the same function with the same signature, window and replay checks.
    assert.equal(route.props.target, commands.props.target);
    const invoke = one(resources, "aws:lambda/permission:Permission", "chatops-api-invoke-interactions");
    assert.equal(invoke.props.function, "security-guard-chatops-ack");
    assert.match(String(invoke.props.sourceArn), /\/\*\/\*\/slack\/interactions$/);

    const table = one(resources, "aws:dynamodb/table:Table", "chatops-mutes");
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    assert.deepEqual(
      {
        name: table.props.name,
        billingMode: table.props.billingMode,
        hashKey: table.props.hashKey,
        ttl: table.props.ttl,
        serverSideEncryption: table.props.serverSideEncryption,
        pointInTimeRecovery: table.props.pointInTimeRecovery,
      },
      {
        name: "security-guard-alert-mutes",
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        ttl: { attributeName: "expiresAt", enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: key.state.arn },
        pointInTimeRecovery: { enabled: true },
      },
    );
    const worker = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-worker-policy")).Statement;
    assert.deepEqual(
      worker.filter((s) => ["ActAsSlackUserInHub", "ReportActions"].includes(s.Sid as string)),
      [
        {
          Sid: "ActAsSlackUserInHub",
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
          Resource: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-alert-actions`,
        },
        { Sid: "ReportActions", Effect: "Allow", Action: "events:PutEvents", Resource: outputs.busArn },
      ],
    );
    const confirmations = one(resources, "aws:dynamodb/table:Table", "chatops-alert-confirmations");
    // Mutes are written only through the alert-actions role (as the Slack user), never as the worker:
    // its own role only reads the alert records the notifier writes (what each alert may act on),
    // and holds production Revert/Exempt requests for a second person in a table of its own.
    assert.deepEqual(
      worker.filter((s) => JSON.stringify(s).includes("dynamodb")),
      [
        {
          Sid: "ReadAlertRecords",
          Effect: "Allow",
          Action: "dynamodb:GetItem",
          Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-alert-records`,
        },
        {
          Sid: "ReadEncryptedAlertRecords",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: key.state.arn,
          Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
        },
        {
          Sid: "HoldForSecondPerson",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
          Resource: confirmations.state.arn,
        },
        {
          Sid: "WriteEncryptedConfirmations",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: key.state.arn,
          Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
        },
        // Mute and Acknowledge set the alert's incident's state: read and change in place, on the
        // incidents table only (no PutItem: the worker cannot create incidents or aliases).
        {
          Sid: "SetIncidentState",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
          Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-incidents`,
        },
        {
          Sid: "UseEncryptedIncidents",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
          Resource: key.state.arn,
          Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
        },
      ],
      "the worker's own role reads the alert records, holds confirmations and sets incidents' state, nothing else in DynamoDB (no thread table in webhook mode)",
    );
    assert.deepEqual(
      worker.filter((s) => [s.Action].flat().some((a) => String(a).startsWith("sts:"))).map((s) => s.Sid),
      ["AssumeSpokeRoles", "ActAsSlackUserInHub"],
    );
  });

  it("holds production Revert and Exempt for a second person in a KMS-encrypted table with TTL", () => {
    const table = assertHubTtlTable(
      resources,
      "chatops-alert-confirmations",
      "security-guard-alert-confirmations",
    );
    // Only the worker's role names the table: the alert-actions role and the ack never do.
    const naming = resources
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
      .filter((r) => JSON.stringify(r.props).includes(String(table.state.arn)))
      .map((r) => r.name);
    assert.deepEqual(naming, ["hub-chatops-worker-policy"]);
  });

  it("Mute and Acknowledge run as the Slack user through the hub's alert-actions role, which may only add mutes and set findings' workflow status", () => {
    const role = one(resources, "aws:iam/role:Role", "chatops-alert-actions");
    assert.equal(role.props.name, "security-guard-alert-actions");
    assert.equal(role.props.maxSessionDuration, 3600);
    const workerRole = `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-chatops-worker-role`;
    const account = { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` };
    assert.deepEqual(doc(role, "assumeRolePolicy").Statement, [
      {
        Sid: "WorkerActsAsSlackUser",
        Effect: "Allow",
        Principal: account,
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
        Condition: {
          ArnEquals: { "aws:PrincipalArn": workerRole },
          StringLike: { "sts:SourceIdentity": "slack-*" },
        },
      },
      {
        Sid: "TagsNameActionAndAlert",
        Effect: "Allow",
        Principal: account,
        Action: "sts:TagSession",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": workerRole },
          "ForAllValues:StringEquals": { "aws:TagKeys": ["action", "alert"] },
        },
      },
    ]);
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-alert-actions-policy");
    assert.equal(policy.props.role, role.id);
    assert.deepEqual(doc(policy).Statement, [
      {
        Sid: "WriteMutes",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-alert-mutes`,
      },
      {
        Sid: "UpdateFindingWorkflow",
        Effect: "Allow",
        Action: "securityhub:BatchUpdateFindings",
        Resource: `arn:aws:securityhub:*:${HUB_ACCOUNT}:hub/default`,
        Condition: {
          StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": ["NOTIFIED", "SUPPRESSED"] },
        },
      },
      {
        Sid: "UpdateOcsfFindingStatus",
        Effect: "Allow",
        Action: "securityhub:BatchUpdateFindings",
        Resource: `arn:aws:securityhub:*:${HUB_ACCOUNT}:hubv2/*`,
        Condition: { StringEquals: { "securityhub:OCSFSyntaxPath/StatusId": ["2", "3"] } },
      },
      {
        Sid: "WriteToEncryptedTable",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: key.state.arn,
        Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  it("refuses to build anything when the config is invalid, listing every problem", async () => {
    await assert.rejects(
      evaluateStack(
        "hub-bad",
        { ...HUB_CONFIG, accountId: "1234", slackWebhooks: undefined },
        { secretKeys: HUB_SECRET_KEYS },
      ),
      (err: Error) => {
        assert.match(err.message, /Pulumi\.hub-bad\.yaml: 2 configuration problems/);
        assert.match(err.message, /security-guard:accountId = "1234": is not a 12-digit AWS account id/);
        assert.match(err.message, /security-guard:slackWebhooks = \(not set\): secret is not set/);
        return true;
      },
    );
  });
});

describe("hub dead letters", function () {
  it("keep what the bus could not deliver: both hub targets have the bus's dead-letter queue", async () => {
    const { resources } = await defaultHub();
    const dlq = `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-events-dlq`;
    for (const suffix of ["hub-notify-target", "remediator-target"]) {
      assert.deepEqual(
        one(resources, "aws:cloudwatch/eventTarget:EventTarget", suffix).props.deadLetterConfig,
        { arn: dlq },
      );
    }
    const policy = doc(one(resources, "aws:sqs/queuePolicy:QueuePolicy", "central-dlq-policy")).Statement;
    assert.deepEqual(policy[0].Condition, {
      ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${HUB_ACCOUNT}:rule/security-guard-events/*` },
    });
  });

  it("let only the notifier's queues (events, critical lane, digest) redrive into its dead-letter queue", async () => {
    const { resources } = await defaultHub();
    const allow = ofType(resources, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
    assert.equal(allow.length, 1);
    assert.equal(
      allow[0].props.queueUrl,
      `https://sqs.us-east-1.amazonaws.com/${HUB_ACCOUNT}/security-guard-notifier-queue-dlq`,
    );
    assert.deepEqual(JSON.parse(String(allow[0].props.redriveAllowPolicy)), {
      redrivePermission: "byQueue",
      sourceQueueArns: [
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue`,
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-critical`,
        `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-digest`,
      ],
    });
  });

  this.timeout(120_000);

  it("alarm into the hub's alarm topic (so Slack hears of them) for every dead-letter queue", async () => {
    const { resources } = await defaultHub();
    const queues = ofType(resources, "aws:sqs/queue:Queue")
      .map((q) => String(q.props.name))
      .filter((n) => n.endsWith("-dlq"))
      .sort();
    assert.deepEqual(queues, [
      "security-guard-chatops-ack-dlq",
      "security-guard-chatops-worker-dlq",
      "security-guard-events-dlq",
      "security-guard-hub-forwarding-dlq",
      "security-guard-liveness-dlq",
      "security-guard-notifier-digest-dlq",
      "security-guard-notifier-dlq",
      "security-guard-notifier-queue-dlq",
      "security-guard-remediator-dlq",
    ]);
    const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(
      alarms.map((a) => (a.props.dimensions as { QueueName: string }).QueueName).sort(),
      queues,
    );
    for (const a of alarms) {
      assert.equal(a.props.metricName, "ApproximateNumberOfMessagesVisible");
      assert.equal(a.props.comparisonOperator, "GreaterThanThreshold");
      assert.equal(a.props.threshold, 0);
      assert.deepEqual(a.props.alarmActions, [`arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-alarms`]);
    }
  });
});
