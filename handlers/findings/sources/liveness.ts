// The guard's own signals about what it cannot see (handlers/liveness): a spoke region silent for
// two heartbeat intervals, its recovery, an organization account without a spoke, and the weekly
// coverage summary with its list of mutes and exemptions in force, put on the hub bus by the
// liveness function (source security-guard.liveness). The heartbeats it judges silence by are
// forwarded by every spoke region's heartbeat rules, declared here; they go to the liveness
// function, never to Slack (no notify branch takes them).
import { isRegionCode } from "../links";
import { FINDING_CLASSES } from "../model";
import { eventBridgeEvent, list, number, object, parseLenient, text } from "../parse";
import type { Draft, EventPattern, SourceModule } from "../source";
import {
  HEARTBEAT_DETAIL_TYPE,
  HEARTBEAT_ROLE_NAME,
  HEARTBEAT_SOURCE,
  LIVENESS_DETAIL_TYPES,
  LIVENESS_EVENT_SOURCE,
} from "../../shared/constants";

/**
 * Every spoke region: the region's own heartbeat (its schedule puts it on the default bus), carried
 * to the hub bus by the same kind of rule, target, role and bus policy as every security event.
 */
export const HEARTBEAT_PATTERN: EventPattern = {
  source: [HEARTBEAT_SOURCE],
  "detail-type": [HEARTBEAT_DETAIL_TYPE],
};

/**
 * Every spoke region: the heartbeat schedule's TagResource call on its own schedule group, as
 * CloudTrail records it. It reaches EventBridge only through a logging trail with management write
 * events, so its arrival proves the CloudTrail path; matched by the heartbeat role's name, so no
 * other scheduler call is forwarded.
 */
