// Amazon GuardDuty findings as EventBridge delivers them ("GuardDuty Finding"; finding format:
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-format.html). Severity bands
// (Critical 9.0-10.0, High 7.0-8.9, Medium 4.0-6.9, Low 1.0-3.9):
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
import * as v from "valibot";
import { guardDutyFindingUrl, isRegionCode } from "../links";
import type { Actor, Resource, SeverityLevel } from "../model";
import { FINDING_CLASSES } from "../model";
import {
  Json,
  bool,
  eventBridgeEvent,
  isEventBridge,
  list,
  number,
  object,
  parseLenient,
  text,
} from "../parse";
import type { Draft, SourceModule } from "../source";
import { archivedOrResolved, ratedBySource } from "./severityRules";

const DETAIL_TYPE = "GuardDuty Finding";
const SOURCE = "aws.guardduty";

/** GuardDuty's severity name for a numeric severity. */
export function guardDutySeverityName(severity: number | undefined): string {
  if (severity === undefined) return "Unknown";
  if (severity >= 9) return "Critical";
  if (severity >= 7) return "High";
  if (severity >= 4) return "Medium";
  return "Low";
}

const LEVELS: Readonly<Record<string, SeverityLevel>> = {
  Critical: "critical",
  High: "high",
  Medium: "medium",
  Low: "low",
};

function remoteIp() {
  return object({
    ipAddressV4: text(),
    ipAddressV6: text(),
    country: object({ countryName: text() }),
    organization: object({ asnOrg: text() }),
  });
}

function schema() {
  return eventBridgeEvent(
    object({
      id: text(),
      arn: text(),
      type: text(),
      title: text(),
      description: text(),
      accountId: text(),
      region: text(),
      partition: text(),
      severity: number(),
      updatedAt: text(),
      resource: object({
        resourceType: text(),
        instanceDetails: object({
          instanceId: text(),
          tags: list(v.unknown()),
        }),
        accessKeyDetails: object({ userName: text(), accessKeyId: text(), userType: text() }),
        s3BucketDetails: list(v.unknown()),
        eksClusterDetails: object({ name: text() }),
        rdsDbInstanceDetails: object({ dbInstanceIdentifier: text() }),
        lambdaDetails: object({ functionName: text() }),
      }),
      service: object({
        count: number(),
        archived: bool(),
        eventFirstSeen: text(),
        eventLastSeen: text(),
        action: object({
          actionType: text(),
          networkConnectionAction: object({ remoteIpDetails: remoteIp() }),
          awsApiCallAction: object({
            api: text(),
            remoteIpDetails: remoteIp(),
            domainDetails: object({ domain: text() }),
          }),
          kubernetesApiCallAction: object({ remoteIpDetails: remoteIp() }),
          rdsLoginAttemptAction: object({ remoteIpDetails: remoteIp() }),
          portProbeAction: object({ portProbeDetails: list(v.unknown()) }),
          dnsRequestAction: object({ domain: text() }),
        }),
      }),
    }),
  );
}

type Detail = NonNullable<v.InferOutput<ReturnType<typeof schema>>["detail"]>;
type RemoteIp = NonNullable<v.InferOutput<ReturnType<typeof remoteIp>>>;

/** An instance's tags as the finding lists them ([{key, value}]), as a map; undefined when it lists none. */
function instanceTags(tags: unknown[] | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    const tag = t as Json;
    if (tag && typeof tag.key === "string" && typeof tag.value === "string") out[tag.key] = tag.value;
  }
  return tags ? out : undefined;
}

function resourcesOf(r: Detail["resource"]): Resource[] {
  if (!r) return [];
  const type = r.resourceType ?? "unknown resource";
  switch (type) {
    case "Instance": {
      // The instance's tags name it (Name) and, for routes by owner, its owner.
      const tags = instanceTags(r.instanceDetails?.tags);
      const name = tags?.Name;
      return [
        { type, uid: r.instanceDetails?.instanceId, ...(name ? { name } : {}), ...(tags ? { tags } : {}) },
      ];
    }
    case "AccessKey": {
      // The principal the key belongs to is what mute rules name; the key is in `data`.
      const k = r.accessKeyDetails;
      return [
        {
          type,
          uid: k?.userName,
          data: {
            ...(k?.accessKeyId ? { access_key_id: k.accessKeyId } : {}),
            ...(k?.userType ? { user_type: k.userType } : {}),
          },
        },
      ];
    }
    case "S3Bucket": {
      const names = (r.s3BucketDetails ?? [])
        .map((b) => (b && typeof (b as Json).name === "string" ? ((b as Json).name as string) : undefined))
        .filter((n): n is string => !!n && n.trim() !== "");
      return names.length ? names.map((uid) => ({ type, uid })) : [{ type }];
    }
    case "EKSCluster":
      return [{ type, uid: r.eksClusterDetails?.name }];
    case "RDSDBInstance":
      return [{ type, uid: r.rdsDbInstanceDetails?.dbInstanceIdentifier }];
    case "Lambda":
      return [{ type, uid: r.lambdaDetails?.functionName }];
    default:
      return [{ type }];
  }
}

