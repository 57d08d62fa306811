// The Slack slash-command bot: API Gateway HTTP API -> ack function (verifies the signature and
// answers within Slack's 3 s) -> SNS -> worker function, which acts in spokes through their
// chat-ops roles (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AckSettings, createAckHandler } from "../../../handlers/chatops/ack";
import { WorkerSettings, createWorkerHandler } from "../../../handlers/chatops/worker";
import { ENV } from "../../../handlers/shared/constants";
import { HubPlacement, OrgScope } from "../../hubPlacement";
import {
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  FUNCTION_NAMES,
  NAME_PREFIX,
} from "../../names";
import { assumeSpokeRoles } from "../../orgScope";
import { GuardFunction, NOTIFIER_ONLY_PACKAGES } from "../guardFunction";
import { subscribe } from "../subscribe";
import { alertActionsRole } from "./alertActionsRole";
import { slackCommandApi } from "./api";
import { alertRecordsTable, confirmationsTable, mutesTable, requestsTable } from "./requestsTable";

export interface ChatopsArgs {
  hub: HubPlacement;
  /** The accounts whose chat-ops roles the worker may assume. */
  org: OrgScope;
  /** The functions' settings (ackSettingsFor and workerSettingsFor in ./settings). */
  ackSettings: AckSettings;
  workerSettings: WorkerSettings;
  logRetentionDays: number;
  /** The hub's stack file, named in configuration errors. */
  stackFile: string;
  kmsKey: aws.kms.Key;
  /** Required when chat-ops is enabled (the ack verifies every request with it). */
  signingSecret: pulumi.Input<string> | undefined;
  /**
   * Slack app mode: the bot token, with which the worker replies outcomes in alerts' threads and
   * the ack opens Exempt's reason dialog (views.open).
   */
  slackBotToken?: pulumi.Input<string>;
}

function missingBotToken(stackFile: string): never {
  throw new Error(`${stackFile}: slackChannels (app mode) needs the slackBotToken secret`);
}

export class Chatops extends pulumi.ComponentResource {
  readonly ack: GuardFunction;
  readonly worker: GuardFunction;
  readonly api: aws.apigatewayv2.Api;
  readonly commandUrl: pulumi.Output<string>;
  /** The Slack app's interactivity request URL (buttons on alerts). */
  readonly interactionsUrl: pulumi.Output<string>;
  /** Mutes written from Slack; the notifier reads them. */
  readonly mutes: aws.dynamodb.Table;
  readonly alertRecords: aws.dynamodb.Table;
  /** Production Revert/Exempt requests waiting for a second person (the worker's alone). */
  readonly confirmations: aws.dynamodb.Table;
  /** The hub role Mute and Acknowledge run as (the Slack user as source identity). */
  readonly alertActionsRole: aws.iam.Role;
  /** The ack's record of requests already received (replay refusal). */
  readonly requests: aws.dynamodb.Table;
  /** The functions' dead-letter queues, for the hub's queue-not-empty alarms. */
  readonly deadLetterQueues: aws.sqs.Queue[];

