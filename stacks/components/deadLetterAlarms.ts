// Dead letters are announced, not just kept: one CloudWatch alarm per dead-letter queue, whose
// action publishes to the hub's alarm topic, so "an event could not be processed" reaches Slack
// through the notifier like any other alarm.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { queueNotEmptyAlarm } from "./deadLetters";

export interface DeadLetterAlarmsArgs {
  queues: aws.sqs.Queue[];
  alarmTopic: aws.sns.Topic;
}

export class DeadLetterAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: DeadLetterAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:DeadLetterAlarms", name, {}, opts);
    this.alarms = args.queues.map((queue, i) =>
      queueNotEmptyAlarm(
        `${name}-${i}`,
        {
          queue,
          description: pulumi.interpolate`Events security-guard could not process are waiting in ${queue.name}: read them, fix the cause, then redrive.`,
          actions: [args.alarmTopic.arn],
        },
        { parent: this },
      ),
    );
    this.registerOutputs({});
  }
}