function remoteParty(details: RemoteIp | undefined): Actor | undefined {
  if (!details) return undefined;
  const ip = details.ipAddressV4 ?? details.ipAddressV6;
  if (!ip) return undefined;
  const country = details.country?.countryName;
  return {
    ip,
    ...(country ? { location: { country } } : {}),
    ...(details.organization?.asnOrg ? { org: details.organization.asnOrg } : {}),
  };
}

/** The remote party: its IP (with country and organization), else a domain, the API, the action type. */
function actorOf(action: NonNullable<Detail["service"]>["action"]): Actor | undefined {
  if (!action) return undefined;
  const probe = action.portProbeAction?.portProbeDetails;
  const probeDetails =
    Array.isArray(probe) && probe.length
      ? v.safeParse(v.object({ remoteIpDetails: remoteIp() }), probe[0])
      : undefined;
  const candidates = [
    action.networkConnectionAction?.remoteIpDetails,
    action.awsApiCallAction?.remoteIpDetails,
    action.kubernetesApiCallAction?.remoteIpDetails,
    action.rdsLoginAttemptAction?.remoteIpDetails,
    probeDetails?.success ? probeDetails.output.remoteIpDetails : undefined,
  ];
  // The first remote-IP block present decides, as GuardDuty lists one per action type.
  const first = candidates.find((c) => c !== undefined);
  const byIp = remoteParty(first);
  if (byIp) return byIp;
  const domain = action.dnsRequestAction?.domain ?? action.awsApiCallAction?.domainDetails?.domain;
  if (domain) return { domain };
  if (action.awsApiCallAction?.api) return { operation: action.awsApiCallAction.api };
  return action.actionType ? { action_type: action.actionType } : {};
}

export const guardDuty: SourceModule = {
  id: "guardduty",
  name: "Amazon GuardDuty",
  kinds: ["guardduty"],
  detects: [
    { what: "GuardDuty findings at or above the hub's minimum severity", from: "GuardDuty, every region" },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.type", "detail.id"],
    });
    const d: Detail = e.detail ?? {};
    const type = d.type ?? "unknown finding type";
    const title = d.title ?? type;
    const accountId = d.accountId ?? e.account;
    const region = d.region ?? e.region;
    const name = guardDutySeverityName(d.severity);
    const archived = d.service?.archived === true;
    return {
      ...FINDING_CLASSES.detection,
      class_name: "detection",
      kind: "guardduty",
      severity_source: {
        label: name,
        ...(d.severity !== undefined ? { score: d.severity } : {}),
        ...(Object.hasOwn(LEVELS, name) ? { level: LEVELS[name] } : {}),
      },
      uid: d.id,
      event_name: d.type,
      status: archived ? "ARCHIVED" : undefined,
      time: d.updatedAt ?? e.time,
      first_seen: d.service?.eventFirstSeen,
      last_seen: d.service?.eventLastSeen,
      count: d.service?.count,
      title: `GuardDuty: ${title}`,
      desc: d.description && d.description !== title ? d.description : undefined,
      cloud: { partition: d.partition, account: { uid: accountId }, region },
      resources: resourcesOf(d.resource),
      actor: actorOf(d.service?.action),
      types: d.type ? [d.type] : [],
      evidence: {},
      links:
        d.id && region && isRegionCode(region)
          ? [{ text: "Open in GuardDuty", url: guardDutyFindingUrl(region, d.id) }]
          : [],
      dedupe_uid: d.id ? `guardduty|${d.id}@${d.updatedAt ?? ""}` : undefined,
      metadata: {
        source: "guardduty",
        event_uid: d.id,
        event_label: "GuardDuty finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    archivedOrResolved("a GuardDuty finding"),
    ...ratedBySource("a GuardDuty finding", {
      critical: "9.0-10.0",
      high: "7.0-8.9",
      medium: "4.0-6.9",
      low: "1.0-3.9",
    }),
  ],

  forward: [
    {
      name: "guardduty-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notify: (filters) => [
    {
      source: [SOURCE],
      "detail-type": [DETAIL_TYPE],
      detail: { severity: [{ numeric: [">=", filters.guardDutyMinSeverity] }] },
    },
  ],
  fixtures: [
    "findings/guardduty-ec2-ssh-bruteforce-seoul.json",
    "findings/guardduty-iam-anomalous-behavior-high.json",
    "findings/guardduty-recon-low-severity-seoul.json",
  ],
};