export const CLOUDTRAIL_HEARTBEAT_PATTERN: EventPattern = {
  source: ["aws.scheduler"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: {
    eventSource: ["scheduler.amazonaws.com"],
    eventName: ["TagResource"],
    userIdentity: { sessionContext: { sessionIssuer: { userName: [HEARTBEAT_ROLE_NAME] } } },
  },
};

/** How many gap lines a summary shows (the rest are counted). */
const SUMMARY_LINES = 20;

const TYPES = Object.values(LIVENESS_DETAIL_TYPES) as string[];
/** Exemptions ending within this many days are called out first. */
const EXPIRING_DAYS = 7;

/** "2026-12-09 08:00 UTC" (the text as given when it is not a date). */
function utc(iso: string | undefined): string {
  const t = Date.parse(iso ?? "");
  return Number.isNaN(t)
    ? (iso ?? "?")
    : new Date(t)
        .toISOString()
        .replace("T", " ")
        .replace(/:\d{2}\.\d{3}Z$/, " UTC");
}

function schema() {
  return eventBridgeEvent(
    object({
      account: text(),
      accountName: text(),
      region: text(),
      path: text(),
      lastSeen: text(),
      intervalMinutes: number(),
      silentForMinutes: number(),
      silentSinceAlert: text(),
      diagnosis: text(),
      command: text(),
      reason: text(),
      generatedAt: text(),
      organizationAccounts: number(),
      spokeAccounts: number(),
      regions: number(),
      gaps: list(object({ check: text(), account: text(), region: text(), what: text() })),
      muteCount: number(),
      mutes: list(
        object({
          id: text(),
          by: text(),
          since: text(),
          until: text(),
          scope: text(),
          reason: text(),
        }),
      ),
      exemptionCount: number(),
      exemptions: list(
        object({
          account: text(),
          region: text(),
          groupId: text(),
          groupName: text(),
          by: text(),
          why: text(),
          until: text(),
        }),
      ),
      problems: list(text()),
    }),
  );
}

export const liveness: SourceModule = {
  id: "liveness",
  name: "security-guard liveness and coverage",
  kinds: ["liveness"],
  detects: [
    {
      what: "A spoke region silent for two heartbeat intervals, and its recovery",
      from: "the hub's liveness check, from every spoke region's heartbeats",
    },
    {
      what: "An organization account without a spoke",
      from: "the hub's liveness check, and accounts joining",
      rules: [],
    },
    {
      what: "The weekly coverage summary (accounts covered, silent regions, detectors off)",
      from: "the hub, Mondays",
      rules: [],
    },
    {
      what: "The weekly list of mutes from Slack and exemptions from remediation in force (expiring ones first)",
      from: "the hub, Mondays",
      rules: [],
    },
  ],
  recognise: (p) => p.source === LIVENESS_EVENT_SOURCE && TYPES.includes(String(p["detail-type"])),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, { problems: ctx.problems, required: ["detail"] });
    const d = e.detail ?? {};
    const type = e["detail-type"] ?? "";
    const account = d.account;
    const who = d.accountName && account ? `${d.accountName} (${account})` : (account ?? "unknown account");
    const region = d.region && isRegionCode(d.region) ? d.region : undefined;
    const base = {
      ...FINDING_CLASSES.heartbeat,
      class_name: "heartbeat" as const,
      kind: "liveness",
      uid: e.id,
      event_name: type,
      time: e.time,
      cloud: { account: { uid: account, ...(d.accountName ? { name: d.accountName } : {}) }, region },
      links: [],
      dedupe_uid: e.id ? `liveness|${e.id}` : undefined,
      metadata: { source: "liveness", event_uid: e.id, event_label: "liveness event", event_type: type },
    };
    if (type === LIVENESS_DETAIL_TYPES.silent || type === LIVENESS_DETAIL_TYPES.recovered) {
      const silent = type === LIVENESS_DETAIL_TYPES.silent;
      return {
        ...base,
        status: silent ? "SILENT" : "RECOVERED",
        title: silent
          ? `No heartbeat from ${who} ${d.region ?? ""} for ${d.silentForMinutes ?? "?"} min (${d.path ?? "?"} path): the guard may be blind there`
          : `${who} ${d.region ?? ""} is heard again (${d.path ?? "?"} path)`,
        desc: silent ? d.diagnosis : undefined,
        first_seen: d.silentSinceAlert,
        last_seen: d.lastSeen,
        resources: [
          {
            type: "SpokeRegion",
            uid: `${account ?? "?"}/${d.region ?? "?"}/${d.path ?? "?"}`,
            region: d.region,
            account_uid: account,
          },
        ],
        evidence: {
          notes: [
            `last heartbeat: ${d.lastSeen ?? "unknown"}`,
            `expected every ${d.intervalMinutes ?? "?"} min`,
          ],
        },
      };
    }
    if (type === LIVENESS_DETAIL_TYPES.noSpoke) {
      return {
        ...base,
        status: "NO_SPOKE",
        title: `account ${d.accountName ?? "?"} (${account ?? "?"}) has no spoke`,
        // The whole account is unwatched, not one region of it.
        cloud: { ...base.cloud, region_label: "every region" },
        desc: `Nothing this account does reaches the guard (${d.reason ?? "scheduled check"}).`,
        resources: [{ type: "AWS::Organizations::Account", uid: account, name: d.accountName }],
        remediation: { desc: `${d.command ?? "npm run account:add"}, then pulumi up on the stack it writes` },
        evidence: {},
      };
    }
    if (type === LIVENESS_DETAIL_TYPES.mutes) return mutesSummary(base, e.account, d);
    const gaps = d.gaps ?? [];
    return {
      ...base,
      status: gaps.length ? "GAPS" : "COVERED",
      // The summary is the hub's, about the whole organization.
      cloud: {
        account: { uid: e.account },
        region_label: "organization",
      },
      title: `Weekly coverage: ${d.spokeAccounts ?? "?"} spoke account(s)${d.organizationAccounts !== undefined ? ` of ${d.organizationAccounts}` : ""}, ${gaps.length} gap(s)`,
      resources: [],
      evidence: {
        notes: [
          ...gaps
            .slice(0, SUMMARY_LINES)
            .map((g) => `${g?.check ?? "?"} ${g?.account ?? "?"} ${g?.region ?? "?"}: ${g?.what ?? ""}`),
          ...(gaps.length > SUMMARY_LINES
            ? [`and ${gaps.length - SUMMARY_LINES} more: npm run coverage`]
            : []),
        ],
      },
    };
  },

  severity: [
    {
      severity: "critical",
      when: "a spoke region silent for two heartbeat intervals",
      test: (f) => f.status === "SILENT",
    },
    {
      severity: "high",
      when: "an organization account without a spoke",
      test: (f) => f.status === "NO_SPOKE",
    },
    { severity: "info", when: "a silent spoke region heard again", test: (f) => f.status === "RECOVERED" },
    {
      severity: "low",
      when: "the weekly list of mutes and exemptions",
      test: (f) => f.status === "LISTED",
    },
    {
      severity: "low",
      when: "the weekly coverage summary",
      test: (f) => f.status === "GAPS" || f.status === "COVERED",
    },
  ],

  forward: [
    { name: "heartbeat", regions: "every", pattern: () => HEARTBEAT_PATTERN },
    { name: "heartbeat-cloudtrail", regions: "every", pattern: () => CLOUDTRAIL_HEARTBEAT_PATTERN },
  ],
  notifyAll: [LIVENESS_EVENT_SOURCE],
  fixtures: [
    "liveness/spoke-region-silent.json",
    "liveness/spoke-region-recovered.json",
    "liveness/account-without-spoke.json",
    "liveness/coverage-summary.json",
    "liveness/mutes-summary.json",
  ],
};

