// Incidents, shared by every container and invocation: one DynamoDB item per incident key, holding
// the incident (JSON) and a version. Every change is a read, the pure reducer (state.ts), and a
// PutItem conditioned on the version read (or on no item at all), so of two batches applying
// signals to one key at once exactly one write wins and the other reads again and re-applies
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
// two batches cannot open two incidents for one key, and no signal's change is lost. Items expire
// through the table's TTL attribute a day after the join window closes. The same logic runs over an
// in-memory table for `npm run render` (memoryIncidentRecords).
import { namedError } from "../../shared/namedError";
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { RunCall } from "../../shared/deadline";
import { conditionalWrite } from "../../shared/conditionalWrite";
import { storedKey } from "../../shared/seenStore";
import { aliasKey, incidentKey } from "./key";
import type { IncidentSignal } from "./signal";
import {
  Applied,
  DEFAULT_JOIN_WINDOW_SECONDS,
  Incident,
  IncidentMessage,
  TimelineEntry,
  applySignal,
  isLive,
  setByPerson,
} from "./state";

/** The table's partition key (string) and TTL attribute (number, epoch seconds). */
export const INCIDENT_KEY_ATTRIBUTE = "id";
export const INCIDENT_TTL_ATTRIBUTE = "expiresAt";
/** How long after its window closes an incident is kept (its message can still be found). */
const KEEP_AFTER_WINDOW_SECONDS = 86_400;
/** Re-reads after a lost conditional write before giving up (each loser re-applies its signal). */
const MAX_WRITE_ATTEMPTS = 8;
const CONFLICT_BACKOFF_MS = 25;

/** One stored incident and the version its next write must match (0: no item). */
export interface Stored {
  incident?: Incident;
  version: number;
}

/** The persistence under the store: DynamoDB (dynamoIncidentRecords) or memory (render). */
export interface IncidentRecords {
  get(key: string, run: RunCall): Promise<Stored>;
  /** Writes `incident` if the item's version is still `version`; false when another write won. */
  put(incident: Incident, version: number, expiresAt: number, run: RunCall): Promise<boolean>;
  getAlias(memberUid: string, run: RunCall): Promise<string | undefined>;
  putAlias(memberUid: string, key: string, expiresAt: number, run: RunCall): Promise<void>;
}

/** What one delivery showed in Slack. */
export interface Delivered {
  /** The signals shown, as deliveryToken()s. */
  tokens: string[];
  message?: IncidentMessage;
  /** Webhook mode: the pending entries the post listed. */
  listed?: TimelineEntry[];
  /** Where it was shown: "own" (a top-level message of its own), or "digest" (digest lines). */
  shown?: "own" | "digest";
}

/** Whether the incident has a top-level Slack message of its own (not only digest lines). */
export const hasOwnPost = (inc: Incident): boolean => !!inc.message || (inc.posted && !inc.inDigest);

const sameEntry = (a: TimelineEntry, b: TimelineEntry) =>
  a.at === b.at && a.source === b.source && a.title === b.title;

/** Too many conditional writes lost in a row (a namedError: serialized classes lose their message). */
export function incidentConflictError(key: string): Error {
  return namedError(
    "IncidentConflictError",
    `incident ${key}: ${MAX_WRITE_ATTEMPTS} conditional writes lost in a row; the signal is retried`,
    { key },
  );
}

export interface IncidentStoreOptions {
  records: IncidentRecords;
  /** Join window, seconds (default DEFAULT_JOIN_WINDOW_SECONDS). */
  windowSeconds?: number;
  now?: () => number;
}

export interface IncidentStore {
  readonly windowSeconds: number;
  /** The incident key a signal joins (a correlation member's alias first), or undefined. */
  keyOf(signal: IncidentSignal, run: RunCall): Promise<string | undefined>;
  /**
   * Applies the signal to its incident (atomically); the change and the incident after it.
   * `delivery`: the id of the queue message that carried it (a redelivery after a failed post is a retry).
   */
  apply(key: string, signal: IncidentSignal, run: RunCall, delivery?: string): Promise<Applied>;
  /**
   * Records what reached Slack, if the incident `id` is still the live one: the signals shown
   * (`uids`), where its message is (app mode), the pending entries a webhook post listed. Returns
   * the incident as stored now (signals may have joined meanwhile), or undefined.
   */
  markDelivered(key: string, id: string, delivered: Delivered, run: RunCall): Promise<Incident | undefined>;
  /** The Mute or Acknowledge button: the incident's state, set by a person. */
  setByPerson(
    key: string,
    state: "muted" | "acknowledged",
    by: string,
    run: RunCall,
  ): Promise<Incident | undefined>;
  get(key: string, run: RunCall): Promise<Incident | undefined>;
}

