// IAM Access Analyzer external-access findings ("Access Analyzer Finding": a resource shared outside
// the zone of trust, https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html).
import * as v from "valibot";
import { accessAnalyzerFindingUrl, isRegionCode, parseArn } from "../links";
import type { Observable } from "../model";
import { FINDING_CLASSES } from "../model";
import { anyObject, bool, eventBridgeEvent, isEventBridge, list, parseLenient, text } from "../parse";
import type { Draft, EventPattern, SourceModule } from "../source";
import { archivedOrResolved } from "./severityRules";

const DETAIL_TYPE = "Access Analyzer Finding";
const SOURCE = "aws.access-analyzer";

/** Every spoke region: the findings of the region's analyzers (the hub's organization analyzer's too). */
export const ACCESS_ANALYZER_FINDINGS: EventPattern = { source: [SOURCE], "detail-type": [DETAIL_TYPE] };
/** The spoke rule's short name: in the hub's own account the stack narrows its pattern (OrganizationFindings). */
export const ACCESS_ANALYZER_RULE = "access-analyzer-findings";

function schema() {
  return eventBridgeEvent(
    v.optional(
      v.object(
        {
          id: text(),
          resource: text(),
          resourceType: text(),
          status: text(),
          accountId: text(),
          region: text(),
          isPublic: bool(),
          action: list(v.unknown()),
          condition: anyObject(),
          principal: anyObject(),
          analyzedAt: text(),
          updatedAt: text(),
        },
        "an object",
      ),
    ),
  );
}

/**
 * The principal map as name/value pairs ("AWS": "*" is anyone). A value that is not a string or a
 * number is a named problem, not "[object Object]" on the alert.
 */
function principals(principal: Record<string, unknown> | undefined, problems: string[]): Observable[] {
  const out: Observable[] = [];
  for (const [name, value] of Object.entries(principal ?? {}))
    for (const x of Array.isArray(value) ? value : [value]) {
      if (typeof x === "string" || typeof x === "number") out.push({ name, value: String(x) });
      else
        problems.push(
          `detail.principal.${name} holds a ${x === null ? "null" : typeof x}, not an account or ARN`,
        );
    }
  return out;
}

export const accessAnalyzer: SourceModule = {
  id: "access-analyzer",
  name: "IAM Access Analyzer (external access)",
  kinds: ["access-analyzer"],
  detects: [
    {
      what: "Resources shared outside the account or organization, or public",
      from: "IAM Access Analyzer, every region",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.id", "detail.resource"],
    });
    const d = e.detail ?? {};
    const accountId = d.accountId ?? e.account;
    const region = d.region ?? e.region;
    const resourceType = d.resourceType ?? "resource";
    const isPublic = d.isPublic === true;
    const analyzerArn = (e.resources ?? []).find((r): r is string => typeof r === "string");
    const analyzer = analyzerArn ? parseArn(analyzerArn)?.resource.replace(/^analyzer\//, "") : undefined;
    return {
      ...FINDING_CLASSES.detection,
      class_name: "detection",
      kind: "access-analyzer",
      uid: d.id,
      event_name: d.resourceType,
      status: d.status,
      time: d.updatedAt ?? d.analyzedAt ?? e.time,
      last_seen: d.analyzedAt ?? d.updatedAt,
      title: `Access Analyzer: ${resourceType} ${isPublic ? "public" : "shared externally"}`,
      cloud: { account: { uid: accountId }, region },
      resources: d.resource
        ? [
            {
              uid: d.resource,
              type: resourceType,
              ...(d.resource.startsWith("arn:") ? { uid_alt: d.resource } : {}),
            },
          ]
        : [],
      evidence: {
        principals: principals(d.principal, ctx.problems),
        actions: (d.action ?? []).filter((a): a is string => typeof a === "string"),
        conditions: Object.keys(d.condition ?? {}),
        public: isPublic,
      },
      links:
        d.id && analyzer && region && isRegionCode(region)
          ? [{ text: "Open in Access Analyzer", url: accessAnalyzerFindingUrl(region, analyzer, d.id) }]
          : [],
      dedupe_uid: d.id ? `access-analyzer|${d.id}@${d.updatedAt ?? ""}|${d.status ?? ""}` : undefined,
      metadata: {
        source: "access-analyzer",
        event_uid: d.id,
        event_label: "Access Analyzer finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    archivedOrResolved("an Access Analyzer finding"),
    {
      severity: "high",
      when: "an Access Analyzer finding of public access",
      test: (f) => !!f.evidence.public,
    },
    {
      severity: "medium",
      when: "an Access Analyzer finding of access from outside the zone of trust",
      test: () => true,
    },
  ],
  forward: [{ name: ACCESS_ANALYZER_RULE, regions: "every", pattern: () => ACCESS_ANALYZER_FINDINGS }],
  notify: () => [{ source: [SOURCE], "detail-type": [DETAIL_TYPE], detail: { status: ["ACTIVE"] } }],
  fixtures: ["findings/access-analyzer-role-cross-account.json", "findings/access-analyzer-s3-public.json"],
};
