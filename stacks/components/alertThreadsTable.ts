// Slack app mode's record of where each alert was posted (channel and message ts), so the
// remediation report and the outcome of an action taken from the alert go to the alert's thread.
// One item per alert, expired by DynamoDB TTL (handlers/shared/alertThreads.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { THREAD_KEY_ATTRIBUTE, THREAD_TTL_ATTRIBUTE } from "../../handlers/shared/alertThreads";
import { ALERT_THREADS_TABLE_NAME } from "../names";
import { ttlTable } from "./ttlTable";

export function alertThreadsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  // One write per alert posted, bounded by Slack's ~1 message/s per channel.
  return ttlTable(
    `${name}-alert-threads`,
    {
      tableName: ALERT_THREADS_TABLE_NAME,
      hashKey: THREAD_KEY_ATTRIBUTE,
      ttlAttribute: THREAD_TTL_ATTRIBUTE,
      kmsKey,
    },
    parent,
  );
}
