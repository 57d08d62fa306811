// The notifier: every topic the hub receives on feeds one SQS queue (SNS -> SQS, KMS-encrypted),
// which feeds the notifier in batches of up to 100 through an event source mapping. A burst (say
// 1,000 events after an incident) then arrives as a few batches that the notifier posts as digest
// messages, instead of 1,000 invocations each posting one message against Slack's limit of about
// one message per second per webhook. Failed records return through the partial batch response
// and are redelivered; after MAX_RECEIVES they land in the queue's dead-letter queue.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createNotifierHandler } from "../../handlers/notifier";
import { ENV } from "../../handlers/shared/constants";
import type { NotifierSettings } from "../../handlers/notifier/settings";
import { NOTIFIER_DIGEST_QUEUE_NAME, NOTIFIER_DIGEST_SCHEDULE_NAME } from "../functionSettings";
import { HubPlacement, OrgScope } from "../hubPlacement";
import { assumeSpokeRoles } from "../orgScope";
import { routesUse } from "../../handlers/notifier/routing";
import { DIGEST_RUN_EVENT } from "../../handlers/notifier/grouping";
import { Statement, policyDocument } from "../iam";
import { FUNCTION_NAMES, NAME_PREFIX } from "../names";
import { alertThreadsTable } from "./alertThreadsTable";
import { CentralBus } from "./centralBus";
import { eventBridgeDeadLetterQueue } from "./deadLetters";
import { GuardFunction } from "./guardFunction";
import { HubTopics } from "./hubTopics";
import { NotifierSignal } from "./notifierSignal";
import { scheduleRate } from "../scheduleRate";

export { scheduleRate };
import { configTopicFilterPolicy } from "../configTopicFilter";
import { CriticalLane, criticalLaneStatements, criticalQueueArn } from "./criticalLane";
import { incidentsStatements, incidentsTable } from "./incidentsTable";

export interface NotifierArgs {
  hub: HubPlacement;
  /** The organization or member accounts: the spoke roles the owner lookup may assume. */
  org: OrgScope;
  /** The function's settings (notifierSettings in functionSettings.ts). */
  settings: NotifierSettings;
  logRetentionDays: number;
  /** App mode (Slack channels through the bot token) rather than webhooks only. */
  appMode: boolean;
  /** Config rules whose compliance changes the config topic passes to the notifier. */
  notifiedConfigRules: string[];
  /** Config rule names that mean restricted-ssh (the critical lane takes them). */
  sshConfigRules: string[];
  /** Email address -> the route ids it receives (emailRecipients); empty: no email. */
  emailRecipients: Record<string, string[]>;
  kmsKey: aws.kms.Key;
  /** Secret JSON: webhook name -> URL. */
  slackWebhooks: pulumi.Input<string>;
  /** Secret: the Slack app's bot token (app mode). */
  slackBotToken?: pulumi.Input<string>;
  /** The hub's topics: the events topic takes the bus rule's events; the queue subscribes to all. */
  topics: HubTopics;
  /** The central bus rule for everything the hub reports to Slack. */
  trigger: {
    bus: CentralBus;
    rule: aws.cloudwatch.EventRule;
    /** The central bus rule for passing verdicts that resolve incidents (none when no source has any). */
    resolveRule?: aws.cloudwatch.EventRule;
    /** The hub's name: the trigger's resources keep their names (hub-notify-target, hub-events-policy). */
    hubName: string;
  };
}

/** The queue between the hub's topics and the notifier. */
export const NOTIFIER_QUEUE_NAME = `${NAME_PREFIX}-notifier-queue`;
/** Retries with backoff and Retry-After waits must fit (Slack: ~1 message/s per webhook). */
export const NOTIFIER_TIMEOUT_SECONDS = 300;
/**
 * At least six times the function timeout, as AWS advises for an SQS event source, so a batch still
 * being retried is not handed to a second invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
export const NOTIFIER_QUEUE_VISIBILITY_SECONDS = 6 * NOTIFIER_TIMEOUT_SECONDS;
/** Receives before a message that keeps failing moves to the queue's dead-letter queue. */
export const NOTIFIER_QUEUE_MAX_RECEIVES = 5;
/** Events per invocation, and how long Lambda gathers a batch before invoking. */
export const NOTIFIER_BATCH_SIZE = 100;
export const NOTIFIER_BATCHING_WINDOW_SECONDS = 20;
/**
 * Batches processed at once (2 is the minimum SQS allows): more concurrent batches would only
 * compete for the same webhooks' rate limit.
 */