type Detail = NonNullable<ReturnType<typeof parseLenient<ReturnType<typeof schema>>>["detail"]>;

/** The weekly list: exemptions expiring within a week, then mutes, then the other exemptions. */
function mutesSummary(
  base: Omit<Draft, "title" | "resources" | "evidence">,
  hub: string | undefined,
  d: Detail,
): Draft {
  const at = Date.parse(d.generatedAt ?? "");
  const soon = (until: string | undefined) => {
    const t = Date.parse(until ?? "");
    return !Number.isNaN(t) && !Number.isNaN(at) && t - at <= EXPIRING_DAYS * 86_400_000;
  };
  const mutes = (d.mutes ?? []).filter((m) => m !== undefined);
  const exemptions = (d.exemptions ?? []).filter((x) => x !== undefined);
  const muteCount = d.muteCount ?? mutes.length;
  const exemptionCount = d.exemptionCount ?? exemptions.length;
  const expiring = exemptions.filter((x) => soon(x.until));
  const group = (x: (typeof exemptions)[number]) =>
    `${x.groupId ?? "?"}${x.groupName ? ` (${x.groupName})` : ""} in ${x.account ?? "?"} ${x.region ?? "?"}, by ${x.by ?? "unknown"}: ${x.why ?? "no reason given"}`;
  const lines = [
    ...expiring.map((x) => `exemption EXPIRES ${utc(x.until)}: ${group(x)}`),
    ...mutes.map(
      (m) =>
        `mute until ${utc(m.until)} by ${m.by ?? "unknown"}: ${m.scope ?? "?"}; ${m.reason ?? "no reason given"}`,
    ),
    ...exemptions
      .filter((x) => !soon(x.until))
      .map((x) => `exemption ${x.until ? `until ${utc(x.until)}` : "without expiry yet"}: ${group(x)}`),
  ];
  const shown = lines.slice(0, SUMMARY_LINES);
  const more = muteCount + exemptionCount - shown.length;
  const problems = (d.problems ?? []).filter((p): p is string => !!p);
  return {
    ...base,
    status: "LISTED",
    cloud: { account: { uid: hub }, region_label: "organization" },
    title:
      `Weekly mutes and exemptions: ${muteCount} mute(s) from Slack, ${exemptionCount} exemption(s) from remediation` +
      (expiring.length ? `, ${expiring.length} expiring within ${EXPIRING_DAYS} days` : ""),
    desc: expiring.length
      ? `Exemptions expiring within ${EXPIRING_DAYS} days: ${expiring.map((x) => x.groupId ?? "?").join(", ")}. When one expires, the daily check removes it and SSH open to the world is revoked again.`
      : undefined,
    resources: [],
    evidence: {
      notes: [
        ...(lines.length ? shown : ["nothing is muted or exempt"]),
        ...(more > 0 ? [`and ${more} more: npm run mutes`] : []),
        ...problems.slice(0, 5).map((p) => `not read: ${p}`),
        ...(problems.length ? ["the full list: npm run mutes"] : []),
      ],
    },
  };
}
