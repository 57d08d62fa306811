// IAM Access Analyzer unused access findings ("Unused Access Finding for IAM entities"): an IAM role
// not used, a user's password or access key not used, or permissions not used, for longer than the
// analyzer's tracking period. Event: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html;
// finding types and details: https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_FindingDetails.html.
// Unused access is hygiene, not an attack: rated low to medium, and resolved or archived ones are info.
import * as v from "valibot";
import { accessAnalyzerFindingUrl, consoleBase, isRegionCode, parseArn, partitionOfRegion } from "../links";
import type { Observable, Resource } from "../model";
import { FINDING_CLASSES } from "../model";
import { eventBridgeEvent, isEventBridge, list, object, parseLenient, text } from "../parse";
import { analyzerNameOf } from "./fields";
import type { Draft, SourceModule } from "../source";

const DETAIL_TYPE = "Unused Access Finding for IAM entities";
const SOURCE = "aws.access-analyzer";
/** Unused actions listed on the card; the rest are counted. */
const MAX_ACTIONS = 10;

/** What each finding type means, for the title (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html). */
const WHAT: Readonly<Record<string, string>> = {
  UnusedIAMRole: "IAM role not used",
  UnusedIAMUserAccessKey: "IAM user access key not used",
  UnusedIAMUserPassword: "IAM user password not used",
  UnusedPermission: "permissions granted but not used",
};

/** Credentials that exist but nobody uses: a standing way in for whoever finds them. */
const UNUSED_CREDENTIALS = ["UnusedIAMUserAccessKey", "UnusedIAMUserPassword"];

function schema() {
  const lastAccessed = text();
  return eventBridgeEvent(
    object({
      version: text(),
      findingId: text(),
      id: text(),
      resource: text(),
      resourceType: text(),
      accountId: text(),
      resourceOwnerAccount: text(),
      region: text(),
      findingType: text(),
      status: text(),
      createdAt: text(),
      updatedAt: text(),
      analyzedAt: text(),
      // Present when the event carries the finding's details (the GetFindingV2 union).
      findingDetails: list(
        v.object({
          unusedPermissionDetails: object({
            serviceNamespace: text(),
            lastAccessed,
            actions: list(v.object({ action: text(), lastAccessed: text() })),
          }),
          unusedIamRoleDetails: object({ lastAccessed: text() }),
          unusedIamUserAccessKeyDetails: object({ accessKeyId: text(), lastAccessed: text() }),
          unusedIamUserPasswordDetails: object({ lastAccessed: text() }),
        }),
      ),
    }),
  );
}

/** The IAM console's page of a role or user named by its ARN (IAM is global: us-east-1's console). */
export function iamPrincipalUrl(arn: string): string | undefined {
  const a = parseArn(arn);
  const m = a?.resource.match(/^(role|user)\/(?:.*\/)?([\w+=,.@-]{1,128})$/);
  if (!a || !m) return undefined;
  const region =
    a.partition === "aws-us-gov" ? "us-gov-west-1" : a.partition === "aws-cn" ? "cn-north-1" : "us-east-1";
  return `${consoleBase(region, partitionOfRegion(region))}/iam/home#/${m[1]}s/details/${encodeURIComponent(m[2])}`;
}

// Not named `describe`: the package is built in a mocha process, where a global `describe` exists and
// the closure serializer would take this free variable for that global and leave it out.
/** One sentence for users: what is unused, whose. */
function unusedAccessSummary(
  type: string | undefined,
  resourceType: string | undefined,
  who: string,
): string {
  const principal = `${resourceType === "AWS::IAM::User" ? "IAM user" : resourceType === "AWS::IAM::Role" ? "IAM role" : "principal"} ${who}`;
  const period = "for longer than the analyzer's tracking period";
  switch (type) {
    case "UnusedIAMRole":
      return `${principal} has not been used ${period}.`;
    case "UnusedIAMUserAccessKey":
      return `An access key of ${principal} has not been used ${period}; it still works for whoever holds it.`;
    case "UnusedIAMUserPassword":
      return `The console password of ${principal} has not been used ${period}; it still works for whoever knows it.`;
    case "UnusedPermission":
      return `${principal} has permissions it has not used ${period}.`;
    default:
      return `IAM Access Analyzer reports unused access (${type ?? "type not recorded"}) by ${principal}.`;
  }
}

