// AWS Security Hub findings in OCSF ("Findings Imported V2", sent by the Security Hub that
// correlates findings into exposures; the CSPM's ASFF events are the Security Hub source's). Event:
// https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-v2-cwe-event-formats.html;
// OCSF fields: https://docs.aws.amazon.com/securityhub/latest/userguide/security-hub-adv-ocsf-findings.html;
// exposure findings (related_events are the contributing findings and their traits):
// https://docs.aws.amazon.com/securityhub/latest/userguide/exposure-findings-sample.html.
// Which formats reach Slack is the hub's `findings.securityHubFormats` (ASFF, OCSF or both).
// OCSF findings of GuardDuty, Inspector and Access Analyzer are left out at the hub: their own
// events arrive on their own paths, and would otherwise post each finding twice.
import * as v from "valibot";
import { consoleBase, isRegionCode, partitionOfRegion } from "../links";
import type {
  Compliance,
  Finding,
  FindingClass,
  Observable,
  Resource,
  SeverityLevel,
  Signal,
  Vulnerability,
} from "../model";
import { FINDING_CLASSES } from "../model";
import {
  anyObject,
  eventBridgeEvent,
  isEventBridge,
  list,
  number,
  object,
  parseLenient,
  text,
  bool,
} from "../parse";
import { textItems } from "./fields";
import type { NotifyFilters } from "../notifyFilters";
import type { Draft, MapContext, SourceModule } from "../source";

const DETAIL_TYPE = "Findings Imported V2";
const SOURCE = "aws.securityhub";
/** OCSF's compliance.status of a control that passes (the caption of status_id 1). */
const PASSING_COMPLIANCE = "Pass";

/**
 * A Security Hub OCSF finding that no longer fails: resolved, suppressed or archived
 * (https://schema.ocsf.io/1.6.0/classes/compliance_finding), or a control that passes. It is rated
 * info, and it ends its incident.
 */
export function ocsfNoLongerFailing(f: Pick<Finding, "status" | "compliance">): boolean {
  return (
    f.status === "Resolved" ||
    f.status === "Suppressed" ||
    f.status === "Archived" ||
    f.compliance?.status === PASSING_COMPLIANCE
  );
}

/** OCSF severity labels (severity_id 1-6) by our level. */
const LEVELS: Readonly<Record<string, SeverityLevel>> = {
  Fatal: "critical",
  Critical: "critical",
  High: "high",
  Medium: "medium",
  Low: "low",
  Informational: "info",
};

/** ASFF severity label -> OCSF's (the hub's minimum is written in ASFF's labels). */
const OCSF_LABEL: Readonly<Record<string, string>> = {
  INFORMATIONAL: "Informational",
  LOW: "Low",
  MEDIUM: "Medium",
  HIGH: "High",
  CRITICAL: "Critical",
};

/** ASFF Workflow.Status and RecordState -> OCSF status (https://schema.ocsf.io/1.6.0/classes/detection_finding). */
const OCSF_STATUS: Readonly<Record<string, string>> = {
  NEW: "New",
  NOTIFIED: "In Progress",
  SUPPRESSED: "Suppressed",
  RESOLVED: "Resolved",
  ARCHIVED: "Archived",
};

/** Products whose findings the hub receives from their own events. */
const DIRECT_PRODUCTS = ["GuardDuty", "Inspector", "IAM Access Analyzer"];

/** OCSF class uid -> our class name. */
function classOf(uid: number | undefined): FindingClass {
  const hit = (Object.keys(FINDING_CLASSES) as FindingClass[]).find(
    (k) => uid !== undefined && uid !== 0 && FINDING_CLASSES[k].class_uid === uid,
  );
  return hit ?? "detection";
}

/** The Security Hub console's views, by the finding's type (the console's own URL form). */
const VIEWS: ReadonlyArray<[string, string]> = [
  ["Exposure", "exposure"],
  ["Posture Management", "postureManagement"],
  ["Threats", "threats"],
  ["Vulnerabilities", "vulnerabilities"],
];

export function securityHubV2FindingUrl(region: string, types: string[], uid: string): string {
  const view = VIEWS.find(([t]) => types.some((x) => x.includes(t)))?.[1] ?? "findings";
  return `${consoleBase(region, partitionOfRegion(region))}/securityhub/v2/home?region=${region}#/${view}?findingDetailId=${encodeURIComponent(uid)}`;
}

