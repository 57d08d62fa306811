// The Slack slash-command bot: API Gateway HTTP API -> ack function (verifies the signature and
// answers within Slack's 3 s) -> SNS -> worker function, which acts in spokes through their
// chat-ops roles (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AckSettings, createAckHandler } from "../../handlers/chatops-ack";
import { createWorkerHandler } from "../../handlers/chatops-worker";
import { ENV } from "../../handlers/shared/constants";
import { HubConfig } from "../configSchema";
import { workerSettings as workerSettingsOf } from "../functionSettings";
import {
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  FUNCTION_NAMES,
  NAME_PREFIX,
} from "../names";
import { GuardFunction } from "./guardFunction";
import { subscribe } from "./subscribe";
import { assumeSpokeRoles } from "../orgScope";

export interface ChatopsArgs {
  config: HubConfig;
  partition: string;
  kmsKey: aws.kms.Key;
  signingSecret: pulumi.Input<string>;
}

export class Chatops extends pulumi.ComponentResource {
  readonly ack: GuardFunction;
  readonly worker: GuardFunction;
  readonly api: aws.apigatewayv2.Api;
  readonly commandUrl: pulumi.Output<string>;

  constructor(name: string, args: ChatopsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Chatops", name, {}, opts);
    const { config, partition, kmsKey } = args;
    const region = config.regions[0];
    const common = {
      kmsKey,
      accountId: config.accountId,
      region,
      partition,
      logRetentionDays: config.logRetentionDays,
    };

    const topic = new aws.sns.Topic(
      `${name}-commands`,
      { name: `${NAME_PREFIX}-chatops-commands`, kmsMasterKeyId: kmsKey.arn },
      { parent: this },
    );

    const ackSettings: AckSettings = { commandName: config.chatops.commandName };
    this.ack = new GuardFunction(
      `${name}-ack`,
      {
        ...common,
        functionName: FUNCTION_NAMES.chatopsAck,
        description: "security-guard: verifies Slack slash commands and acknowledges within 3 s",
        callbackFactory: () => createAckHandler(ackSettings),
        statements: pulumi.all([topic.arn, kmsKey.arn]).apply(([topicArn, keyArn]) => [
          { Sid: "HandOffCommands", Effect: "Allow" as const, Action: "sns:Publish", Resource: topicArn },
          {
            Sid: "PublishToEncryptedTopic",
            Effect: "Allow" as const,
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: keyArn,
            Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
          },
        ]),
        environment: { [ENV.commandTopicArn]: topic.arn },
        secrets: { [ENV.signingSecretCiphertext]: args.signingSecret },
        timeoutSeconds: 3,
        memoryMb: 512,
        // The ack answers in-process: no HTTP client, no dependency at all (cold start).
        excludePackages: ["axios"],
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );

    const workerSettings = workerSettingsOf(config);
    this.worker = new GuardFunction(
      `${name}-worker`,
      {
        ...common,
        functionName: FUNCTION_NAMES.chatopsWorker,
        description: "security-guard: runs Slack slash commands in spoke accounts",
        callbackFactory: () => createWorkerHandler(workerSettings),
        statements: [
          // The Slack user travels as the session's source identity (the spoke roles require it).
          assumeSpokeRoles(
            config,
            partition,
            [CHATOPS_READONLY_ROLE_NAME, CHATOPS_OPERATOR_ROLE_NAME],
            ["sts:AssumeRole", "sts:SetSourceIdentity"],
          ),
        ],
        // Start/stop waits for the final state (bounded) before the last reply.
        timeoutSeconds: 300,
        excludePackages: ["axios"],
        // A retry would repeat start/stop; the worker reports failures to the user instead.
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );
    subscribe(`${name}-worker-sub`, topic, this.worker.function, this);

    this.api = new aws.apigatewayv2.Api(
      `${name}-api`,
      { name: `${NAME_PREFIX}-slack`, protocolType: "HTTP", description: "Slack slash commands" },
      { parent: this },
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: this.api.id,
        integrationType: "AWS_PROXY",
        integrationUri: this.ack.function.invokeArn,
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: 3000,
      },
      { parent: this },
    );
    const route = new aws.apigatewayv2.Route(
      `${name}-route`,
      {
        apiId: this.api.id,
        routeKey: "POST /slack/commands",
        target: pulumi.interpolate`integrations/${integration.id}`,
      },
      { parent: this },
    );
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: this.api.id,
        name: "$default",
        autoDeploy: true,
        // Slack sends at most a few commands per second; cap abuse of the public endpoint.
        defaultRouteSettings: { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
      },
      { parent: this, dependsOn: [route] },
    );
    new aws.lambda.Permission(
      `${name}-api-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.ack.function.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*/slack/commands`,
      },
      { parent: this },
    );
    this.commandUrl = pulumi.interpolate`${stage.invokeUrl}slack/commands`;
    this.registerOutputs({ commandUrl: this.commandUrl });
  }
}