export function createIncidentStore(options: IncidentStoreOptions): IncidentStore {
  const windowSeconds = options.windowSeconds ?? DEFAULT_JOIN_WINDOW_SECONDS;
  if (!(windowSeconds > 0)) throw new Error("incident store: windowSeconds must be positive");
  const now = options.now ?? (() => Date.now());
  const { records } = options;
  const expiry = (inc: Incident) =>
    Math.floor(inc.lastSignalAtMs / 1000) + windowSeconds + KEEP_AFTER_WINDOW_SECONDS;

  /** Read, change, conditional write; again from the read when another writer won. */
  async function update<T>(
    key: string,
    run: RunCall,
    change: (current: Incident | undefined) => { write?: Incident; result: T },
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const stored = await records.get(key, run);
      const { write, result } = change(stored.incident);
      if (!write) return result;
      if (await records.put(write, stored.version, expiry(write), run)) return result;
      // Lost to another writer: back off a little (jittered) so a crowd of writers spreads out.
      await new Promise<void>((r) => setTimeout(r, Math.random() * CONFLICT_BACKOFF_MS * (attempt + 1)));
    }
    throw incidentConflictError(key);
  }

  return {
    windowSeconds,
    async keyOf(signal, run) {
      if (!signal.correlation) {
        const alias = await records.getAlias(signal.uid, run);
        if (alias) return alias;
      }
      return incidentKey(signal);
    },
    async apply(key, signal, run, delivery) {
      const applied = await update(key, run, (current) => {
        const a = applySignal(key, current, signal, now(), windowSeconds, delivery);
        return { write: a.incident, result: a };
      });
      // Members of a correlation that arrive later join its incident.
      const members = signal.correlation?.members ?? [];
      if (applied.incident && members.length) {
        const exp = expiry(applied.incident);
        for (const m of members) await records.putAlias(m, key, exp, run);
      }
      return applied;
    },
    markDelivered: (key, id, delivered, run) =>
      update(key, run, (current) => {
        if (current?.id !== id) return { result: undefined };
        const listed = delivered.listed ?? [];
        const next: Incident = {
          ...current,
          posted: true,
          ...(delivered.message ? { message: delivered.message } : {}),
          ...(delivered.shown === "own" ? { inDigest: undefined } : {}),
          ...(delivered.shown === "digest" && !hasOwnPost(current) ? { inDigest: true } : {}),
          undelivered: current.undelivered.filter((u) => !delivered.tokens.includes(u)),
          unposted: current.unposted.filter((e) => !listed.some((l) => sameEntry(l, e))),
        };
        return { write: next, result: next };
      }),
    setByPerson: (key, state, by, run) =>
      update(key, run, (current) => {
        const next = setByPerson(current, state, by, new Date(now()).toISOString(), now(), windowSeconds);
        return { write: next, result: next };
      }),
    async get(key, run) {
      const { incident } = await records.get(key, run);
      return isLive(incident, now(), windowSeconds) ? incident : undefined;
    },
  };
}

export interface DynamoIncidentRecordsOptions {
  tableName: string;
  region?: string;
  client?: DynamoDBClient;
  /**
   * Change existing incidents only, with UpdateItem (the chat-ops worker: Mute and Acknowledge set
   * the state of an incident the notifier opened, and may not create items).
   */
  updateOnly?: boolean;
}

