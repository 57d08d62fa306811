// AWS Security Hub CSPM "Findings - Imported" events: one or more findings in the AWS Security
// Finding Format (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html,
// https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html).
// One event carries up to 100 findings: the finding is the most severe one, the rest are related.
import * as v from "valibot";
import { isRegionCode, securityHubFindingUrl } from "../links";
import type { Link, SeverityLevel } from "../model";
import { FINDING_CLASSES } from "../model";
import {
  anyObject,
  eventBridgeEvent,
  isEventBridge,
  isObject,
  list,
  number,
  object,
  own,
  parseLenient,
  text,
} from "../parse";
import { SECURITY_HUB_SEVERITY_LABELS } from "../notifyFilters";
import type { Draft, SourceModule } from "../source";
import { archivedOrResolved, ratedBySource } from "./severityRules";

const DETAIL_TYPE = "Security Hub Findings - Imported";
const SOURCE = "aws.securityhub";

const LEVELS: Readonly<Record<string, SeverityLevel>> = {
  CRITICAL: "critical",
  HIGH: "high",
  MEDIUM: "medium",
  LOW: "low",
  INFORMATIONAL: "info",
};

function findingSchema() {
  return v.object({
    Id: text(),
    Title: text(),
    Description: text(),
    AwsAccountId: text(),
    Region: text(),
    GeneratorId: text(),
    ProductName: text(),
    ProductArn: text(),
    ProductFields: anyObject(),
    UpdatedAt: text(),
    FirstObservedAt: text(),
    LastObservedAt: text(),
    Types: list(v.unknown()),
    Severity: object({ Label: text(), Normalized: number() }),
    Compliance: object({ Status: text(), SecurityControlId: text() }),
    Workflow: object({ Status: text() }),
    WorkflowState: text(),
    RecordState: text(),
    Resources: list(v.unknown()),
    Remediation: object({ Recommendation: object({ Url: text(), Text: text() }) }),
  });
}

function resourceSchema() {
  return v.object({ Type: text(), Id: text(), Region: text(), Partition: text(), Tags: anyObject() });
}

