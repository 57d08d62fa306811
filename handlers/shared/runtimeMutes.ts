// Mutes written at runtime (the Mute button on an alert), kept in a DynamoDB table in the hub: one
// item per mute, holding the rule (the same shape as the stack's mute rules), who wrote it and
// when. The notifier reads the table, besides the stack's rules; `npm run mutes` lists it. Each
// item carries its expiry in the table's TTL attribute (epoch seconds); TTL deletion is lazy
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html), so readers compare
// the rule's expiry with the clock as well.
import { AttributeValue, DynamoDBClient, ScanCommand, ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { RunCall } from "./deadline";

export const MUTE_KEY_ATTRIBUTE = "id";
export const MUTE_TTL_ATTRIBUTE = "expiresAt";

/** A mute rule as the stack config writes them (see the notifier's mute rules). */
export interface RuntimeMuteRule {
  name?: string;
  accounts?: string[];
  regions?: string[];
  kinds?: string[];
  eventNames?: string[];
  resources?: string[];
  actors?: string[];
  reason: string;
  /** ISO date-time. */
  expires: string;
}

export interface RuntimeMute {
  id: string;
  /** "slack-<Slack user id>". */
  createdBy: string;
  createdAt: string;
  rule: RuntimeMuteRule;
}

export function muteItem(m: RuntimeMute): Record<string, AttributeValue> {
  return {
    [MUTE_KEY_ATTRIBUTE]: { S: m.id },
    rule: { S: JSON.stringify(m.rule) },
    createdBy: { S: m.createdBy },
    createdAt: { S: m.createdAt },
    expires: { S: m.rule.expires },
    [MUTE_TTL_ATTRIBUTE]: { N: String(Math.ceil(Date.parse(m.rule.expires) / 1000)) },
  };
}

const LIST_KEYS = ["accounts", "regions", "kinds", "eventNames", "resources", "actors"] as const;

/** What a mute holds back: "accounts=111111111111 eventNames=ConsoleLogin". */
export function muteScope(rule: RuntimeMuteRule): string {
  return LIST_KEYS.filter((k) => rule[k] !== undefined)
    .map((k) => `${k}=${rule[k]!.join(",")}`)
    .join(" ");
}

/** The mute an item holds, or a problem naming what is wrong with it. */
export function readMuteItem(item: Record<string, AttributeValue>): RuntimeMute | { problem: string } {
  const id = item[MUTE_KEY_ATTRIBUTE]?.S ?? "(no id)";
  const bad = (what: string) => ({ problem: `mute ${id}: ${what}` });
  let rule: unknown;
  try {
    rule = JSON.parse(item.rule?.S ?? "");
  } catch {
    return bad("rule is not JSON");
  }
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) return bad("rule is not an object");
  const r = rule as Record<string, unknown>;
  if (typeof r.reason !== "string" || !r.reason) return bad("rule has no reason");
  if (typeof r.expires !== "string" || Number.isNaN(Date.parse(r.expires))) return bad("rule has no expiry");
  const given = LIST_KEYS.filter((k) => r[k] !== undefined);
  if (!given.length) return bad("rule has no condition");
  for (const k of given)
    if (!Array.isArray(r[k]) || !(r[k] as unknown[]).every((x) => typeof x === "string" && x !== ""))
      return bad(`rule.${k} is not a list of strings`);
  return {
    id,
    createdBy: item.createdBy?.S ?? "unknown",
    createdAt: item.createdAt?.S ?? "unknown",
    rule: r as unknown as RuntimeMuteRule,
  };
}

/** Every mute in the table that has not expired at `now`, and the items that could not be read. */
export async function listRuntimeMutes(
  client: DynamoDBClient,
  tableName: string,
  now: number,
  run: RunCall,
): Promise<{ mutes: RuntimeMute[]; problems: string[] }> {
  const mutes: RuntimeMute[] = [];
  const problems: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page: ScanCommandOutput = await run("DynamoDB Scan", (abortSignal) =>
      client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }), {
        abortSignal,
      }),
    );
    for (const item of page.Items ?? []) {
      const m = readMuteItem(item);
      if ("problem" in m) problems.push(m.problem);
      else if (Date.parse(m.rule.expires) > now) mutes.push(m);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  mutes.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { mutes, problems };
}
