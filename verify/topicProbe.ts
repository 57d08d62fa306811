// An SNS topic in moto with an SQS queue subscribed to it, so a test can read back exactly what code
// under test published to the topic: the message itself (raw message delivery, the default), or
// SNS's whole notification envelope (Type, MessageId, TopicArn, Message, Timestamp, ...), which is
// what SNS hands a subscribed Lambda function as a record's `Sns`. With a filter policy, the queue
// stands for a filtered subscription (the Config topic's, an email route's): it receives exactly
// what SNS would deliver to it.
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

export interface TopicProbe {
  topicArn: string;
  queueUrl: string;
  /** Messages published since the last call, parsed as JSON, in arrival order (removed from the queue). */
  published(): Promise<unknown[]>;
}

/** Creates the topic (region us-east-1, moto's endpoint from the environment) and its probe queue. */
export async function topicProbe(
  topicName: string,
  queueName = `${topicName}-probe`,
  options: {
    raw?: boolean;
    /** The subscription's filter policy (JSON) and what it filters on. */
    filterPolicy?: string;
    filterPolicyScope?: "MessageBody" | "MessageAttributes";
  } = {},
): Promise<TopicProbe> {
  const sns = new SNSClient({ region: "us-east-1" });
  const sqs = new SQSClient({ region: "us-east-1" });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes!.QueueArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queueArn,
      Attributes: {
        RawMessageDelivery: String(options.raw ?? true),
        ...(options.filterPolicy !== undefined
          ? {
              FilterPolicy: options.filterPolicy,
              FilterPolicyScope: options.filterPolicyScope ?? "MessageAttributes",
            }
          : {}),
      },
    }),
  );
  sns.destroy();
  return {
    topicArn,
    queueUrl,
    published: async () => {
      const got: unknown[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (!out.Messages?.length) return got;
        for (const m of out.Messages) {
          got.push(JSON.parse(m.Body!));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    },
  };
}
