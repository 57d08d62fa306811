// IAM Access Analyzer internal access findings ("Internal Access Finding"): a role or user inside the
// organization (or account) can reach a resource the analyzer watches (the critical resources a
// user chose: S3 buckets, DynamoDB tables, KMS keys...). Event: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html;
// fields: https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_InternalAccessDetails.html.
import * as v from "valibot";
import { accessAnalyzerFindingUrl, isRegionCode, parseArn } from "../links";
import type { Observable } from "../model";
import { FINDING_CLASSES } from "../model";
import { anyObject, eventBridgeEvent, isEventBridge, list, object, parseLenient, text } from "../parse";
import { textItems, analyzerNameOf } from "./fields";
import type { Draft, SourceModule } from "../source";

const DETAIL_TYPE = "Internal Access Finding";
const SOURCE = "aws.access-analyzer";
const MAX_ACTIONS = 10;

function schema() {
  return eventBridgeEvent(
    object({
      version: text(),
      id: text(),
      findingId: text(),
      status: text(),
      resourceType: text(),
      resource: text(),
      createdAt: text(),
      analyzedAt: text(),
      updatedAt: text(),
      accountId: text(),
      region: text(),
      accessType: text(),
      principal: anyObject(),
      principalType: text(),
      principalOwnerAccount: text(),
      action: list(v.unknown()),
      condition: anyObject(),
      sources: list(v.unknown()),
      resourceControlPolicyRestriction: text(),
      serviceControlPolicyRestriction: text(),
    }),
  );
}

/** A write-like action ("s3:PutObject", "kms:Decrypt" is read-like): reaching data to change or delete it. */
const WRITE_ACTION = /:(Put|Delete|Create|Update|Write|Modify|Attach|Detach|Replicate|Restore|\*)/;

export const accessAnalyzerInternal: SourceModule = {
  id: "access-analyzer-internal",
  name: "IAM Access Analyzer internal access",
  kinds: ["internal-access"],
  detects: [
    {
      what: "Roles and users inside the organization that can reach a critical resource (IAM Access Analyzer internal access analyzer)",
      from: "IAM Access Analyzer, every region with an analyzer",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.resource", "detail.status"],
    });
    const d = e.detail ?? {};
    const findingId = d.id ?? d.findingId;
    if (!findingId) ctx.problems.push("detail.id is missing");
    const accountId = d.accountId ?? e.account;
    const region = d.region ?? e.region;
    const arn = parseArn(d.resource);
    const resourceName = arn ? arn.resource.split("/").pop() || arn.resource : d.resource;
    const principals: Observable[] = Object.entries(d.principal ?? {}).flatMap(([k, val]) =>
      (Array.isArray(val) ? val : [val])
        .filter((x) => typeof x === "string")
        .map((x) => ({ name: k, value: x as string })),
    );
    const who = principals[0]?.value;
    const whoName = parseArn(who)?.resource.split("/").pop() ?? who;
    const actions = textItems(d.action);
    const conditions = Object.keys(d.condition ?? {});
    const sources = (d.sources ?? [])
      .map((s) => v.safeParse(v.object({ type: v.string() }), s))
      .flatMap((r) => (r.success ? [r.output.type] : []));
    const analyzerName = analyzerNameOf(e.resources);
    const scope =
      d.accessType === "INTRA_ORG"
        ? "from another account in the organization"
        : d.accessType === "INTRA_ACCOUNT"
          ? "from the same account"
          : "from inside";
    const shown = actions.slice(0, MAX_ACTIONS);
    return {
      ...FINDING_CLASSES.compliance,
      class_name: "compliance",
      kind: "internal-access",
      uid: findingId,
      event_name: d.accessType ?? "InternalAccess",
      status: d.status,
      time: d.updatedAt ?? e.time,
      first_seen: d.createdAt,
      last_seen: d.analyzedAt,
      title: `Access Analyzer: ${resourceName ?? "a resource"} reachable ${scope}${whoName ? ` by ${whoName}` : ""}`,
      desc: `${d.principalType === "IAM_USER" ? "IAM user" : d.principalType === "IAM_ROLE" ? "IAM role" : "A principal"} ${who ?? "(not recorded)"}${d.principalOwnerAccount ? ` in account ${d.principalOwnerAccount}` : ""} can use ${actions.length ? shown.join(", ") : "(actions not recorded)"} on ${d.resource ?? "the resource"}${sources.length ? `, granted by ${sources.join(", ").toLowerCase().replace(/_/g, " ")}` : ""}.`,
      cloud: { ...(arn?.partition ? { partition: arn.partition } : {}), account: { uid: accountId }, region },
      resources: [
        {
          type: d.resourceType,
          uid: d.resource,
          ...(resourceName && resourceName !== d.resource ? { name: resourceName } : {}),
          account_uid: accountId,
        },
      ],
      actor: who ? { uid: who, name: whoName, type: d.principalType } : undefined,
      evidence: {
        principals,
        actions: [
          ...shown,
          ...(actions.length > shown.length ? [`(+${actions.length - shown.length} more)`] : []),
        ],
        conditions,
        indicators: [
          ...(d.accessType ? [{ name: "Access type", value: d.accessType }] : []),
          ...(sources.length ? [{ name: "Granted by", value: sources.join(", ") }] : []),
          ...(d.serviceControlPolicyRestriction && d.serviceControlPolicyRestriction !== "NOT_APPLICABLE"
            ? [{ name: "SCP", value: d.serviceControlPolicyRestriction }]
            : []),
          ...(d.resourceControlPolicyRestriction && d.resourceControlPolicyRestriction !== "NOT_APPLICABLE"
            ? [{ name: "RCP", value: d.resourceControlPolicyRestriction }]
            : []),
        ],
      },
      remediation: {
        desc: "If the principal should not reach this resource, narrow the resource policy or the principal's policies (or add an SCP or RCP); if it should, archive the finding.",
        references: [
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html",
        ],
      },
      links:
        findingId && analyzerName && region && isRegionCode(region)
          ? [
              {
                text: "Open in Access Analyzer",
                url: accessAnalyzerFindingUrl(region, analyzerName, findingId),
              },
            ]
          : [],
      dedupe_uid: findingId
        ? `access-analyzer-internal|${findingId}@${d.updatedAt ?? ""}|${d.status ?? ""}`
        : undefined,
      correlation_uid: d.resource ? `resource|${d.resource}` : undefined,
      metadata: {
        source: "access-analyzer-internal",
        event_uid: findingId,
        event_label: "Access Analyzer finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "info",
      when: "an internal access finding that is archived or resolved",
      test: (f) => f.status === "ARCHIVED" || f.status === "RESOLVED",
    },
    {
      severity: "medium",
      when: "a principal in another account of the organization can change or delete a critical resource",
      test: (f) =>
        f.kind === "internal-access" &&
        f.event_name === "INTRA_ORG" &&
        (f.evidence.actions ?? []).some((a) => WRITE_ACTION.test(a)),
    },
    {
      severity: "low",
      when: "any other internal access to a critical resource",
      test: (f) => f.kind === "internal-access",
    },
  ],

  forward: [
    {
      name: "internal-access-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notify: () => [{ source: [SOURCE], "detail-type": [DETAIL_TYPE], detail: { status: ["ACTIVE"] } }],
  fixtures: ["findings/access-analyzer-internal-access-s3.json"],
};