const field = (fields: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = fields?.[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
};

function mapFinding(
  raw: unknown,
  index: number,
  event: { account?: string; region?: string; time?: string; id?: string },
  problems: string[],
): Draft {
  const label = `detail.findings[${index}]`;
  const f = parseLenient(findingSchema(), raw, { problems, prefix: label, required: ["Title"] });
  const severityLabel = f.Severity?.Label;
  const control = f.Compliance?.SecurityControlId ?? field(f.ProductFields, "ControlId") ?? f.GeneratorId;
  const product = f.ProductName ?? field(f.ProductFields, "aws/securityhub/ProductName") ?? f.ProductArn;
  const links: Link[] = [];
  if (f.Id && f.Region && isRegionCode(f.Region))
    links.push({ text: "Open in Security Hub", url: securityHubFindingUrl(f.Region, f.Id) });
  const remediationUrl = f.Remediation?.Recommendation?.Url;
  if (remediationUrl && /^https:\/\//.test(remediationUrl))
    links.push({ text: "Remediation", url: remediationUrl });
  const resources = (f.Resources ?? [])
    .filter(isObject)
    .map((r) => parseLenient(resourceSchema(), r, { problems: [] }))
    .map((r) => ({
      ...(r.Id ? { uid: r.Id } : {}),
      ...(r.Type ? { type: r.Type } : {}),
      ...(r.Region ? { region: r.Region } : {}),
      ...(r.Tags
        ? {
            tags: Object.fromEntries(
              Object.entries(r.Tags).filter((e): e is [string, string] => typeof e[1] === "string"),
            ),
          }
        : {}),
    }));
  const status = f.Workflow?.Status ?? f.WorkflowState;
  return {
    ...FINDING_CLASSES.compliance,
    class_name: "compliance",
    kind: "security-hub",
    severity_source: {
      ...(severityLabel ? { label: severityLabel } : {}),
      ...(f.Severity?.Normalized !== undefined ? { score: f.Severity.Normalized } : {}),
      ...(own(LEVELS, severityLabel) ? { level: LEVELS[severityLabel!] } : {}),
    },
    uid: f.Id,
    event_name: control,
    status: f.Workflow?.Status,
    time: f.UpdatedAt ?? event.time,
    first_seen: f.FirstObservedAt,
    last_seen: f.LastObservedAt,
    title: f.Title ?? "untitled finding",
    desc: f.Description,
    cloud: { account: { uid: f.AwsAccountId ?? event.account }, region: f.Region ?? event.region },
    resources,
    compliance: {
      ...(control ? { control } : {}),
      ...(f.Compliance?.Status ? { status: f.Compliance.Status } : {}),
    },
    types: (f.Types ?? []).filter((t): t is string => typeof t === "string"),
    evidence: {
      ...(product ? { product } : {}),
      workflow: { ...(status ? { status } : {}), ...(f.RecordState ? { record_state: f.RecordState } : {}) },
    },
    ...(remediationUrl || f.Remediation?.Recommendation?.Text
      ? {
          remediation: {
            ...(f.Remediation?.Recommendation?.Text ? { desc: f.Remediation.Recommendation.Text } : {}),
            ...(remediationUrl ? { references: [remediationUrl] } : {}),
          },
        }
      : {}),
    links,
    metadata: {
      source: "securityhub",
      event_uid: event.id,
      event_label: "EventBridge event",
      event_type: DETAIL_TYPE,
      ...(product ? { product } : {}),
      ...(f.ProductArn ? { product_uid: f.ProductArn } : {}),
    },
  };
}

const RANK = ["critical", "high", "medium", "low", "info"];
const rank = (d: Draft) => {
  const level = d.severity_source?.level;
  return level === undefined ? RANK.length : RANK.indexOf(level);
};

export const securityHub: SourceModule = {
  id: "securityhub",
  name: "AWS Security Hub CSPM (ASFF findings)",
  kinds: ["security-hub"],
  detects: [
    {
      what: "Security Hub CSPM findings at or above the hub's minimum severity, in the workflow and record states it posts",
      from: "Security Hub, every region",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(eventBridgeEvent(object({ findings: list(v.unknown()) })), payload, {
      problems: ctx.problems,
      required: ["detail"],
    });
    const raw = e.detail?.findings;
    if (!Array.isArray(raw)) ctx.problems.push("detail.findings is missing or not a list");
    const event = { account: e.account, region: e.region, time: e.time, id: e.id };
    const all = (raw ?? [])
      .map((f, i) => (isObject(f) ? mapFinding(f, i, event, ctx.problems) : undefined))
      .filter((f): f is Draft => !!f);
    if (!all.length)
      return {
        ...FINDING_CLASSES.compliance,
        class_name: "compliance",
        kind: "security-hub",
        title: "event without findings",
        cloud: { account: { uid: e.account }, region: e.region },
        resources: [],
        evidence: {},
        links: [],
        metadata: {
          source: "securityhub",
          event_uid: e.id,
          event_label: "EventBridge event",
          event_type: DETAIL_TYPE,
        },
      };
    // The most severe finding leads (the first of equals); the others follow in the event's order.
    const lead = all.reduce((best, f) => (rank(f) < rank(best) ? f : best), all[0]);
    const ids = all.map((f) => `${f.uid ?? "?"}@${f.time ?? ""}`);
    return {
      ...lead,
      // Security Hub re-imports a finding on every update: the same ids at the same UpdatedAt are one post.
      dedupe_uid: all.every((f) => f.uid) ? `securityhub|${ids.sort().join(",")}` : undefined,
      ...(all.length > 1 ? { related: all.filter((f) => f !== lead) } : {}),
    };
  },

  severity: [
    archivedOrResolved("a Security Hub finding"),
    ...ratedBySource("a Security Hub finding", {
      critical: "CRITICAL",
      high: "HIGH",
      medium: "MEDIUM",
      low: "LOW",
      info: "INFORMATIONAL",
    }),
  ],
  forward: [
    {
      name: "securityhub-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  // Posted unless the hub takes Security Hub's OCSF format only (findings.securityHubFormats).
  notify: (filters) => [
    ...(filters.securityHubFormats.includes("ASFF")
      ? [
          {
            source: [SOURCE],
            "detail-type": [DETAIL_TYPE],
            detail: {
              findings: {
                Severity: {
                  Label: SECURITY_HUB_SEVERITY_LABELS.slice(
                    SECURITY_HUB_SEVERITY_LABELS.indexOf(filters.securityHubMinSeverity),
                  ),
                },
                Workflow: { Status: [...filters.securityHubWorkflowStatuses] },
                RecordState: [...filters.securityHubRecordStates],
              },
            },
          },
        ]
      : []),
  ],
  // A control that passes again (Compliance.Status PASSED; Security Hub then sets Workflow.Status
  // RESOLVED: https://docs.aws.amazon.com/securityhub/latest/userguide/finding-workflow-status.html)
  // at whatever severity it carries (usually INFORMATIONAL), so its incident ends.
  resolve: (filters) =>
    filters.securityHubFormats.includes("ASFF")
      ? [
          {
            source: [SOURCE],
            "detail-type": [DETAIL_TYPE],
            detail: { findings: { Compliance: { Status: ["PASSED"] } } },
          },
        ]
      : [],
  fixtures: [
    "findings/securityhub-imported-ec2-19-critical.json",
    "findings/securityhub-imported-ec2-19-resolved-archived.json",
  ],
};
