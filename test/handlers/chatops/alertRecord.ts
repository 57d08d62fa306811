// Alerts as the notifier records them before posting: a click's button value is a pointer to the
// record (handlers/shared/alertRecords.ts). Tests that click without the notifier record the alert
// here, in the test's own moto account (the worker's).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { AlertRef } from "../../../handlers/shared/alertActions";
import {
  createAlertRecords,
  encodeAlertPointer,
  parseAlertPointer,
} from "../../../handlers/shared/alertRecords";
import { createSeenTable } from "../../helpers/seenTable";

export const RECORDS_TABLE = "security-guard-alert-records";

/** Creates the records table (same key and TTL attributes as the seen store's). */
export const createRecordsTable = (): Promise<void> => createSeenTable(RECORDS_TABLE);

/**
 * Records `ref` as the notifier would (with `message`, the alert as posted, when given) and returns
 * the button value pointing at it.
 */
export async function recordedValue(
  ref: AlertRef,
  credentials?: AwsCredentialIdentity,
  message?: object,
): Promise<string> {
  const client = new DynamoDBClient({ region: "us-east-1", credentials });
  try {
    const id = await createAlertRecords({ tableName: RECORDS_TABLE, client }).put(
      ref,
      (_what, call) => call(new AbortController().signal),
      message,
    );
    return encodeAlertPointer(id);
  } finally {
    client.destroy();
  }
}

/** The reference a button value points at, as the worker reads it ({ok:false} when none). */
export async function recordOf(
  value: unknown,
): Promise<{ ok: true; ref: AlertRef } | { ok: false; error: string }> {
  const record = await recordWithCopy(value);
  return record.ok ? { ok: true, ref: record.ref } : record;
}

/** The record a button value points at, with the alert's copy when it keeps one. */
export async function recordWithCopy(
  value: unknown,
): Promise<{ ok: true; ref: AlertRef; message?: Record<string, unknown> } | { ok: false; error: string }> {
  const pointer = parseAlertPointer(value);
  if (!pointer.ok) return pointer;
  const client = new DynamoDBClient({ region: "us-east-1" });
  try {
    const record = await createAlertRecords({ tableName: RECORDS_TABLE, client }).get(
      pointer.id,
      (_what, call) => call(new AbortController().signal),
    );
    return record ? { ok: true, ...record } : { ok: false, error: "no record" };
  } finally {
    client.destroy();
  }
}