export const NOTIFIER_MAX_CONCURRENCY = 2;

export class Notifier extends pulumi.ComponentResource {
  readonly fn: GuardFunction;
  readonly queue: aws.sqs.Queue;
  readonly queueDeadLetters: aws.sqs.Queue;
  /** Grouping on: where events below the immediate severity wait for the next digest run. */
  readonly digestQueue?: aws.sqs.Queue;
  /** Grouping on: digest runs EventBridge could not deliver (alarmed with the hub's other dead letters). */
  readonly digestScheduleDeadLetters?: aws.sqs.Queue;
  /** App mode only: where alerts were posted (channel, ts). */
  readonly alertThreads?: aws.dynamodb.Table;
  /** Incidents on: one item per incident. */
  readonly incidents?: aws.dynamodb.Table;
  /** Critical signals and alerts with buttons, read without a batching window. */
  readonly criticalLane: CriticalLane;

  constructor(name: string, args: NotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Notifier", name, {}, opts);
    const { hub, settings, kmsKey } = args;
    const { accountId, region, partition } = hub;
    const child = { parent: this };
    const settingsJson = JSON.stringify(settings);
    const topics = [args.topics.events, args.topics.config, args.topics.alarms];
    const { bus, rule, resolveRule, hubName } = args.trigger;

    // The bus rules -> the events topic, which only they may publish to. The policy stays the
    // topic's child and the notify target keeps its first parent's URN (alias): moving the code that
    // builds them changes nothing deployed.
    const rulePublishes = args.topics.allowRule(
      `${hubName}-events-policy`,
      resolveRule ? [rule.arn, resolveRule.arn] : [rule.arn],
      accountId,
      partition,
    );
    new aws.cloudwatch.EventTarget(
      `${hubName}-notify-target`,
      {
        rule: rule.name,
        eventBusName: bus.bus.name,
        arn: args.topics.events.arn,
        deadLetterConfig: { arn: bus.deadLetters.arn },
      },
      { parent: this, dependsOn: [rulePublishes], aliases: [{ parent: bus }] },
    );
    if (resolveRule)
      new aws.cloudwatch.EventTarget(
        `${hubName}-resolve-target`,
        {
          rule: resolveRule.name,
          eventBusName: bus.bus.name,
          arn: args.topics.events.arn,
          deadLetterConfig: { arn: bus.deadLetters.arn },
        },
        { parent: this, dependsOn: [rulePublishes] },
      );

    this.queueDeadLetters = new aws.sqs.Queue(
      `${name}-queue-dlq`,
      {
        name: `${NOTIFIER_QUEUE_NAME}-dlq`,
        kmsMasterKeyId: kmsKey.arn,
        // The maximum (14 days): a message keeps its first enqueue time when it is moved here.
        messageRetentionSeconds: 1_209_600,
      },
      child,
    );
    // Both queues: 4 days' retention, failures to the notifier's dead-letter queue after
    // NOTIFIER_QUEUE_MAX_RECEIVES (the digest queue is read by the digest runs, which set their own
    // visibility timeout when they receive).
    const redrivenQueue = (resourceName: string, queueName: string) =>
      new aws.sqs.Queue(
        resourceName,
        {
          name: queueName,
          kmsMasterKeyId: kmsKey.arn,
          visibilityTimeoutSeconds: NOTIFIER_QUEUE_VISIBILITY_SECONDS,
          messageRetentionSeconds: 345_600,
          redrivePolicy: pulumi.jsonStringify({
            deadLetterTargetArn: this.queueDeadLetters.arn,
            maxReceiveCount: NOTIFIER_QUEUE_MAX_RECEIVES,
          }),
        },
        child,
      );
    this.queue = redrivenQueue(`${name}-queue`, NOTIFIER_QUEUE_NAME);
    const criticalArn = criticalQueueArn(partition, region, accountId);
    if (settings.grouping) this.digestQueue = redrivenQueue(`${name}-digest`, NOTIFIER_DIGEST_QUEUE_NAME);
    // Only the notifier's queues may move their failures into this dead-letter queue.
    new aws.sqs.RedriveAllowPolicy(
      `${name}-queue-dlq-allow`,
      {
        queueUrl: this.queueDeadLetters.url,
        redriveAllowPolicy: pulumi.jsonStringify({
          redrivePermission: "byQueue",
          sourceQueueArns: [this.queue.arn, criticalArn, ...(this.digestQueue ? [this.digestQueue.arn] : [])],
        }),
      },
      child,
    );
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-queue-policy`,
      {
        queueUrl: this.queue.url,
        policy: policyDocument([
          {
            Sid: "HubTopicsSend",
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": topics.map((t) => t.arn) } },
          },
        ]),
      },
      child,
    );

    const statements: Statement[] = [
      {
        Sid: "ReceiveFromQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: this.queue.arn,
      },
      {
        Sid: "DecryptQueueMessages",
        Effect: "Allow",
        // Sending to the KMS-encrypted digest queue needs a data key too
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
        Action: settings.grouping ? ["kms:Decrypt", "kms:GenerateDataKey"] : "kms:Decrypt",
        Resource: kmsKey.arn,
        Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
      },
    ];
    if (this.digestQueue)
      statements.push({
        Sid: "HoldAndReadDigest",
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        Resource: this.digestQueue.arn,
      });
    const signal = new NotifierSignal(
      `${name}-signal`,
      { region, emailRecipients: args.emailRecipients, kmsKey },
      child,
    );
    const secrets: Record<string, pulumi.Input<string>> = {
      [ENV.slackWebhooksCiphertext]: args.slackWebhooks,
    };
    if (args.appMode) {
      if (!args.slackBotToken) throw new Error("slackChannels (app mode) needs the slackBotToken secret");
      secrets[ENV.slackBotTokenCiphertext] = args.slackBotToken;
      this.alertThreads = alertThreadsTable(name, kmsKey, this);
      statements.push(
        // Record an alert's thread and read it back for a reply: no scans, updates or deletes
        // (TTL deletes expired items).
        {
          Sid: "AlertThreads",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
          Resource: this.alertThreads.arn,
        },
        {
          // DynamoDB uses the table's customer managed key on the caller's behalf
          // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
          Sid: "UseEncryptedTable",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
          Resource: kmsKey.arn,
          Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
      );
    }
    if (settings.alertRecordsTable)
      statements.push(
        // Bind each alert's buttons to its record: write only (the worker reads).
        {
          Sid: "RecordAlertActions",
          Effect: "Allow",
          Action: "dynamodb:PutItem",
          Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${settings.alertRecordsTable}`,
        },
        {
          Sid: "WriteEncryptedAlertRecords",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: kmsKey.arn,
          Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
      );
    statements.push(...criticalLaneStatements(criticalArn));
    if (settings.incidents) {
      this.incidents = incidentsTable(name, kmsKey, this);
      // The table key's statement is shared with the alert threads' (one Sid per policy).
      const have = new Set(statements.map((s) => s.Sid));
      statements.push(
        ...incidentsStatements(this.incidents.arn, kmsKey.arn, region).filter((s) => !have.has(s.Sid)),
      );
    }
    if (settings.runtimeMutesTable) {
      statements.push(
        // The Mute button's mutes: read the whole (small) table, nothing else.
        {
          Sid: "ReadSlackMutes",
          Effect: "Allow",
          Action: "dynamodb:Scan",
          Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${settings.runtimeMutesTable}`,
        },
        {
          Sid: "ReadSlackMutesKey",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: kmsKey.arn,
          Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
      );
    }
    statements.push(...placeStatements(settings, args.org, partition));
    this.fn = new GuardFunction(
      name,
      {
        functionName: FUNCTION_NAMES.notifier,
        description: "security-guard: formats hub events as Slack messages",
        // Captured as JSON text: Pulumi's closure serializer mistakes a plain object with a
        // string "default" key and other keys (app mode's channel map) for an import-star
        // wrapper and fails with "Cannot use 'in' operator" (seen building the package).
        callbackFactory: () => createNotifierHandler(JSON.parse(settingsJson)),
        statements: [...statements, ...signal.statements],
        secrets,
        kmsKey,
        accountId,
        region,
        partition,
        logRetentionDays: args.logRetentionDays,
        timeoutSeconds: NOTIFIER_TIMEOUT_SECONDS,
      },
      child,
    );

    // SNS -> SQS without raw delivery: each message body is the SNS notification document, which
    // keeps the topic ARN and subject the notifier shows. The Config topic's subscription passes
    // only compliance changes of the guard's rules (configTopicFilter.ts).
    topics.forEach(
      (topic, i) =>
        new aws.sns.TopicSubscription(
          `${name}-sub-${i}`,
          {
            topic: topic.arn,
            protocol: "sqs",
            endpoint: this.queue.arn,
            rawMessageDelivery: false,
            ...(topic === args.topics.config
              ? {
                  filterPolicy: JSON.stringify(configTopicFilterPolicy(args.notifiedConfigRules)),
                  filterPolicyScope: "MessageBody",
                }
              : {}),
          },
          { parent: this, dependsOn: [queuePolicy] },
        ),
    );
    new aws.lambda.EventSourceMapping(
      `${name}-queue-source`,
      {
        eventSourceArn: this.queue.arn,
        functionName: this.fn.function.arn,
        batchSize: NOTIFIER_BATCH_SIZE,
        maximumBatchingWindowInSeconds: NOTIFIER_BATCHING_WINDOW_SECONDS,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: NOTIFIER_MAX_CONCURRENCY },
        enabled: true,
      },
      child,
    );
    this.criticalLane = new CriticalLane(
      `${name}-critical`,
      {
        kmsKey,
        deadLetters: this.queueDeadLetters,
        eventsTopic: args.topics.events,
        fn: this.fn.function,
        sshConfigRules: args.sshConfigRules,
        visibilityTimeoutSeconds: NOTIFIER_QUEUE_VISIBILITY_SECONDS,
        maxReceives: NOTIFIER_QUEUE_MAX_RECEIVES,
        maxConcurrency: NOTIFIER_MAX_CONCURRENCY,
      },
      child,
    );
    if (settings.grouping) {
      // The digest runs: the schedule invokes the notifier with a constant input that says so.
      const schedule = new aws.cloudwatch.EventRule(
        `${name}-digest-schedule`,
        {
          name: NOTIFIER_DIGEST_SCHEDULE_NAME,
          description: "security-guard: posts the events held for the digest",
          scheduleExpression: scheduleRate(settings.grouping.windowMinutes),
        },
        child,
      );
      const invoke = new aws.lambda.Permission(
        `${name}-digest-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: this.fn.function.name,
          principal: "events.amazonaws.com",
          sourceArn: schedule.arn,
        },
        child,
      );
      // A run EventBridge cannot deliver (throttled, function missing) is retried for one window, then
      // kept in a dead-letter queue instead of dropped; the held events wait for the next run anyway.
      const digestDeadLetters = (this.digestScheduleDeadLetters = eventBridgeDeadLetterQueue(
        `${name}-digest-dlq`,
        {
          queueName: `${NOTIFIER_DIGEST_SCHEDULE_NAME}-dlq`,
          sid: "DigestScheduleDeadLetter",
          ruleArnPattern: `arn:${partition}:events:${region}:${accountId}:rule/${NOTIFIER_DIGEST_SCHEDULE_NAME}`,
        },
        child,
      ));
      new aws.cloudwatch.EventTarget(
        `${name}-digest-target`,
        {
          rule: schedule.name,
          arn: this.fn.function.arn,
          input: JSON.stringify(DIGEST_RUN_EVENT),
          retryPolicy: {
            maximumRetryAttempts: 3,
            maximumEventAgeInSeconds: Math.max(60, settings.grouping.windowMinutes * 60),
          },
          deadLetterConfig: { arn: digestDeadLetters.arn },
        },
        { parent: this, dependsOn: [invoke] },
      );
    }
    this.registerOutputs({ queueArn: this.queue.arn });
  }
}

/**
 * Only what the routes need: a route naming owners may assume the spokes' read role (to read tags
 * the event does not carry); a route naming organizationalUnits may list an account's parents in
 * the hub's organization (ListParents takes account and OU resources,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html).
 */
export function placeStatements(settings: NotifierSettings, org: OrgScope, partition: string): Statement[] {
  const out: Statement[] = [];
  if (settings.lookups && routesUse(settings.routes, "owners"))
    out.push({ ...assumeSpokeRoles(org, partition, [settings.lookups.roleName]), Sid: "ReadOwnerTags" });
  if (routesUse(settings.routes, "organizationalUnits")) {
    if (!org.organizationId) throw new Error("routes by organizationalUnits need the hub's organizationId");
    out.push({
      Sid: "ReadOrganizationalUnits",
      Effect: "Allow",
      Action: "organizations:ListParents",
      Resource: [
        `arn:${partition}:organizations::*:account/${org.organizationId}/*`,
        `arn:${partition}:organizations::*:ou/${org.organizationId}/*`,
      ],
    });
  }
  return out;
}
