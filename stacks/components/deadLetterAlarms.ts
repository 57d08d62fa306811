// Dead letters are announced, not just kept: one CloudWatch alarm per dead-letter queue, whose
// action publishes to the hub's alarm topic, so "an event could not be processed" reaches Slack
// through the notifier like any other alarm. SQS metrics are reported every 5 minutes
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DeadLetterAlarmsArgs {
  queues: aws.sqs.Queue[];
  alarmTopic: aws.sns.Topic;
}

export class DeadLetterAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: DeadLetterAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:DeadLetterAlarms", name, {}, opts);
    this.alarms = args.queues.map(
      (queue, i) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${i}`,
          {
            name: pulumi.interpolate`${queue.name}-not-empty`,
            alarmDescription: pulumi.interpolate`Events security-guard could not process are waiting in ${queue.name}: read them, fix the cause, then redrive.`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue.name },
            statistic: "Maximum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [args.alarmTopic.arn],
            okActions: [args.alarmTopic.arn],
          },
          { parent: this },
        ),
    );
    this.registerOutputs({});
  }
}