export const accessAnalyzerUnused: SourceModule = {
  id: "access-analyzer-unused",
  name: "IAM Access Analyzer unused access",
  kinds: ["unused-access"],
  detects: [
    {
      what: "Unused IAM roles, user passwords and access keys, and unused permissions (IAM Access Analyzer unused access analyzer)",
      from: "IAM Access Analyzer, every region with an analyzer",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.resource", "detail.findingType", "detail.status"],
    });
    const d = e.detail ?? {};
    const findingId = d.findingId ?? d.id;
    if (!findingId) ctx.problems.push("detail.findingId is missing");
    const accountId = d.accountId ?? d.resourceOwnerAccount ?? e.account;
    const region = d.region ?? e.region;
    const arn = parseArn(d.resource);
    const principal = arn?.resource.split("/").pop();
    const what =
      (d.findingType && Object.hasOwn(WHAT, d.findingType) ? WHAT[d.findingType] : undefined) ??
      d.findingType ??
      "unused access";
    const analyzerName = analyzerNameOf(e.resources);

    const details = d.findingDetails ?? [];
    const actions: string[] = [];
    const facts: Observable[] = [];
    for (const detail of details) {
      const p = detail.unusedPermissionDetails;
      if (p) {
        for (const a of p.actions ?? []) if (a.action) actions.push(a.action);
        if (!p.actions?.length && p.serviceNamespace) actions.push(`${p.serviceNamespace}:*`);
        if (p.serviceNamespace)
          facts.push({ name: `${p.serviceNamespace} last used`, value: p.lastAccessed ?? "never" });
      }
      if (detail.unusedIamRoleDetails)
        facts.push({ name: "Role last used", value: detail.unusedIamRoleDetails.lastAccessed ?? "never" });
      const key = detail.unusedIamUserAccessKeyDetails;
      if (key)
        facts.push({
          name: `Access key ${key.accessKeyId ?? ""} last used`.replace("  ", " "),
          value: key.lastAccessed ?? "never",
        });
      if (detail.unusedIamUserPasswordDetails)
        facts.push({
          name: "Password last used",
          value: detail.unusedIamUserPasswordDetails.lastAccessed ?? "never",
        });
    }
    const resource: Resource = {
      type: d.resourceType,
      uid: d.resource,
      ...(principal ? { name: principal } : {}),
      account_uid: d.resourceOwnerAccount ?? accountId,
    };
    const links = [
      ...(findingId && analyzerName && region && isRegionCode(region)
        ? [
            {
              text: "Open in Access Analyzer",
              url: accessAnalyzerFindingUrl(region, analyzerName, findingId),
            },
          ]
        : []),
      ...(d.resource && iamPrincipalUrl(d.resource)
        ? [
            {
              text: `Open the ${arn?.resource.startsWith("role/") ? "role" : "user"} in IAM`,
              url: iamPrincipalUrl(d.resource)!,
            },
          ]
        : []),
    ];
    const shownActions = actions.slice(0, MAX_ACTIONS);
    return {
      ...FINDING_CLASSES.compliance,
      class_name: "compliance",
      kind: "unused-access",
      uid: findingId,
      event_name: d.findingType,
      status: d.status,
      time: d.updatedAt ?? e.time,
      first_seen: d.createdAt,
      last_seen: d.analyzedAt,
      title: `Access Analyzer: ${what}${principal ? `: ${principal}` : ""}`,
      desc: unusedAccessSummary(d.findingType, d.resourceType, principal ?? d.resource ?? "(not recorded)"),
      cloud: { ...(arn ? { partition: arn.partition } : {}), account: { uid: accountId }, region },
      resources: [resource],
      types: d.findingType ? [d.findingType] : [],
      evidence: {
        ...(shownActions.length
          ? {
              actions: [
                ...shownActions,
                ...(actions.length > shownActions.length
                  ? [`(+${actions.length - shownActions.length} more)`]
                  : []),
              ],
            }
          : {}),
        ...(facts.length ? { indicators: facts } : {}),
      },
      remediation: {
        desc:
          d.findingType === "UnusedPermission"
            ? "Remove the unused permissions from the principal's policies, or archive the finding if they are needed for rare tasks."
            : "Remove the unused role, password or access key, or archive the finding if it is kept on purpose (break-glass access).",
        references: [
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html",
        ],
      },
      links,
      dedupe_uid: findingId
        ? `access-analyzer-unused|${findingId}@${d.updatedAt ?? ""}|${d.status ?? ""}`
        : undefined,
      correlation_uid: d.resource ? `iam-principal|${d.resource}` : undefined,
      metadata: {
        source: "access-analyzer-unused",
        event_uid: findingId,
        event_label: "Access Analyzer finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "info",
      when: "an unused access finding that is archived or resolved",
      test: (f) => f.status === "ARCHIVED" || f.status === "RESOLVED",
    },
    {
      severity: "medium",
      when: "an IAM user password or access key not used for longer than the tracking period",
      test: (f) => UNUSED_CREDENTIALS.includes(f.event_name ?? ""),
    },
    {
      severity: "low",
      when: "an IAM role or permissions not used for longer than the tracking period",
      test: (f) => f.kind === "unused-access",
    },
  ],

  forward: [
    {
      name: "unused-access-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notify: () => [{ source: [SOURCE], "detail-type": [DETAIL_TYPE], detail: { status: ["ACTIVE"] } }],
  fixtures: [
    "findings/access-analyzer-unused-iam-role.json",
    "findings/access-analyzer-unused-permission.json",
  ],
};
