// Where an alert was posted in Slack app mode (channel and message ts), so that what follows it
// (the remediation report, the outcome of an action taken from the alert) is posted as a reply in
// its thread (chat.postMessage with thread_ts: https://api.slack.com/messaging/managing#threading)
// and its header can be updated (chat.update). One DynamoDB item per alert, keyed by alertKey():
// the account and the id of the event that raised the alert (the CloudTrail eventID, or the
// EventBridge id of a Config compliance change), which the remediation report carries as its
// trigger. Items expire through the table's TTL attribute.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { RunCall } from "./deadline";
import { storedKey } from "./seenStore";
import { SlackApiOptions, callSlackApi } from "./slackWebApi";

/** The table's partition key (string) and TTL attribute (number, epoch seconds). */
export const THREAD_KEY_ATTRIBUTE = "id";
export const THREAD_TTL_ATTRIBUTE = "expiresAt";

/** How long an alert's thread is remembered by default: actions are taken within days, not months. */
export const DEFAULT_THREAD_TTL_DAYS = 30;

/**
 * DynamoDB items may hold 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html);
 * a message larger than this is not kept (the header update then has nothing to edit).
 */
const MAX_STORED_MESSAGE_BYTES = 300_000;

/** The key of an alert: the account it is about and the id of the event that raised it. */
export function alertKey(accountId: string, eventId: string): string {
  if (!accountId || !eventId) throw new Error("alertKey needs an account id and an event id");
  return `alert#${accountId}#${eventId}`;
}

/** Where an alert is in Slack, and the message as posted (for chat.update). */
export interface AlertThread {
  channel: string;
  /** The alert message's ts: replies go to thread_ts = ts. */
  ts: string;
  /** The message as posted ({ text, attachments }), when it was small enough to keep. */
  message?: { text: string; attachments?: unknown[] };
  /** When it was posted (ISO 8601). */
  postedAt: string;
}

export interface AlertThreadsOptions {
  tableName: string;
  /** Days an alert's thread is remembered (default 30). */
  ttlDays?: number;
  region?: string;
  now?: () => number;
  client?: DynamoDBClient;
}

export interface AlertThreads {
  record(key: string, thread: AlertThread, run: RunCall): Promise<void>;
  /** The alert's thread, or undefined when none is recorded (or it expired). */
  lookup(key: string, run: RunCall): Promise<AlertThread | undefined>;
}

export function createAlertThreads(options: AlertThreadsOptions): AlertThreads {
  if (!options.tableName) throw new Error("alert threads: tableName is required");
  const ttlSeconds = Math.ceil((options.ttlDays ?? DEFAULT_THREAD_TTL_DAYS) * 86_400);
  const now = options.now ?? (() => Date.now());
  // Created on first use, per container (a captured object, not a module-level `let`).
  const state: { client?: DynamoDBClient } = { client: options.client };
  const client = (): DynamoDBClient =>
    (state.client ??= new DynamoDBClient({ region: options.region, maxAttempts: 2 }));
  return {
    async record(key, thread, run) {
      const message = thread.message ? JSON.stringify(thread.message) : undefined;
      const keep = message !== undefined && Buffer.byteLength(message, "utf8") <= MAX_STORED_MESSAGE_BYTES;
      await run("DynamoDB PutItem", (abortSignal) =>
        client().send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              [THREAD_KEY_ATTRIBUTE]: { S: storedKey(key) },
              channel: { S: thread.channel },
              ts: { S: thread.ts },
              postedAt: { S: thread.postedAt },
              ...(keep ? { message: { S: message } } : {}),
              [THREAD_TTL_ATTRIBUTE]: { N: String(Math.floor(now() / 1000) + ttlSeconds) },
            },
          }),
          { abortSignal },
        ),
      );
    },
    async lookup(key, run) {
      const out = await run("DynamoDB GetItem", (abortSignal) =>
        client().send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [THREAD_KEY_ATTRIBUTE]: { S: storedKey(key) } },
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
      );
      const item = out.Item;
      if (!item) return undefined;
      // TTL deletion is lazy: an expired item may still be there.
      const expires = Number(item[THREAD_TTL_ATTRIBUTE]?.N);
      if (!Number.isFinite(expires) || expires <= Math.floor(now() / 1000)) return undefined;
      const channel = item.channel?.S;
      const ts = item.ts?.S;
      if (!channel || !ts) return undefined;
      let message: AlertThread["message"];
      if (item.message?.S) message = JSON.parse(item.message.S) as AlertThread["message"];
      return { channel, ts, postedAt: item.postedAt?.S ?? "", ...(message ? { message } : {}) };
    },
  };
}

/**
 * Posts `message` as a reply in an alert's thread with the bot token (for action outcomes and
 * reports); resolves with the reply's ts, throws a SlackApiError when Slack refuses it.
 */
export async function postThreadReply(
  token: string,
  thread: Pick<AlertThread, "channel" | "ts">,
  message: { text: string; blocks?: unknown[]; attachments?: unknown[] },
  opts: SlackApiOptions,
  logFields: Record<string, unknown> = {},
): Promise<string> {
  const { body } = await callSlackApi(
    "chat.postMessage",
    token,
    { channel: thread.channel, thread_ts: thread.ts, ...message },
    opts,
    logFields,
  );
  return String(body.ts ?? "");
}
