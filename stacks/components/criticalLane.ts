// The notifier's critical lane: a second queue, fed by filtered subscriptions to the hub's events
// topic (stacks/criticalLaneFilter.ts), read by the same function without a batching window. The
// main queue's 20 s window holds a lone critical event for 20 s before anything reads it; here
// Lambda invokes as soon as its poller sees a message
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#services-sqs-batching:
// with MaximumBatchingWindowInSeconds 0 a batch is sent as soon as records are available).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../iam";
import { NAME_PREFIX } from "../names";
import { criticalLaneFilterPolicies } from "../criticalLaneFilter";

export const CRITICAL_QUEUE_NAME = `${NAME_PREFIX}-notifier-critical`;
/** Few events per invocation: the lane is for the rare urgent event, not for bursts. */
export const CRITICAL_BATCH_SIZE = 10;
export const CRITICAL_BATCHING_WINDOW_SECONDS = 0;

/** The critical queue's ARN, known before the queue exists (the function's role names it). */
export function criticalQueueArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:sqs:${region}:${accountId}:${CRITICAL_QUEUE_NAME}`;
}

/** What the notifier's role needs to read the lane. */
export function criticalLaneStatements(queueArn: string): Statement[] {
  return [
    {
      Sid: "ReceiveFromCriticalQueue",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      Resource: queueArn,
    },
  ];
}

export interface CriticalLaneArgs {
  kmsKey: aws.kms.Key;
  /** The notifier's dead-letter queue (its redrive allow policy lists this lane's queue). */
  deadLetters: aws.sqs.Queue;
  eventsTopic: aws.sns.Topic;
  fn: aws.lambda.Function;
  sshConfigRules: string[];
  visibilityTimeoutSeconds: number;
  maxReceives: number;
  maxConcurrency: number;
}

export class CriticalLane extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;

  constructor(name: string, args: CriticalLaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:CriticalLane", name, {}, opts);
    const child = { parent: this };
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: CRITICAL_QUEUE_NAME,
        kmsMasterKeyId: args.kmsKey.arn,
        visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
        messageRetentionSeconds: 345_600,
        redrivePolicy: pulumi.jsonStringify({
          deadLetterTargetArn: args.deadLetters.arn,
          maxReceiveCount: args.maxReceives,
        }),
      },
      child,
    );
    const policy = new aws.sqs.QueuePolicy(
      `${name}-queue-policy`,
      {
        queueUrl: this.queue.url,
        policy: policyDocument([
          {
            Sid: "EventsTopicSends",
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": args.eventsTopic.arn } },
          },
        ]),
      },
      child,
    );
    criticalLaneFilterPolicies(args.sshConfigRules).forEach(
      (filter, i) =>
        new aws.sns.TopicSubscription(
          `${name}-sub-${i}`,
          {
            topic: args.eventsTopic.arn,
            protocol: "sqs",
            endpoint: this.queue.arn,
            // The same SNS envelope as the main queue's messages.
            rawMessageDelivery: false,
            filterPolicy: JSON.stringify(filter),
            filterPolicyScope: "MessageBody",
          },
          { parent: this, dependsOn: [policy] },
        ),
    );
    new aws.lambda.EventSourceMapping(
      `${name}-source`,
      {
        eventSourceArn: this.queue.arn,
        functionName: args.fn.arn,
        batchSize: CRITICAL_BATCH_SIZE,
        maximumBatchingWindowInSeconds: CRITICAL_BATCHING_WINDOW_SECONDS,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: args.maxConcurrency },
        enabled: true,
      },
      child,
    );
    this.registerOutputs({ queueArn: this.queue.arn });
  }
}
