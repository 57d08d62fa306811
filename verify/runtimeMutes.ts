// `npm run mutes`: the mutes written from Slack (the Mute button on alerts) that are in force,
// read from the hub's mutes table with the caller's AWS credentials (the SDK's default chain;
// AWS_ENDPOINT_URL is honoured), and the exemptions from remediation in force, read from the
// security groups' exemption tags in every spoke account and region of the repo's stack files
// (through the hub's coverage role and each spoke's read-only coverage reader role, as npm run
// coverage does). The stack's own mute rules are in its config and in the plan's mute report.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { assumeReadRole } from "../handlers/coverage/assume";
import type { ReadSession } from "../handlers/coverage/detectors";
import { ExemptionEntry, byExpiry, listExemptions } from "../handlers/coverage/exemptions";
import { COVERAGE_READER_ROLE_NAME, COVERAGE_ROLE_NAME } from "../handlers/shared/constants";
import { errorText } from "../handlers/shared/errors";
import { RuntimeMute, listRuntimeMutes } from "../handlers/shared/runtimeMutes";
import type { StackConfig } from "../stacks/configSchema";
import { ALERT_MUTES_TABLE_NAME } from "../stacks/names";
import { HUB_REGION, partitionOf } from "../stacks/regions";

export const RUNTIME_MUTES_TABLE = ALERT_MUTES_TABLE_NAME;

/** Where runtime mutes live, for the plan's mute report (the plan itself reads no AWS account). */
export function runtimeMutesNote(hubRegion: string): string {
  return (
    `mutes written from Slack (Mute) live in the DynamoDB table ${RUNTIME_MUTES_TABLE} ` +
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
  /** Exemptions from remediation in force (absent when not read). */
  exemptions?: ExemptionEntry[];
  /** Accounts or regions whose exemptions could not be read. */
  exemptionProblems?: string[];
}

export interface ExemptionsListing {
  exemptions: ExemptionEntry[];
  exemptionProblems: string[];
}

/** Every spoke account and region of the stack files, read as npm run coverage reads them. */
export async function readExemptions(
  configs: Array<{ stack: string; config: StackConfig }>,
  now = Date.now(),
): Promise<ExemptionsListing> {
  const hub = configs.find((c) => c.config.role === "hub")?.config;
  if (!hub || hub.role !== "hub")
    return { exemptions: [], exemptionProblems: ["no hub stack file: exemptions were not read"] };
  const partition = partitionOf(hub.regions[0] ?? HUB_REGION);
  const session = "security-guard-mutes";
  const coverageRole = `arn:${partition}:iam::${hub.accountId}:role/${COVERAGE_ROLE_NAME}`;
  let hubSession: ReadSession;
  try {
    hubSession = await assumeReadRole(coverageRole, session);
  } catch (err) {
    return {
      exemptions: [],
      exemptionProblems: [
        `your credentials cannot assume ${coverageRole} (${errorText(err)}): exemptions were not read`,
      ],
    };
  }
  const exemptions: ExemptionEntry[] = [];
  const exemptionProblems: string[] = [];
  for (const { stack, config } of configs) {
    if (config.role !== "spoke") continue;
    const readerRole = `arn:${partition}:iam::${config.accountId}:role/${COVERAGE_READER_ROLE_NAME}`;
    let reader: ReadSession;
    try {
      reader = await assumeReadRole(readerRole, session, hubSession);
    } catch (err) {
      exemptionProblems.push(`${stack}: ${readerRole} could not be assumed (${errorText(err)})`);
      continue;
    }
    for (const region of config.regions) {
      try {
        exemptions.push(
          ...(await listExemptions(reader, config.accountId, region, hub.remediation.exemptTagKey, now)),
        );
      } catch (err) {
        exemptionProblems.push(`${stack} ${region}: ${errorText(err)}`);
      }
    }
  }
  return { exemptions: exemptions.sort(byExpiry), exemptionProblems };
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
  if (l.exemptions) {
    lines.push(
      `${l.exemptions.length} exemption(s) from SSH remediation in force` + (l.exemptions.length ? ":" : "."),
    );
    for (const e of l.exemptions)
      lines.push(
        `  ${e.groupId}${e.groupName ? ` (${e.groupName})` : ""} in ${e.accountId} ${e.region}`,
        `    ${e.expiresAt ? `until ${utc(e.expiresAt)}` : "no expiry yet (the daily check gives it the default)"}, by ${e.by}`,
        `    reason: ${e.why}`,
      );
    for (const p of l.exemptionProblems ?? []) lines.push(`  not read: ${p}`);
  }
  return lines.join("\n");
}
