// `npm run mutes`: the mutes written from Slack (the Mute button on alerts) that are in force,
// read from the hub's mutes table with the caller's AWS credentials (the SDK's default chain;
// AWS_ENDPOINT_URL is honoured). The stack's own mute rules are in its config and in the plan's
// mute report; these live only in the table.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RuntimeMute, listRuntimeMutes } from "../handlers/shared/runtimeMutes";
import { ALERT_MUTES_TABLE_NAME } from "../stacks/names";

export const RUNTIME_MUTES_TABLE = ALERT_MUTES_TABLE_NAME;

/** Where runtime mutes live, for the plan's mute report (the plan itself reads no AWS account). */
export function runtimeMutesNote(hubRegion: string): string {
  return (
    `mutes written from Slack (Mute 24 h) live in the DynamoDB table ${RUNTIME_MUTES_TABLE} ` +
    `(hub account, ${hubRegion}), not in stack config: list them with \`npm run mutes -- --region ${hubRegion}\``
  );
}

export interface RuntimeMutesListing {
  table: string;
  region: string;
  now: string;
  mutes: RuntimeMute[];
  /** Items that could not be read (each names the item and what is wrong). */
  problems: string[];
}

export async function readRuntimeMutes(region: string, table = RUNTIME_MUTES_TABLE, now = Date.now()) {
  const client = new DynamoDBClient({ region });
  try {
    const { mutes, problems } = await listRuntimeMutes(client, table, now, (_what, call) =>
      call(AbortSignal.timeout(30_000)),
    );
    return { table, region, now: new Date(now).toISOString(), mutes, problems } satisfies RuntimeMutesListing;
  } finally {
    client.destroy();
  }
}

function utc(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? iso
    : new Date(t)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d{3}Z$/, " UTC");
}

export function formatRuntimeMutes(l: RuntimeMutesListing): string {
  const lines = [
    `${l.mutes.length} mute(s) written from Slack in force in ${l.table} (${l.region}) at ${utc(l.now)}` +
      (l.mutes.length ? ":" : "."),
  ];
  for (const m of l.mutes) {
    const r = m.rule;
    const conditions = (["accounts", "regions", "kinds", "eventNames", "resources", "actors"] as const)
      .filter((k) => r[k] !== undefined)
      .map((k) => `${k}=${r[k]!.join(",")}`)
      .join(" ");
    lines.push(
      `  ${m.id}`,
      `    until ${utc(r.expires)}, by ${m.createdBy} at ${utc(m.createdAt)}`,
      `    ${conditions}`,
      `    reason: ${r.reason}`,
    );
  }
  for (const p of l.problems) lines.push(`  unreadable: ${p}`);
  return lines.join("\n");
}