  constructor(name: string, args: ChatopsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Chatops", name, {}, opts);
    const { hub, org, ackSettings, workerSettings, kmsKey, signingSecret } = args;
    if (!signingSecret)
      throw new Error(`${args.stackFile}: chat-ops is enabled but slackSigningSecret is not set`);
    const { accountId, region, partition } = hub;
    const common = { kmsKey, accountId, region, partition, logRetentionDays: args.logRetentionDays };

    const topic = new aws.sns.Topic(
      `${name}-commands`,
      { name: `${NAME_PREFIX}-chatops-commands`, kmsMasterKeyId: kmsKey.arn },
      { parent: this },
    );

    this.requests = requestsTable(name, kmsKey, this);
    this.ack = new GuardFunction(
      `${name}-ack`,
      {
        ...common,
        functionName: FUNCTION_NAMES.chatopsAck,
        description: "security-guard: verifies Slack slash commands and clicks and acknowledges within 3 s",
        callbackFactory: () => createAckHandler(ackSettings),
        statements: pulumi
          .all([topic.arn, kmsKey.arn, this.requests.arn])
          .apply(([topicArn, keyArn, tableArn]) => [
            { Sid: "HandOffCommands", Effect: "Allow" as const, Action: "sns:Publish", Resource: topicArn },
            {
              Sid: "PublishToEncryptedTopic",
              Effect: "Allow" as const,
              Action: ["kms:GenerateDataKey", "kms:Decrypt"],
              Resource: keyArn,
              Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
            },
            // Only the conditional put that records a request once: the ack never reads, updates
            // or deletes (TTL deletes expired records).
            {
              Sid: "RecordRequestsOnce",
              Effect: "Allow" as const,
              Action: "dynamodb:PutItem",
              Resource: tableArn,
            },
            {
              // DynamoDB uses the table's customer managed key on the caller's behalf
              // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
              Sid: "WriteToEncryptedTable",
              Effect: "Allow" as const,
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
              Resource: keyArn,
              Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
            },
          ]),
        environment: { [ENV.commandTopicArn]: topic.arn, [ENV.replayTableName]: this.requests.name },
        // The bot token opens Exempt's reason dialog; without it Exempt uses a default reason.
        secrets: {
          [ENV.signingSecretCiphertext]: signingSecret,
          ...(args.slackBotToken ? { [ENV.slackBotTokenCiphertext]: args.slackBotToken } : {}),
        },
        // Every AWS call of the ack ends within ANSWER_BUDGET_MS (2 s) so Slack hears back within
        // its 3 s; the Lambda timeout sits above that so the function is never stopped while it
        // answers and logs (a stopped invocation answers Slack with a bare error and logs nothing).
        timeoutSeconds: 5,
        memoryMb: 512,
        // The ack answers in-process: no HTTP client, no dependency at all (cold start).
        excludePackages: NOTIFIER_ONLY_PACKAGES,
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );

    this.mutes = mutesTable(name, kmsKey, this);
    this.alertRecords = alertRecordsTable(name, kmsKey, this);
    this.confirmations = confirmationsTable(name, kmsKey, this);
    const alertActions = workerSettings.alertActions!;
    this.worker = new GuardFunction(
      `${name}-worker`,
      {
        ...common,
        functionName: FUNCTION_NAMES.chatopsWorker,
        description: "security-guard: runs Slack slash commands and alert actions in spoke accounts",
        callbackFactory: () => createWorkerHandler(workerSettings),
        statements: [
          // The Slack user travels as the session's source identity (the spoke roles require it).
          assumeSpokeRoles(
            org,
            partition,
            [CHATOPS_READONLY_ROLE_NAME, CHATOPS_OPERATOR_ROLE_NAME],
            ["sts:AssumeRole", "sts:SetSourceIdentity"],
          ),
          // Mute and Acknowledge: the hub's alert-actions role, as the Slack user with the action
          // and alert as session tags. The worker's own role cannot write the mutes table.
          {
            Sid: "ActAsSlackUserInHub",
            Effect: "Allow",
            Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
            Resource: alertActions.actionsRoleArn,
          },
          // Every click on an alert is reported to the hub's bus.
          {
            Sid: "ReportActions",
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: alertActions.reportBus,
          },
          // What each alert's buttons may act on, as the notifier recorded it (read only).
          {
            Sid: "ReadAlertRecords",
            Effect: "Allow",
            Action: "dynamodb:GetItem",
            Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${alertActions.recordsTable}`,
          },
          {
            Sid: "ReadEncryptedAlertRecords",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: kmsKey.arn,
            Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
          },
          // Production accounts: record, read and claim (delete) requests for a second person;
          // the conditions in the requests make each click either first or the confirmer.
          {
            Sid: "HoldForSecondPerson",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            Resource: this.confirmations.arn,
          },
          {
            // DynamoDB uses the table's customer managed key on the caller's behalf
            // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
            Sid: "WriteEncryptedConfirmations",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: kmsKey.arn,
            Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
          },
          // Mute and Acknowledge set the state of the alert's incident: read it and change it in
          // place (conditional UpdateItem); no item is created, scanned or deleted.
          ...(alertActions.incidents
            ? [
                {
                  Sid: "SetIncidentState",
                  Effect: "Allow" as const,
                  Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                  Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${alertActions.incidents.tableName}`,
                },
                {
                  // DynamoDB uses the table's customer managed key on the caller's behalf
                  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
                  Sid: "UseEncryptedIncidents",
                  Effect: "Allow" as const,
                  Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                  Resource: kmsKey.arn,
                  Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
                },
              ]
            : []),
          // App mode: where the notifier posted the alert, to reply in its thread (read only).
          ...(alertActions.threadTable
            ? [
                {
                  Sid: "FindAlertThreads",
                  Effect: "Allow" as const,
                  Action: "dynamodb:GetItem",
                  Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${alertActions.threadTable}`,
                },
                {
                  // DynamoDB uses the table's customer managed key on the caller's behalf
                  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
                  Sid: "ReadEncryptedTable",
                  Effect: "Allow" as const,
                  Action: "kms:Decrypt",
                  Resource: kmsKey.arn,
                  Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
                },
              ]
            : []),
        ],
        ...(alertActions.threadTable
          ? {
              secrets: {
                [ENV.slackBotTokenCiphertext]: args.slackBotToken ?? missingBotToken(args.stackFile),
              },
            }
          : {}),
        // Start/stop waits for the final state (bounded) before the last reply.
        timeoutSeconds: 300,
        // The worker validates each message it accepts with valibot; it posts with fetch (no axios).
        excludePackages: NOTIFIER_ONLY_PACKAGES.filter((p) => p !== "valibot"),
        // A retry would repeat start/stop; the worker reports failures to the user instead.
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );
    this.alertActionsRole = alertActionsRole(
      `${name}-alert-actions`,
      {
        partition,
        accountId,
        region,
        mutesTableArn: this.mutes.arn,
        kmsKeyArn: kmsKey.arn,
      },
      this,
    );
    subscribe(`${name}-worker-sub`, topic, this.worker.function, this);

    const { api, commandUrl, interactionsUrl } = slackCommandApi(name, this.ack.function, this);
    this.api = api;
    this.commandUrl = commandUrl;
    this.interactionsUrl = interactionsUrl;
    this.deadLetterQueues = [this.ack.deadLetterQueue, this.worker.deadLetterQueue];
    this.registerOutputs({ commandUrl: this.commandUrl, interactionsUrl: this.interactionsUrl });
  }
}
