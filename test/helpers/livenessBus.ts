// What the liveness function's deployed tests stand up in the hub account (moto keeps resources per
// account): a session as the function's role, and the hub bus with a queue receiving what the
// notify rule would (source security-guard.liveness).
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";

export const LIVENESS_BUS = "security-guard-events";

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Credentials of an AssumeRole session on `roleArn`. */
export async function sessionAs(roleArn: string, sessionName: string): Promise<SessionCredentials> {
  const sts = new STSClient({});
  try {
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })))
      .Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

/** A deployed function's environment under `credentials`, on top of moto's. */
export const envWith = (base: Record<string, string>, credentials: SessionCredentials) => ({
  ...base,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: credentials.sessionToken,
});

/**
 * The hub bus and a queue named `name` that a rule sends the liveness function's events to;
 * returns a reader of what the queue holds (up to 10 events).
 */
export async function livenessEventsQueue<T>(
  credentials: AwsCredentialIdentity,
  name: string,
  region = "us-east-1",
): Promise<() => Promise<T[]>> {
  const events = new EventBridgeClient({ region, credentials });
  await events.send(new CreateEventBusCommand({ Name: LIVENESS_BUS }));
  const sqs = new SQSClient({ region, credentials });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes!.QueueArn!;
  await events.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: LIVENESS_BUS,
      EventPattern: JSON.stringify({ source: ["security-guard.liveness"] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: name, EventBusName: LIVENESS_BUS, Targets: [{ Id: "q", Arn: queueArn }] }),
  );
  return async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as T);
  };
}
