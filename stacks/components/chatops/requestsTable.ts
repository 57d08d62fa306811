// The ack's record of Slack requests already received: one item per request (timestamp and
// signature), written once with a conditional put and expired by DynamoDB TTL after the 5-minute
// window in which Slack's signature stays valid
// (https://api.slack.com/authentication/verifying-requests-from-slack).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEEN_KEY_ATTRIBUTE, SEEN_TTL_ATTRIBUTE } from "../../../handlers/shared/seenStore";
import { MUTE_KEY_ATTRIBUTE, MUTE_TTL_ATTRIBUTE } from "../../../handlers/shared/runtimeMutes";
import {
  ALERT_CONFIRMATIONS_TABLE_NAME,
  ALERT_MUTES_TABLE_NAME,
  ALERT_RECORDS_TABLE_NAME,
  CHATOPS_REQUESTS_TABLE_NAME,
} from "../../names";
import {
  CONFIRM_KEY_ATTRIBUTE,
  CONFIRM_TTL_ATTRIBUTE,
} from "../../../handlers/chatops/worker/alerts/confirm";
import {
  ALERT_RECORD_KEY_ATTRIBUTE,
  ALERT_RECORD_TTL_ATTRIBUTE,
} from "../../../handlers/shared/alertRecords";

export function requestsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-requests`,
    {
      name: CHATOPS_REQUESTS_TABLE_NAME,
      // On demand: a few requests a minute, no capacity to plan or throttle on.
      billingMode: "PAY_PER_REQUEST",
      hashKey: SEEN_KEY_ATTRIBUTE,
      attributes: [{ name: SEEN_KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: SEEN_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: kmsKey.arn },
    },
    { parent },
  );
}

/**
 * What each posted alert may act on: one item per alert reference, written by the notifier before
 * it posts and read by the worker on a click; expired by TTL (handlers/shared/alertRecords.ts).
 */
export function alertRecordsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-alert-records`,
    {
      name: ALERT_RECORDS_TABLE_NAME,
      // On demand: one write per alert posted, one read per click.
      billingMode: "PAY_PER_REQUEST",
      hashKey: ALERT_RECORD_KEY_ATTRIBUTE,
      attributes: [{ name: ALERT_RECORD_KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: ALERT_RECORD_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: kmsKey.arn },
    },
    { parent },
  );
}

/**
 * Mutes written from Slack (the Mute button): one item per mute, expired by TTL after the rule's
 * own expiry. The worker writes, the notifier and `npm run mutes` read.
 */
export function mutesTable(name: string, kmsKey: aws.kms.Key, parent: pulumi.Resource): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-mutes`,
    {
      name: ALERT_MUTES_TABLE_NAME,
      billingMode: "PAY_PER_REQUEST",
      hashKey: MUTE_KEY_ATTRIBUTE,
      attributes: [{ name: MUTE_KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: MUTE_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: kmsKey.arn },
      // A mute in force is a decision someone made: keep a restorable history of the table.
      pointInTimeRecovery: { enabled: true },
    },
    { parent },
  );
}

/**
 * Production Revert/Exempt requests waiting for a second authorised person: one item per alert
 * record and action, written and claimed with conditional writes by the worker, expired by TTL
 * (handlers/chatops/worker/alerts/confirm.ts).
 */
export function confirmationsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-alert-confirmations`,
    {
      name: ALERT_CONFIRMATIONS_TABLE_NAME,
      billingMode: "PAY_PER_REQUEST",
      hashKey: CONFIRM_KEY_ATTRIBUTE,
      attributes: [{ name: CONFIRM_KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: CONFIRM_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: kmsKey.arn },
    },
    { parent },
  );
}
