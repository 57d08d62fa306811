// The hub's liveness function. Three kinds of invocation:
// - a heartbeat a spoke region's forwarding rule carried to the hub bus: recorded in the liveness
//   table (account, region, path);
// - the check schedule (every heartbeat interval) and an account joining the organization: a
//   region silent for two intervals raises a critical alert once, its next heartbeat posts the
//   recovery; an organization account without a spoke is posted with its account:add command
//   (again after a day while it stays so);
// - the weekly schedule: a coverage summary (handlers/coverage, the same checks as npm run coverage)
//   and a list of the mutes written from Slack and the exemptions from remediation in force (as
//   npm run mutes lists them), so nobody forgets one.
// Alerts go onto the hub bus as events (source security-guard.liveness), so the notifier formats,
// routes, mutes and posts them like any other signal.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { assumeReadRole } from "../coverage/assume";
import { SpokeRegions, coverageReport, silenceCauses } from "../coverage/coverage";
import { ReadSession, regionChecks } from "../coverage/detectors";
import { ExemptionEntry, byExpiry, listExemptions } from "../coverage/exemptions";
import { RegionCoverage } from "../coverage/gaps";
import {
  LastSeen,
  isSilent,
  markSilent,
  readLastSeen,
  recordHeartbeat,
  recordNotice,
} from "../coverage/lastSeen";
import { OrgAccount, accountAddCommand, listOrganizationAccounts } from "../coverage/organization";
import {
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_SUMMARY_EVENT,
  HEARTBEAT_DETAIL_TYPE,
  HEARTBEAT_INTERVAL_MINUTES,
  HEARTBEAT_ROLE_NAME,
  HEARTBEAT_SOURCE,
  LIVENESS_CHECK_EVENT,
  LIVENESS_DETAIL_TYPES,
  LIVENESS_EVENT_SOURCE,
} from "../shared/constants";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import { RuntimeMute, listRuntimeMutes, muteScope } from "../shared/runtimeMutes";

export interface LivenessSettings {
  tableName: string;
  /** The hub bus the alerts go to (ARN). */
  busArn: string;
  hubAccountId: string;
  partition: string;
  /** Organization mode: list the organization's accounts to find those without a spoke. */
  organization: boolean;
  /** Accounts that need no spoke. */
  ignoreAccounts: string[];
  /** Hours before an account still without a spoke is posted again. */
  noSpokeRepeatHours: number;
  /** The mutes table the Slack Mute button writes (with chat-ops): listed weekly. */
  mutesTable?: string;
  /** The remediation's exemption tag key (with remediation): exempt groups are listed weekly. */
  exemptTagKey?: string;
}

export interface LivenessResult {
  action: "heartbeat" | "check" | "summary" | "ignored";
  alerts: number;
}

const PATH_PATTERN = /^[a-z0-9-]{1,32}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Organizations events that mean an account joined (CIS 4.15 forwards them from the management account). */
const JOIN_EVENTS = ["AcceptHandshake", "CreateAccount", "CreateAccountResult"];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Entries of each list the weekly mutes event carries (the counts say how many there are). */
const MUTES_EVENT_ENTRIES = 50;
/** Free text (reasons, scopes) is cut so the event stays far below EventBridge's 256 KB. */
const cut = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The weekly mutes-and-exemptions event's detail. */
export function mutesSummaryDetail(
  generatedAt: string,
  mutes: RuntimeMute[] | undefined,
  exemptions: ExemptionEntry[] | undefined,
  problems: string[],
): Json {
  const sorted = (exemptions ?? []).slice().sort(byExpiry);
  return {
    generatedAt,
    ...(mutes
      ? {
          muteCount: mutes.length,
          // Soonest to end first.
          mutes: mutes
            .slice()
            .sort((a, b) => a.rule.expires.localeCompare(b.rule.expires))
            .slice(0, MUTES_EVENT_ENTRIES)
            .map((m) => ({
              id: m.id,
              by: m.createdBy,
              since: m.createdAt,
              until: m.rule.expires,
              scope: cut(muteScope(m.rule)),
              reason: cut(m.rule.reason),
            })),
        }
      : {}),
    ...(exemptions
      ? {
          exemptionCount: sorted.length,
          exemptions: sorted.slice(0, MUTES_EVENT_ENTRIES).map((e) => ({
            account: e.accountId,
            region: e.region,
            groupId: e.groupId,
            ...(e.groupName ? { groupName: cut(e.groupName, 100) } : {}),
            by: e.by,
            why: cut(e.why),
            ...(e.expiresAt ? { until: e.expiresAt } : {}),
          })),
        }
      : {}),
    problems: problems.slice(0, 20).map((p) => cut(p)),
  };
}

