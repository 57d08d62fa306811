// What each posted alert may act on, kept server-side: the notifier records the alert's reference
// (account, region, kind, event, the security group or resource, the world-open permissions its
// event added) in DynamoDB before it posts, and the alert's buttons carry only the record's id.
// Whoever can post through one of the app's webhooks can craft a message with any button value, so
// the worker acts only on what a record says: a crafted id finds no record, and a real one can
// revoke only what that alert's event added. Records expire (DynamoDB TTL) after
// ALERT_RECORD_DAYS; a button older than that is refused, saying so.
// The record also keeps the alert as posted (its text and attachments), which the worker rebuilds
// the alert from after a click: the click's own copy comes from Slack, could be crafted and can be
// large, so it is not used. An alert too large for a DynamoDB item keeps no copy.
import { createHash } from "node:crypto";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AlertRef, encodeAlertRef, parseAlertRef } from "./alertActions";
import type { WorldPrefixes } from "./world";
import { RunCall } from "./deadline";

export const ALERT_RECORD_KEY_ATTRIBUTE = "id";
export const ALERT_RECORD_TTL_ATTRIBUTE = "expiresAt";
const REF_ATTRIBUTE = "ref";
const MESSAGE_ATTRIBUTE = "message";
/** The incident the alert belongs to (its key in the incidents table), when it belongs to one. */
const INCIDENT_ATTRIBUTE = "incident";
/**
 * The largest copy of the posted alert a record keeps, in UTF-8 bytes of its JSON: DynamoDB's item
 * limit is 400 KB, names and values together; the rest holds the key, the reference and the expiry.
 * Slack's own limits (50 blocks of at most 3,000 characters each) keep a normal alert far below it.
 */
export const MAX_ALERT_COPY_BYTES = 350_000;
/** How long an alert's buttons keep working. */
export const ALERT_RECORD_DAYS = 30;

const ID_RE = /^[0-9a-f]{32}$/;

/** The record id of a reference: its digest, so the same alert posted twice shares one record. */
export function alertRecordId(ref: AlertRef): string {
  return createHash("sha256").update(encodeAlertRef(ref), "utf8").digest("hex").slice(0, 32);
}

/** A button's value: the version and the record id, nothing to act on by itself. */
export function encodeAlertPointer(id: string): string {
  return JSON.stringify({ v: 2, id });
}

export type PointerResult = { ok: true; id: string } | { ok: false; error: string };

/** The record id a button's value points at, or what is wrong with the value. */
export function parseAlertPointer(value: unknown): PointerResult {
  const fail = (error: string): PointerResult => ({ ok: false, error: `button value: ${error}` });
  if (typeof value !== "string" || value.length === 0 || value.length > 200)
    return fail("missing or longer than an alert reference");
  let o: unknown;
  try {
    o = JSON.parse(value);
  } catch {
    return fail("not JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) return fail("not an object");
  const v = (o as Record<string, unknown>).v;
  const id = (o as Record<string, unknown>).id;
  if (v === 1)
    return fail(
      "this button carries the alert itself (an alert posted before actions were bound to records)",
    );
  if (v !== 2) return fail(`unknown version ${JSON.stringify(v)}`);
  if (typeof id !== "string" || !ID_RE.test(id)) return fail("the alert reference is malformed");
  return { ok: true, id };
}

export interface AlertRecord {
  ref: AlertRef;
  /** The alert as posted (text, attachments), when it was small enough to keep. */
  message?: Record<string, unknown>;
  /** The incident the alert was posted in: Mute and Acknowledge set its state. */
  incidentKey?: string;
}

export interface AlertRecords {
  /**
   * Records each reference (idempotent: the id is the reference's digest) with the alert as
   * posted; a copy over MAX_ALERT_COPY_BYTES is left out. The same alert posted again replaces it.
   * `incidentKey`: the incident the alert is posted in.
   */
  put(ref: AlertRef, run: RunCall, message?: object, incidentKey?: string): Promise<string>;
  /** The record, or undefined when there is none (never recorded, or expired). */
  get(id: string, run: RunCall): Promise<AlertRecord | undefined>;
}

/** The alert's copy as stored, or undefined when there is none or it is too large to keep. */
export function alertCopy(message: object | undefined): string | undefined {
  if (message === undefined) return undefined;
  const json = JSON.stringify(message);
  return Buffer.byteLength(json, "utf8") <= MAX_ALERT_COPY_BYTES ? json : undefined;
}

export function createAlertRecords(options: {
  tableName: string;
  client?: DynamoDBClient;
  now?: () => number;
  ttlDays?: number;
  /** The hub's worldPrefixes: what a recorded permission's range may be. */
  worldPrefixes?: WorldPrefixes;
}): AlertRecords {
  const now = options.now ?? (() => Date.now());
  const state: { client?: DynamoDBClient } = { client: options.client };
  const client = (): DynamoDBClient => (state.client ??= new DynamoDBClient({ maxAttempts: 2 }));
  const ttlSeconds = (options.ttlDays ?? ALERT_RECORD_DAYS) * 86_400;
  return {
    async put(ref, run, message, incidentKey) {
      const id = alertRecordId(ref);
      const copy = alertCopy(message);
      await run("DynamoDB PutItem", (abortSignal) =>
        client().send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              [ALERT_RECORD_KEY_ATTRIBUTE]: { S: `alert:${id}` },
              [REF_ATTRIBUTE]: { S: encodeAlertRef(ref) },
              ...(copy ? { [MESSAGE_ATTRIBUTE]: { S: copy } } : {}),
              ...(incidentKey ? { [INCIDENT_ATTRIBUTE]: { S: incidentKey } } : {}),
              [ALERT_RECORD_TTL_ATTRIBUTE]: { N: String(Math.floor(now() / 1000) + ttlSeconds) },
            },
          }),
          { abortSignal },
        ),
      );
      return id;
    },
    async get(id, run) {
      const out = await run("DynamoDB GetItem", (abortSignal) =>
        client().send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [ALERT_RECORD_KEY_ATTRIBUTE]: { S: `alert:${id}` } },
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
      );
      const item = out.Item;
      const expires = Number(item?.[ALERT_RECORD_TTL_ATTRIBUTE]?.N);
      // TTL deletes lazily: an expired item may still be there.
      if (!item || !(expires > Math.floor(now() / 1000))) return undefined;
      const parsed = parseAlertRef(item[REF_ATTRIBUTE]?.S, options.worldPrefixes);
      // The record is the notifier's own writing: a bad one is a fault, not a refusal.
      if (!parsed.ok) throw new Error(`alert record ${id} is unreadable: ${parsed.error}`);
      // The record must be the one the id names (a record written under another id is not trusted).
      if (alertRecordId(parsed.ref) !== id) throw new Error(`alert record ${id} does not match its id`);
      const message = readCopy(item[MESSAGE_ATTRIBUTE]?.S);
      const incidentKey = item[INCIDENT_ATTRIBUTE]?.S;
      return {
        ref: parsed.ref,
        ...(message ? { message } : {}),
        ...(incidentKey ? { incidentKey } : {}),
      };
    },
  };
}

/** A stored copy, or undefined when there is none; an unreadable one counts as none (it only shows). */
function readCopy(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