export function dynamoIncidentRecords(options: DynamoIncidentRecordsOptions): IncidentRecords {
  if (!options.tableName) throw new Error("incident store: tableName is required");
  // Created on first use, per container (a captured object, not a module-level `let`).
  const state: { client?: DynamoDBClient } = { client: options.client };
  const client = (): DynamoDBClient =>
    (state.client ??= new DynamoDBClient({ region: options.region, maxAttempts: 2 }));
  const id = (key: string) => ({ S: storedKey(`incident#${key}`) });
  const aliasId = (uid: string) => ({ S: storedKey(aliasKey(uid)) });
  return {
    async get(key, run) {
      const out = await run("DynamoDB GetItem", (abortSignal) =>
        client().send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [INCIDENT_KEY_ATTRIBUTE]: id(key) },
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
      );
      const item = out.Item;
      if (!item) return { version: 0 };
      const version = Number(item.version?.N ?? "0");
      const text = item.incident?.S;
      return { version, ...(text ? { incident: JSON.parse(text) as Incident } : {}) };
    },
    async put(incident, version, expiresAt, run) {
      if (options.updateOnly) {
        if (version === 0) throw new Error(`incident ${incident.key}: no stored incident to change`);
        return conditionalWrite(() =>
          run("DynamoDB UpdateItem", (abortSignal) =>
            client().send(
              new UpdateItemCommand({
                TableName: options.tableName,
                Key: { [INCIDENT_KEY_ATTRIBUTE]: id(incident.key) },
                UpdateExpression: "SET #v = :next, #i = :incident, #t = :expires",
                ConditionExpression: "#v = :v",
                ExpressionAttributeNames: { "#v": "version", "#i": "incident", "#t": INCIDENT_TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ":v": { N: String(version) },
                  ":next": { N: String(version + 1) },
                  ":incident": { S: JSON.stringify(incident) },
                  ":expires": { N: String(expiresAt) },
                },
              }),
              { abortSignal },
            ),
          ),
        );
      }
      return conditionalWrite(() =>
        run("DynamoDB PutItem", (abortSignal) =>
          client().send(
            new PutItemCommand({
              TableName: options.tableName,
              Item: {
                [INCIDENT_KEY_ATTRIBUTE]: id(incident.key),
                version: { N: String(version + 1) },
                incident: { S: JSON.stringify(incident) },
                [INCIDENT_TTL_ATTRIBUTE]: { N: String(expiresAt) },
              },
              ConditionExpression: version === 0 ? "attribute_not_exists(#id)" : "#v = :v",
              ExpressionAttributeNames:
                version === 0 ? { "#id": INCIDENT_KEY_ATTRIBUTE } : { "#v": "version" },
              ...(version === 0 ? {} : { ExpressionAttributeValues: { ":v": { N: String(version) } } }),
            }),
            { abortSignal },
          ),
        ),
      );
    },
    async getAlias(uid, run) {
      const out = await run("DynamoDB GetItem", (abortSignal) =>
        client().send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [INCIDENT_KEY_ATTRIBUTE]: aliasId(uid) },
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
      );
      const expires = Number(out.Item?.[INCIDENT_TTL_ATTRIBUTE]?.N);
      if (!Number.isFinite(expires) || expires <= Math.floor(Date.now() / 1000)) return undefined;
      return out.Item?.target?.S;
    },
    async putAlias(uid, key, expiresAt, run) {
      await run("DynamoDB PutItem", (abortSignal) =>
        client().send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              [INCIDENT_KEY_ATTRIBUTE]: aliasId(uid),
              target: { S: key },
              [INCIDENT_TTL_ATTRIBUTE]: { N: String(expiresAt) },
            },
          }),
          { abortSignal },
        ),
      );
    },
  };
}

/** The same records in memory: `npm run render` and the noise day use one window's worth. */
export function memoryIncidentRecords(): IncidentRecords {
  const items = new Map<string, { incident: Incident; version: number }>();
  const aliases = new Map<string, string>();
  return {
    async get(key) {
      const item = items.get(key);
      return item ? { incident: structuredClone(item.incident), version: item.version } : { version: 0 };
    },
    async put(incident, version) {
      if ((items.get(incident.key)?.version ?? 0) !== version) return false;
      items.set(incident.key, { incident: structuredClone(incident), version: version + 1 });
      return true;
    },
    async getAlias(uid) {
      return aliases.get(uid);
    },
    async putAlias(uid, key) {
      aliases.set(uid, key);
    },
  };
}