/** The heartbeat schedule's TagResource call as CloudTrail recorded it (the "cloudtrail" path). */
function isCloudTrailHeartbeat(event: Json, detail: Json): boolean {
  const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const session = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(session.sessionIssuer) ? session.sessionIssuer : {};
  return (
    event.source === "aws.scheduler" &&
    detail.eventSource === "scheduler.amazonaws.com" &&
    detail.eventName === "TagResource" &&
    issuer.userName === HEARTBEAT_ROLE_NAME
  );
}

function kindOf(event: unknown): "heartbeat" | "check" | "summary" | "join" | undefined {
  if (!isObject(event)) return undefined;
  if (event["security-guard"] === LIVENESS_CHECK_EVENT["security-guard"]) return "check";
  if (event["security-guard"] === COVERAGE_SUMMARY_EVENT["security-guard"]) return "summary";
  if (event.source === HEARTBEAT_SOURCE && event["detail-type"] === HEARTBEAT_DETAIL_TYPE) return "heartbeat";
  const detail = isObject(event.detail) ? event.detail : {};
  if (isCloudTrailHeartbeat(event, detail)) return "heartbeat";
  if (event.source === "aws.organizations" && JOIN_EVENTS.includes(String(detail.eventName))) return "join";
  return undefined;
}

export function createLivenessHandler(settings: LivenessSettings) {
  // Per container (a captured object, not a module-level let: see the design notes on closures).
  const clients: { db?: DynamoDBClient; events?: EventBridgeClient } = {};
  const db = () => (clients.db ??= new DynamoDBClient({ maxAttempts: 3 }));
  const busRegion = settings.busArn.split(":")[3] || undefined;
  const events = () => (clients.events ??= new EventBridgeClient({ region: busRegion, maxAttempts: 3 }));

  async function emit(
    entries: Array<{ detailType: string; detail: Json; resources?: string[] }>,
  ): Promise<void> {
    for (let i = 0; i < entries.length; i += 10) {
      const batch: PutEventsRequestEntry[] = entries.slice(i, i + 10).map((e) => ({
        EventBusName: settings.busArn,
        Source: LIVENESS_EVENT_SOURCE,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
        Resources: e.resources ?? [],
      }));
      const out = await events().send(new PutEventsCommand({ Entries: batch }));
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = (out.Entries ?? [])
          .filter((x) => x.ErrorCode)
          .map((x) => `${x.ErrorCode}: ${x.ErrorMessage}`);
        throw new Error(
          `the hub bus refused ${out.FailedEntryCount} liveness alert(s): ${failed.join("; ")}`,
        );
      }
    }
  }

  async function heartbeat(event: Json): Promise<LivenessResult> {
    const detail = isObject(event.detail) ? event.detail : {};
    const account = String(event.account ?? "");
    const region = String(event.region ?? "");
    const viaTrail = isCloudTrailHeartbeat(event, detail);
    // The CloudTrail record carries no heartbeat fields: its schedule runs at the fixed interval.
    const path = viaTrail ? "cloudtrail" : String(detail.path ?? "");
    const interval = viaTrail ? HEARTBEAT_INTERVAL_MINUTES : Number(detail.intervalMinutes);
    const at = Math.floor(Date.parse(String(event.time ?? "")) / 1000);
    const problems = [
      ACCOUNT_PATTERN.test(account) ? "" : `account "${account}" is not a 12-digit id`,
      REGION_PATTERN.test(region) ? "" : `region "${region}" is not a region code`,
      PATH_PATTERN.test(path) ? "" : `detail.path "${path}" is not a path name`,
      Number.isInteger(interval) && interval >= 1 && interval <= 1440
        ? ""
        : "detail.intervalMinutes is not 1-1440",
      Number.isFinite(at) ? "" : "time is not a timestamp",
    ].filter(Boolean);
    if (problems.length) {
      // Thrown: the event goes to the function's dead-letter queue, whose alarm posts it.
      throw new Error(`heartbeat ${String(event.id)} not recorded: ${problems.join("; ")}`);
    }
    // EventBridge sets `time` when the event is put; never ahead of this clock.
    const now = Math.floor(Date.now() / 1000);
    await recordHeartbeat(db(), settings.tableName, {
      account,
      region,
      path,
      at: Math.min(at, now),
      intervalMinutes: interval,
    });
    log("info", "heartbeat recorded", { eventId: event.id, account, region, path });
    return { action: "heartbeat", alerts: 0 };
  }

  async function organizationAccounts(): Promise<OrgAccount[] | { error: string }> {
    if (!settings.organization) return [];
    try {
      return await listOrganizationAccounts({});
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  function spokesOf(rows: LastSeen[]): SpokeRegions[] {
    const by: Record<string, string[]> = {};
    for (const r of rows) {
      const regions = (by[r.account] ??= []);
      if (!regions.includes(r.region)) regions.push(r.region);
    }
    return Object.keys(by)
      .sort()
      .map((account) => ({ account, regions: by[account].sort() }));
  }

  async function check(reason: "check" | "join"): Promise<LivenessResult> {
    const now = Math.floor(Date.now() / 1000);
    const { rows, notices } = await readLastSeen(db(), settings.tableName);
    const org = await organizationAccounts();
    const names: Record<string, string> = {};
    if (Array.isArray(org)) for (const a of org) names[a.id] = a.name;
    const alerts: Array<{ detailType: string; detail: Json; resources?: string[] }> = [];
    const marks: Array<() => Promise<void>> = [];
    for (const row of rows) {
      const silent = isSilent(row, now);
      const base = {
        account: row.account,
        ...(names[row.account] ? { accountName: names[row.account] } : {}),
        region: row.region,
        path: row.path,
        lastSeen: new Date(row.lastSeen * 1000).toISOString(),
        intervalMinutes: row.intervalMinutes,
      };
      if (silent && row.silentSince === undefined) {
        alerts.push({
          detailType: LIVENESS_DETAIL_TYPES.silent,
          detail: {
            ...base,
            silentForMinutes: Math.floor((now - row.lastSeen) / 60),
            diagnosis: silenceCauses(row.account, row.region, undefined, row.path),
          },
        });
        marks.push(() => markSilent(db(), settings.tableName, row, now));
      } else if (!silent && row.silentSince !== undefined) {
        alerts.push({
          detailType: LIVENESS_DETAIL_TYPES.recovered,
          detail: { ...base, silentSinceAlert: new Date(row.silentSince * 1000).toISOString() },
        });
        marks.push(() => markSilent(db(), settings.tableName, row, undefined));
      }
    }
    const spokeAccounts = new Set(rows.map((r) => r.account));
    const usualRegions = [...new Set(rows.map((r) => r.region))].sort();
    if (Array.isArray(org)) {
      for (const a of org) {
        if (spokeAccounts.has(a.id) || settings.ignoreAccounts.includes(a.id)) continue;
        const last = notices.find((n) => n.account === a.id);
        if (last && now - last.notifiedAt < settings.noSpokeRepeatHours * 3600) continue;
        alerts.push({
          detailType: LIVENESS_DETAIL_TYPES.noSpoke,
          detail: {
            account: a.id,
            accountName: a.name,
            command: accountAddCommand(a, usualRegions),
            reason: reason === "join" ? "an account joined the organization" : "scheduled check",
          },
        });
        marks.push(() => recordNotice(db(), settings.tableName, { account: a.id, notifiedAt: now }));
      }
    }
    // Alerts first, then the marks: a failed post leaves nothing marked, so the next check retries.
    await emit(alerts);
    for (const mark of marks) await mark();
    log("info", "liveness check done", { reason, regions: rows.length, alerts: alerts.length });
    if (!Array.isArray(org))
      throw new Error(
        `the organization's accounts could not be listed (${org.error}): accounts without a spoke are unknown`,
      );
    return { action: "check", alerts: alerts.length };
  }

  async function summary(): Promise<LivenessResult> {
    const now = Math.floor(Date.now() / 1000);
    const { rows } = await readLastSeen(db(), settings.tableName);
    const spokes = spokesOf(rows);
    const regions: RegionCoverage[] = [];
    const tagKey = settings.exemptTagKey;
    const exemptions: ExemptionEntry[] = [];
    const problems: string[] = [];
    for (const spoke of spokes) {
      const role = `arn:${settings.partition}:iam::${spoke.account}:role/${COVERAGE_READER_ROLE_NAME}`;
      let reader: ReadSession | undefined;
      let why = "";
      try {
        reader = await assumeReadRole(role, "security-guard-liveness");
      } catch (err) {
        why = errorText(err);
        if (tagKey) problems.push(`exemptions in ${spoke.account} not read: ${role} (${why})`);
      }
      for (const region of spoke.regions) {
        if (reader && tagKey)
          try {
            exemptions.push(...(await listExemptions(reader, spoke.account, region, tagKey, now * 1000)));
          } catch (err) {
            problems.push(`exemptions in ${spoke.account} ${region} not read: ${errorText(err)}`);
          }
        regions.push({
          account: spoke.account,
          region,
          checks: reader
            ? await regionChecks(reader, spoke.account, region)
            : [{ check: "reader", state: "unknown", detail: `${role} could not be assumed (${why})` }],
        });
      }
    }
    let mutes: RuntimeMute[] | undefined;
    if (settings.mutesTable) {
      try {
        const read = await listRuntimeMutes(db(), settings.mutesTable, now * 1000, (_what, call) =>
          call(AbortSignal.timeout(30_000)),
        );
        mutes = read.mutes;
        problems.push(...read.problems);
      } catch (err) {
        problems.push(`mutes table ${settings.mutesTable} not read: ${errorText(err)}`);
        mutes = [];
      }
    }
    const report = coverageReport({
      nowSeconds: now,
      hubAccountId: settings.hubAccountId,
      organization: await organizationAccounts(),
      spokes,
      lastSeen: rows,
      regions,
      ignoreAccounts: settings.ignoreAccounts,
    });
    const listMutes = settings.mutesTable !== undefined || tagKey !== undefined;
    await emit([
      {
        detailType: LIVENESS_DETAIL_TYPES.summary,
        detail: {
          generatedAt: report.generatedAt,
          ...(report.organizationAccounts !== undefined
            ? { organizationAccounts: report.organizationAccounts }
            : {}),
          spokeAccounts: report.spokeAccounts.length,
          regions: report.regions.length,
          gaps: report.gaps.map((g) => ({
            check: g.check,
            account: g.account,
            region: g.region,
            what: g.what,
          })),
        },
      },
      ...(listMutes
        ? [
            {
              detailType: LIVENESS_DETAIL_TYPES.mutes,
              detail: mutesSummaryDetail(
                report.generatedAt,
                mutes,
                tagKey ? exemptions : undefined,
                problems,
              ),
            },
          ]
        : []),
    ]);
    return { action: "summary", alerts: listMutes ? 2 : 1 };
  }

  return async function liveness(
    event: unknown,
    context?: { awsRequestId?: string },
  ): Promise<LivenessResult> {
    const kind = kindOf(event);
    if (kind === "heartbeat") return heartbeat(event as Json);
    if (kind === "check" || kind === "join") return check(kind);
    if (kind === "summary") return summary();
    log("warn", "not a heartbeat, check or summary: ignored", {
      requestId: context?.awsRequestId,
      eventId: isObject(event) ? event.id : undefined,
      source: isObject(event) ? event.source : undefined,
    });
    return { action: "ignored", alerts: 0 };
  };
}
