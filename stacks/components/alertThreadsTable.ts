// Slack app mode's record of where each alert was posted (channel and message ts), so the
// remediation report and the outcome of an action taken from the alert go to the alert's thread.
// One item per alert, expired by DynamoDB TTL (handlers/shared/alertThreads.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { THREAD_KEY_ATTRIBUTE, THREAD_TTL_ATTRIBUTE } from "../../handlers/shared/alertThreads";
import { ALERT_THREADS_TABLE_NAME } from "../names";

export function alertThreadsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-alert-threads`,
    {
      name: ALERT_THREADS_TABLE_NAME,
      // On demand: one write per alert posted, bounded by Slack's ~1 message/s per channel.
      billingMode: "PAY_PER_REQUEST",
      hashKey: THREAD_KEY_ATTRIBUTE,
      attributes: [{ name: THREAD_KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: THREAD_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: kmsKey.arn },
    },
    { parent },
  );
}
