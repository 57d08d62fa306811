// The notifier: every topic the hub receives on feeds it; it posts to Slack.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createNotifierHandler } from "../../handlers/notifier";
import { NotifierSettings } from "../../handlers/notifier/settings";
import { ENV } from "../../handlers/shared/constants";
import { HubConfig } from "../configSchema";
import { FUNCTION_NAMES } from "../names";
import { GuardFunction } from "./guardFunction";

export interface NotifierArgs {
  config: HubConfig;
  partition: string;
  kmsKey: aws.kms.Key;
  /** Secret JSON: webhook name -> URL. */
  slackWebhooks: pulumi.Input<string>;
  topics: aws.sns.Topic[];
}

export class Notifier extends pulumi.ComponentResource {
  readonly fn: GuardFunction;

  constructor(name: string, args: NotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Notifier", name, {}, opts);
    const { config } = args;
    const settings: NotifierSettings = { accountNames: config.accountNames, routes: config.slackRoutes };
    this.fn = new GuardFunction(
      name,
      {
        functionName: FUNCTION_NAMES.notifier,
        description: "security-guard: formats hub events as Slack messages",
        callbackFactory: () => createNotifierHandler(settings),
        // SNS decrypts before it invokes a Lambda subscriber: beyond its own secret, nothing to allow.
        statements: [],
        secrets: { [ENV.slackWebhooksCiphertext]: args.slackWebhooks },
        kmsKey: args.kmsKey,
        accountId: config.accountId,
        region: config.regions[0],
        partition: args.partition,
        logRetentionDays: config.logRetentionDays,
        // Retries with backoff and Retry-After waits must fit (Slack: ~1 message/s per webhook).
        timeoutSeconds: 300,
      },
      { parent: this },
    );
    args.topics.forEach((topic, i) => subscribe(`${name}-sub-${i}`, topic, this.fn.function, this));
    this.registerOutputs({});
  }
}

/** Subscribes a function to a topic, allowing exactly that topic to invoke it. */
export function subscribe(
  name: string,
  topic: aws.sns.Topic,
  fn: aws.lambda.Function,
  parent: pulumi.Resource,
  filterPolicy?: Record<string, unknown>,
): aws.sns.TopicSubscription {
  const permission = new aws.lambda.Permission(
    `${name}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "sns.amazonaws.com",
      sourceArn: topic.arn,
    },
    { parent },
  );
  return new aws.sns.TopicSubscription(
    name,
    {
      topic: topic.arn,
      protocol: "lambda",
      endpoint: fn.arn,
      ...(filterPolicy
        ? { filterPolicy: JSON.stringify(filterPolicy), filterPolicyScope: "MessageBody" }
        : {}),
    },
    { parent, dependsOn: [permission] },
  );
}
