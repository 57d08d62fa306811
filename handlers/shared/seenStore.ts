// "Record this key once within a window", shared by every container and invocation: one DynamoDB
// item per key, written with a conditional PutItem that succeeds only if no live item holds the key
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html),
// so of two concurrent writers exactly one wins. Each item carries its expiry (epoch seconds) in the
// table's TTL attribute; TTL deletion is lazy (typically within a few days of expiry,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html), so an expired item may
// still be there: the condition and the read compare the stored expiry with the clock as well.
import { createHash } from "node:crypto";
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { RunCall } from "./deadline";
import { conditionalWrite } from "./conditionalWrite";

/** The table's partition key (string) and TTL attribute (number, epoch seconds). */
export const SEEN_KEY_ATTRIBUTE = "id";
export const SEEN_TTL_ATTRIBUTE = "expiresAt";
/** Who claimed a key (claim/release): a retry of the same delivery is still its owner. */
export const SEEN_OWNER_ATTRIBUTE = "owner";

// Partition keys may be up to 2,048 bytes
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html); longer keys
// are stored as their SHA-256, which keeps them unique.
const MAX_PLAIN_KEY_BYTES = 1024;

export interface SeenStoreOptions {
  tableName: string;
  /** How long a recorded key counts as seen, in seconds. */
  windowSeconds: number;
  /** Region of the table (default: the SDK's, i.e. AWS_REGION). */
  region?: string;
  /** Current time in milliseconds (tests pin the clock). */
  now?: () => number;
  /** A client to use instead of one created on first use. */
  client?: DynamoDBClient;
}

export interface SeenStore {
  /**
   * Records `key` if no live record of it exists; true when this call recorded it (the first time
   * within the window), false when it was already seen. Throws if the store did not answer.
   */
  recordOnce(key: string, run: RunCall, windowSeconds?: number): Promise<boolean>;
  /** Whether `key` is recorded and not expired (a consistent read). */
  seen(key: string, run: RunCall): Promise<boolean>;
  /**
   * Claims `key` for `owner` (e.g. a queue message id) if no live record of it exists or `owner`
   * already holds it: true when `owner` holds it now. Of concurrent claimants exactly one wins; a
   * retry of the winner's delivery (same owner) wins again.
   */
  claim(key: string, owner: string, run: RunCall, windowSeconds?: number): Promise<boolean>;
  /** Gives up `owner`'s claim of `key` (after a failed post), so another copy may be posted. */
  release(key: string, owner: string, run: RunCall): Promise<void>;
}

export function storedKey(key: string): string {
  if (typeof key !== "string" || key === "") throw new Error("seen-store key must be a non-empty string");
  return Buffer.byteLength(key, "utf8") <= MAX_PLAIN_KEY_BYTES
    ? key
    : `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

export function createSeenStore(options: SeenStoreOptions): SeenStore {
  if (!options.tableName) throw new Error("seen-store: tableName is required");
  if (!(options.windowSeconds > 0)) throw new Error("seen-store: windowSeconds must be positive");
  const now = options.now ?? (() => Date.now());
  // Created on first use, per container (a captured object, not a module-level `let`).
  const state: { client?: DynamoDBClient } = { client: options.client };
  const client = (): DynamoDBClient =>
    (state.client ??= new DynamoDBClient({ region: options.region, maxAttempts: 2 }));
  const nowSeconds = (): number => Math.floor(now() / 1000);

  /**
   * The conditional put behind recordOnce and claim: writes the key unless a live item holds it
   * (or, with an owner, unless another owner's live item holds it). True when written.
   */
  async function putUnlessLive(
    key: string,
    run: RunCall,
    windowSeconds: number,
    owner?: string,
  ): Promise<boolean> {
    if (!(windowSeconds > 0)) throw new Error("seen-store: windowSeconds must be positive");
    const at = nowSeconds();
    return conditionalWrite(() =>
      run("DynamoDB PutItem", (abortSignal) =>
        client().send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              [SEEN_KEY_ATTRIBUTE]: { S: storedKey(key) },
              [SEEN_TTL_ATTRIBUTE]: { N: String(at + Math.ceil(windowSeconds)) },
              ...(owner !== undefined ? { [SEEN_OWNER_ATTRIBUTE]: { S: owner } } : {}),
            },
            // A live item blocks (unless it is the same owner's); an expired one that TTL has not
            // deleted yet is overwritten.
            ConditionExpression:
              // An item without an expiry (written by hand, or by an older version) must not block
              // its key forever.
              "attribute_not_exists(#id) OR attribute_not_exists(#exp) OR #exp <= :now" +
              (owner !== undefined ? " OR #owner = :owner" : ""),
            ExpressionAttributeNames: {
              "#id": SEEN_KEY_ATTRIBUTE,
              "#exp": SEEN_TTL_ATTRIBUTE,
              ...(owner !== undefined ? { "#owner": SEEN_OWNER_ATTRIBUTE } : {}),
            },
            ExpressionAttributeValues: {
              ":now": { N: String(at) },
              ...(owner !== undefined ? { ":owner": { S: owner } } : {}),
            },
          }),
          { abortSignal },
        ),
      ),
    );
  }

  return {
    recordOnce: (key, run, windowSeconds = options.windowSeconds) => putUnlessLive(key, run, windowSeconds),
    claim: (key, owner, run, windowSeconds = options.windowSeconds) =>
      putUnlessLive(key, run, windowSeconds, owner),
    async release(key, owner, run) {
      // Another owner's record stays: a refusal is not an error.
      await conditionalWrite(() =>
        run("DynamoDB DeleteItem", (abortSignal) =>
          client().send(
            new DeleteItemCommand({
              TableName: options.tableName,
              Key: { [SEEN_KEY_ATTRIBUTE]: { S: storedKey(key) } },
              // Only the owner's claim: another owner's record stays.
              ConditionExpression: "#owner = :owner",
              ExpressionAttributeNames: { "#owner": SEEN_OWNER_ATTRIBUTE },
              ExpressionAttributeValues: { ":owner": { S: owner } },
            }),
            { abortSignal },
          ),
        ),
      );
    },
    async seen(key, run) {
      const out = await run("DynamoDB GetItem", (abortSignal) =>
        client().send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [SEEN_KEY_ATTRIBUTE]: { S: storedKey(key) } },
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
      );
      const expires = Number(out.Item?.[SEEN_TTL_ATTRIBUTE]?.N);
      return Number.isFinite(expires) && expires > nowSeconds();
    },
  };
}
