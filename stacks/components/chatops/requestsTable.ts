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
import { ttlTable } from "../ttlTable";

export function requestsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  // A few requests a minute.
  return ttlTable(
    `${name}-requests`,
    {
      tableName: CHATOPS_REQUESTS_TABLE_NAME,
      hashKey: SEEN_KEY_ATTRIBUTE,
      ttlAttribute: SEEN_TTL_ATTRIBUTE,
      kmsKey,
    },
    parent,
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
  // One write per alert posted, one read per click.
  return ttlTable(
    `${name}-alert-records`,
    {
      tableName: ALERT_RECORDS_TABLE_NAME,
      hashKey: ALERT_RECORD_KEY_ATTRIBUTE,
      ttlAttribute: ALERT_RECORD_TTL_ATTRIBUTE,
      kmsKey,
    },
    parent,
  );
}

/**
 * Mutes written from Slack (the Mute button): one item per mute, expired by TTL after the rule's
 * own expiry. The worker writes, the notifier and `npm run mutes` read.
 */
export function mutesTable(name: string, kmsKey: aws.kms.Key, parent: pulumi.Resource): aws.dynamodb.Table {
  return ttlTable(
    `${name}-mutes`,
    {
      tableName: ALERT_MUTES_TABLE_NAME,
      hashKey: MUTE_KEY_ATTRIBUTE,
      ttlAttribute: MUTE_TTL_ATTRIBUTE,
      kmsKey,
      // A mute in force is a decision someone made: keep a restorable history of the table.
      pointInTimeRecovery: true,
    },
    parent,
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
  return ttlTable(
    `${name}-alert-confirmations`,
    {
      tableName: ALERT_CONFIRMATIONS_TABLE_NAME,
      hashKey: CONFIRM_KEY_ATTRIBUTE,
      ttlAttribute: CONFIRM_TTL_ATTRIBUTE,
      kmsKey,
    },
    parent,
  );
}
