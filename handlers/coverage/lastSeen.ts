// The hub's record of when each spoke region was last heard from, per path: one DynamoDB item per
// account, region and path (the heartbeat's "forwarding" path today), updated by every heartbeat
// and expired by TTL 30 days after the last one, so a region whose spoke was removed stops being
// reported a month later. A region is silent when its newest heartbeat is older than two of its
// own intervals (each heartbeat says how often it is sent).
import {
  DynamoDBClient,
  ScanCommand,
  ScanCommandOutput,
  UpdateItemCommand,
  AttributeValue,
} from "@aws-sdk/client-dynamodb";

export const LAST_SEEN_KEY = "account";
export const LAST_SEEN_SORT_KEY = "regionPath";
export const LAST_SEEN_TTL_ATTRIBUTE = "expiresAt";
/** How long an item outlives its last heartbeat. */
export const LAST_SEEN_RETENTION_SECONDS = 30 * 24 * 3600;
/** Heartbeats missed before a region counts as silent. */
export const SILENT_AFTER_INTERVALS = 2;
/** Partition of the account notices (no spoke), apart from the per-region items. */
export const NOTICE_PARTITION = "notice";

export interface LastSeen {
  account: string;
  region: string;
  path: string;
  /** Epoch seconds of the newest heartbeat. */
  lastSeen: number;
  intervalMinutes: number;
  /** Epoch seconds of the silence alert, while the region is reported silent. */
  silentSince?: number;
}

export interface Notice {
  account: string;
  /** Epoch seconds of the last "no spoke" post for this account. */
  notifiedAt: number;
}

export function isSilent(row: LastSeen, nowSeconds: number): boolean {
  return nowSeconds - row.lastSeen > SILENT_AFTER_INTERVALS * row.intervalMinutes * 60;
}

const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });

/** Records a heartbeat; never moves lastSeen backwards (a late or replayed heartbeat). */
export async function recordHeartbeat(
  client: DynamoDBClient,
  table: string,
  beat: { account: string; region: string; path: string; at: number; intervalMinutes: number },
  abortSignal?: AbortSignal,
): Promise<void> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { [LAST_SEEN_KEY]: s(beat.account), [LAST_SEEN_SORT_KEY]: s(`${beat.region}#${beat.path}`) },
        UpdateExpression: "SET #r = :r, #p = :p, lastSeen = :at, intervalMinutes = :i, #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(lastSeen) OR lastSeen < :at",
        ExpressionAttributeNames: { "#r": "region", "#p": "path", "#ttl": LAST_SEEN_TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ":r": s(beat.region),
          ":p": s(beat.path),
          ":at": n(beat.at),
          ":i": n(beat.intervalMinutes),
          ":ttl": n(beat.at + LAST_SEEN_RETENTION_SECONDS),
        },
      }),
      { abortSignal },
    );
  } catch (err) {
    if ((err as { name?: string }).name !== "ConditionalCheckFailedException") throw err;
  }
}

/** Marks a region's silence reported (at) or over (undefined). */
export async function markSilent(
  client: DynamoDBClient,
  table: string,
  row: LastSeen,
  at: number | undefined,
  abortSignal?: AbortSignal,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { [LAST_SEEN_KEY]: s(row.account), [LAST_SEEN_SORT_KEY]: s(`${row.region}#${row.path}`) },
      ...(at === undefined
        ? { UpdateExpression: "REMOVE silentSince" }
        : { UpdateExpression: "SET silentSince = :at", ExpressionAttributeValues: { ":at": n(at) } }),
    }),
    { abortSignal },
  );
}

/** Records that an account was told to have no spoke (kept as long as a region item). */
export async function recordNotice(
  client: DynamoDBClient,
  table: string,
  notice: Notice,
  abortSignal?: AbortSignal,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { [LAST_SEEN_KEY]: s(NOTICE_PARTITION), [LAST_SEEN_SORT_KEY]: s(`no-spoke#${notice.account}`) },
      UpdateExpression: "SET notifiedAt = :at, #ttl = :ttl",
      ExpressionAttributeNames: { "#ttl": LAST_SEEN_TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ":at": n(notice.notifiedAt),
        ":ttl": n(notice.notifiedAt + LAST_SEEN_RETENTION_SECONDS),
      },
    }),
    { abortSignal },
  );
}

/** Every region item and notice (the table holds accounts x regions x paths: a few thousand at most). */
export async function readLastSeen(
  client: DynamoDBClient,
  table: string,
  abortSignal?: AbortSignal,
): Promise<{ rows: LastSeen[]; notices: Notice[] }> {
  const rows: LastSeen[] = [];
  const notices: Notice[] = [];
  let ExclusiveStartKey: ScanCommandOutput["LastEvaluatedKey"];
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }),
      {
        abortSignal,
      },
    );
    for (const item of page.Items ?? []) {
      const account = item[LAST_SEEN_KEY]?.S ?? "";
      const sort = item[LAST_SEEN_SORT_KEY]?.S ?? "";
      if (account === NOTICE_PARTITION) {
        if (sort.startsWith("no-spoke#"))
          notices.push({
            account: sort.slice("no-spoke#".length),
            notifiedAt: Number(item.notifiedAt?.N ?? 0),
          });
        continue;
      }
      rows.push({
        account,
        region: item.region?.S ?? sort.split("#")[0],
        path: item.path?.S ?? sort.split("#")[1] ?? "",
        lastSeen: Number(item.lastSeen?.N ?? 0),
        intervalMinutes: Number(item.intervalMinutes?.N ?? 0),
        ...(item.silentSince?.N ? { silentSince: Number(item.silentSince.N) } : {}),
      });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { rows, notices };
}
