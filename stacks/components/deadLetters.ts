// Dead-letter pieces shared by the hub and the spokes: a queue EventBridge targets can fail into,
// and an alarm for a queue that holds anything.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam";

/**
 * A dead-letter queue for EventBridge targets. Without one, EventBridge drops an event once its
 * retries are spent, leaving only a FailedInvocations metric
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). SQS-managed
 * encryption: EventBridge cannot write to a queue encrypted with a customer key unless that key's
 * policy admits it, and these are event copies, not secrets.
 */
export function eventBridgeDeadLetterQueue(
  name: string,
  args: { queueName: string; sid: string; ruleArnPattern: string },
  opts: pulumi.CustomResourceOptions,
): aws.sqs.Queue {
  const queue = new aws.sqs.Queue(
    name,
    { name: args.queueName, sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 },
    opts,
  );
  new aws.sqs.QueuePolicy(
    `${name}-policy`,
    {
      queueUrl: queue.url,
      policy: policyDocument([
        {
          Sid: args.sid,
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
          Condition: { ArnLike: { "aws:SourceArn": args.ruleArnPattern } },
        },
      ]),
    },
    opts,
  );
  return queue;
}

/**
 * An alarm while a queue holds any message. SQS metrics are reported every 5 minutes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 */
export function queueNotEmptyAlarm(
  name: string,
  args: { queue: aws.sqs.Queue; description: pulumi.Input<string>; actions?: pulumi.Input<string>[] },
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name: pulumi.interpolate`${args.queue.name}-not-empty`,
      alarmDescription: args.description,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      ...(args.actions ? { alarmActions: args.actions, okActions: args.actions } : {}),
    },
    opts,
  );
}
