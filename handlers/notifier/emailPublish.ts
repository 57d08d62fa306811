// Publishes an alert email to the hub's email topic. Recipients are the topic's email subscriptions;
// each subscription's filter policy names the routes it wants, matched on the `route` message
// attribute (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { Deadline } from "../shared/deadline";
import { Email } from "./email";

/** Longest a single Publish may take before the record is reported as failed (and retried). */
export const EMAIL_PUBLISH_CAP_MS = 5000;

export interface EmailPublisher {
  publish(email: Email, route: string, deadline: Deadline): Promise<string>;
}

/** Region of a topic ARN ("arn:aws:sns:us-east-1:111111111111:name"). */
function regionOf(topicArn: string): string {
  const region = topicArn.split(":")[3];
  if (!region) throw new Error(`email topic ARN ${JSON.stringify(topicArn)} names no region`);
  return region;
}

/** SNS publisher for `topicArn`; the client is created on first use and kept (one per container). */
export function snsEmailPublisher(topicArn: string): EmailPublisher {
  const state: { client?: SNSClient } = {};
  return {
    async publish(email, route, deadline) {
      if (!state.client) state.client = new SNSClient({ region: regionOf(topicArn), maxAttempts: 3 });
      const client = state.client;
      const out = await deadline.run(
        "SNS Publish (email topic)",
        (abortSignal) =>
          client.send(
            new PublishCommand({
              TopicArn: topicArn,
              Subject: email.subject,
              Message: email.body,
              MessageAttributes: { route: { DataType: "String", StringValue: route } },
            }),
            { abortSignal },
          ),
        EMAIL_PUBLISH_CAP_MS,
      );
      return out.MessageId ?? "";
    },
  };
}