/** Only AWS documentation links are kept from a finding's remediation references. */
const AWS_DOCS = /^https:\/\/docs\.aws\.amazon\.com\/[\w\-./#?=&%]*$/;

function findingSchema() {
  return v.object({
    class_uid: number(),
    class_name: text(),
    severity: text(),
    severity_id: number(),
    status: text(),
    time_dt: text(),
    cloud: object({
      account: object({ uid: text(), name: text() }),
      cloud_partition: text(),
      region: text(),
    }),
    compliance: object({
      control: text(),
      standards: list(v.unknown()),
      status: text(),
      status_detail: text(),
    }),
    finding_info: object({
      uid: text(),
      title: text(),
      desc: text(),
      types: list(v.unknown()),
      created_time_dt: text(),
      first_seen_time_dt: text(),
      last_seen_time_dt: text(),
      modified_time_dt: text(),
      related_events: list(
        v.object({
          uid: text(),
          title: text(),
          type: text(),
          product: object({ uid: text(), name: text() }),
          tags: list(v.object({ name: text(), values: list(v.unknown()) })),
        }),
      ),
    }),
    metadata: object({
      uid: text(),
      product: object({ name: text(), uid: text(), feature: anyObject() }),
    }),
    remediation: object({ desc: text(), references: list(v.unknown()) }),
    resources: list(
      v.object({
        uid: text(),
        name: text(),
        type: text(),
        region: text(),
        owner: object({ account: object({ uid: text() }) }),
        tags: list(v.object({ name: text(), value: text() })),
      }),
    ),
    vulnerabilities: list(
      v.object({
        cve: object({
          uid: text(),
          epss: object({ score: number() }),
          cvss: list(v.object({ base_score: number() })),
        }),
        affected_packages: list(v.object({ name: text(), version: text(), fixed_in_version: text() })),
        is_exploit_available: bool(),
        is_fix_available: bool(),
      }),
    ),
  });
}

type OcsfFinding = v.InferOutput<ReturnType<typeof findingSchema>>;

/** "inspector" from "arn:aws:securityhub:us-west-2::productv2/aws/inspector". */
function productOf(uid: string | undefined): string | undefined {
  return uid?.match(/productv2\/[^/]+\/([^/]+)$/)?.[1];
}

function signalsOf(f: OcsfFinding): Signal[] {
  return (f.finding_info?.related_events ?? []).map((r) => ({
    name: r.title ?? r.uid ?? "contributing finding",
    ...(r.product?.name || productOf(r.product?.uid)
      ? { type: r.product?.name ?? productOf(r.product?.uid) }
      : {}),
    ...((r.tags ?? []).length
      ? {
          detail: (r.tags ?? [])
            .map((t) => `${t.name ?? "trait"}: ${textItems(t.values).join(", ")}`)
            .join("; "),
        }
      : {}),
  }));
}

function vulnerabilitiesOf(f: OcsfFinding): Vulnerability[] {
  return (f.vulnerabilities ?? []).flatMap((x) =>
    x.cve?.uid
      ? [
          {
            uid: x.cve.uid,
            packages: (x.affected_packages ?? []).map(
              (p) =>
                `${p.name ?? "package"}${p.version ? ` ${p.version}` : ""}${p.fixed_in_version ? ` (fixed in ${p.fixed_in_version})` : ""}`,
            ),
            ...(x.is_exploit_available !== undefined ? { exploit_available: x.is_exploit_available } : {}),
            ...(x.is_fix_available !== undefined ? { fix_available: x.is_fix_available ? "YES" : "NO" } : {}),
            ...(x.cve.cvss?.[0]?.base_score !== undefined ? { cvss: x.cve.cvss[0].base_score } : {}),
            ...(x.cve.epss?.score !== undefined ? { epss: x.cve.epss.score } : {}),
          },
        ]
      : [],
  );
}

function draftOf(
  f: OcsfFinding,
  e: { id?: string; account?: string; region?: string; time?: string },
): Draft {
  const info = f.finding_info ?? {};
  const types = textItems(info.types);
  const uid = f.metadata?.uid ?? info.uid;
  const region = f.cloud?.region ?? e.region;
  const accountId = f.cloud?.account?.uid ?? e.account;
  const className = classOf(f.class_uid);
  const level = f.severity && Object.hasOwn(LEVELS, f.severity) ? LEVELS[f.severity] : undefined;
  const product = f.metadata?.product?.name;
  const exposure = types.includes("Exposure");
  const resources: Resource[] = (f.resources ?? []).map((r) => {
    const tags: Record<string, string> = {};
    for (const t of r.tags ?? []) if (t.name && t.value !== undefined) tags[t.name] = t.value;
    return {
      ...(r.type ? { type: r.type } : {}),
      ...(r.uid ? { uid: r.uid } : {}),
      ...(r.name ? { name: r.name } : {}),
      ...(r.region ? { region: r.region } : {}),
      ...(r.owner?.account?.uid ? { account_uid: r.owner.account.uid } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
    };
  });
  const compliance: Compliance | undefined = f.compliance
    ? {
        ...(f.compliance.control ? { control: f.compliance.control } : {}),
        ...(textItems(f.compliance.standards)[0] ? { standard: textItems(f.compliance.standards)[0] } : {}),
        ...(f.compliance.status ? { status: f.compliance.status } : {}),
      }
    : undefined;
  const references = textItems(f.remediation?.references).filter((r) => AWS_DOCS.test(r));
  const signals = signalsOf(f);
  const vulnerabilities = vulnerabilitiesOf(f);
  const notes = f.compliance?.status_detail ? [f.compliance.status_detail] : [];
  const indicators: Observable[] =
    exposure && f.finding_info?.related_events?.length
      ? [{ name: "Contributing findings", value: String(f.finding_info.related_events.length) }]
      : [];
  return {
    ...FINDING_CLASSES[className],
    class_name: className,
    kind: "security-hub",
    severity_source: {
      ...(f.severity ? { label: f.severity } : {}),
      ...(f.severity_id !== undefined ? { score: f.severity_id } : {}),
      ...(level ? { level } : {}),
    },
    uid,
    event_name: compliance?.control ?? types[0] ?? f.class_name,
    status: f.status,
    time: info.modified_time_dt ?? f.time_dt ?? e.time,
    first_seen: info.first_seen_time_dt ?? info.created_time_dt,
    last_seen: info.last_seen_time_dt,
    title: `Security Hub${exposure ? " exposure" : ""}: ${info.title ?? compliance?.control ?? "finding"}`,
    desc: info.desc,
    cloud: {
      ...(f.cloud?.cloud_partition ? { partition: f.cloud.cloud_partition } : {}),
      account: { uid: accountId, ...(f.cloud?.account?.name ? { name: f.cloud.account.name } : {}) },
      region,
    },
    resources,
    ...(compliance ? { compliance } : {}),
    types,
    evidence: {
      ...(product ? { product } : {}),
      ...(signals.length ? { signals } : {}),
      ...(indicators.length ? { indicators } : {}),
      ...(vulnerabilities.length ? { vulnerabilities } : {}),
      ...(notes.length ? { notes } : {}),
    },
    ...(f.remediation?.desc || references.length
      ? {
          remediation: {
            ...(f.remediation?.desc ? { desc: f.remediation.desc } : {}),
            ...(references.length ? { references } : {}),
          },
        }
      : {}),
    links:
      uid && region && isRegionCode(region)
        ? [{ text: "Open in Security Hub", url: securityHubV2FindingUrl(region, types, uid) }]
        : [],
    dedupe_uid: uid
      ? `security-hub-ocsf|${uid}@${info.modified_time_dt ?? f.time_dt ?? ""}|${f.status ?? ""}`
      : undefined,
    // An exposure finding is Security Hub's own correlation (one per resource); others group by resource.
    correlation_uid:
      exposure && uid
        ? `security-hub-exposure|${uid}`
        : resources[0]?.uid
          ? `resource|${resources[0].uid}`
          : undefined,
    metadata: {
      source: "security-hub-ocsf",
      event_uid: uid,
      event_label: "Security Hub finding",
      event_type: DETAIL_TYPE,
      ...(product ? { product } : {}),
      ...(f.metadata?.uid ? { uid: f.metadata.uid } : {}),
    },
  };
}

/** The hub's notify branch for OCSF findings, from the same settings as ASFF's. */
export function securityHubOcsfNotify(
  filters: Pick<
    NotifyFilters,
    | "securityHubMinSeverity"
    | "securityHubWorkflowStatuses"
    | "securityHubRecordStates"
    | "securityHubFormats"
  >,
) {
  if (!filters.securityHubFormats.includes("OCSF")) return [];
  const labels = Object.keys(OCSF_LABEL);
  const severities = [
    ...labels.slice(labels.indexOf(filters.securityHubMinSeverity)).map((l) => OCSF_LABEL[l]),
    "Fatal",
  ];
  const statuses = [
    ...filters.securityHubWorkflowStatuses,
    ...filters.securityHubRecordStates.filter((s) => s !== "ACTIVE"),
  ].flatMap((s) => (Object.hasOwn(OCSF_STATUS, s) ? [OCSF_STATUS[s]] : []));
  return [
    {
      source: [SOURCE],
      "detail-type": [DETAIL_TYPE],
      detail: {
        findings: {
          severity: severities,
          status: [...new Set(statuses)],
          metadata: { product: { name: [{ "anything-but": DIRECT_PRODUCTS }] } },
        },
      },
    },
  ];
}

export const securityHubOcsf: SourceModule = {
  id: "security-hub-ocsf",
  name: "AWS Security Hub (OCSF findings)",
  kinds: ["security-hub"],
  detects: [
    {
      what: "Security Hub findings in OCSF, including exposure findings (a resource's vulnerabilities, reachability and misconfigurations correlated), at or above the hub's minimum severity",
      from: "Security Hub, every region",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx: MapContext): Draft {
    const e = parseLenient(eventBridgeEvent(object({ findings: list(v.unknown()) })), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.findings"],
    });
    const raw = e.detail?.findings ?? [];
    // Security Hub sends one finding per event; more are read as related findings.
    const drafts = raw.map((f, i) =>
      draftOf(
        parseLenient(findingSchema(), f, {
          problems: ctx.problems,
          prefix: `detail.findings[${i}]`,
          required: i === 0 ? ["finding_info.title", "metadata.uid", "severity", "status"] : [],
        }),
        e,
      ),
    );
    if (!drafts.length) {
      if (!raw.length && e.detail?.findings) ctx.problems.push("detail.findings is empty");
      return draftOf({}, e);
    }
    const [first, ...rest] = drafts;
    return rest.length ? { ...first, related: rest } : first;
  },

  severity: [
    {
      severity: "info",
      when: "a Security Hub OCSF finding that is resolved, suppressed or archived, or a control that passes",
      test: (f) => ocsfNoLongerFailing(f),
    },
    ...(["critical", "high", "medium", "low", "info"] as const).map((level) => ({
      severity: level,
      when: `a Security Hub OCSF finding Security Hub rates ${
        {
          critical: "Critical or Fatal",
          high: "High",
          medium: "Medium (or does not rate)",
          low: "Low",
          info: "Informational",
        }[level]
      }`,
      test: (f: Draft) =>
        f.kind === "security-hub" &&
        f.metadata.source === "security-hub-ocsf" &&
        (f.severity_source?.level === level ||
          (level === "medium" && f.severity_source?.level === undefined)),
    })),
  ],

  forward: [
    {
      name: "securityhub-ocsf-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notify: (filters) => securityHubOcsfNotify(filters),
  // A control that passes again (compliance.status "Pass", OCSF compliance status_id 1:
  // https://schema.ocsf.io/1.6.0/objects/compliance), at whatever severity it carries (usually
  // Informational) and in whatever status, so its incident ends: the ASFF branch's counterpart.
  resolve: (filters) =>
    filters.securityHubFormats.includes("OCSF")
      ? [
          {
            source: [SOURCE],
            "detail-type": [DETAIL_TYPE],
            detail: { findings: { compliance: { status: [PASSING_COMPLIANCE] } } },
          },
        ]
      : [],
  fixtures: [
    "findings/securityhub-v2-ocsf-compliance-s3-public-write-high.json",
    "findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json",
    "findings/securityhub-v2-ocsf-exposure-lambda-critical.json",
  ],
};
