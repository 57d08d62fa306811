// "AWS API Call via CloudTrail" events the spokes forward: IAM and EC2 security-group changes, the
// CIS monitoring controls' calls (trail, Config, KMS, S3 policy, network, Organizations), root
// activity and (opt-in) denied calls
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// The CIS controls are EventBridge rules on CloudTrail events instead of CloudWatch Logs metric
// filters: no log group or alarm per control, and the event itself (actor, resource, parameters)
// reaches Slack instead of a metric count.
import * as v from "valibot";
import {
  CIS_CHANGE_CONTROLS,
  CIS_IAM_POLICY_CHANGES,
  CIS_ORGANIZATIONS_CONTROL,
  CIS_ROOT_USAGE,
  CIS_SECURITY_GROUP_CHANGES,
  CIS_UNAUTHORIZED_CALLS,
  IAM_POLICY_EVENT_NAMES,
  cisControlOf,
} from "../../../shared/cisControls";
import { cloudTrailEventUrl, isRegionCode, parseArn, partitionOfRegion } from "../../links";
import type { ControlRef, EventKind, Evidence, Observable } from "../../model";
import { FINDING_CLASSES } from "../../model";
import {
  Json,
  eventBridgeEvent,
  isEventBridge,
  isObject,
  list,
  object,
  parseLenient,
  text,
} from "../../parse";
import type { Draft, EventPattern, SourceModule } from "../../source";
import { iamPrincipalResource } from "./iamPrincipals";
import { actorOf, userIdentitySchema } from "./identity";
import { SECURITY_GROUP_EVENTS, securityGroupChange } from "./securityGroups";

const DETAIL_TYPE = "AWS API Call via CloudTrail";

/** Security-group changes the spokes forward (CIS 4.10 also watches groups created and deleted). */
export const FORWARDED_SECURITY_GROUP_EVENTS = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  "CreateSecurityGroup",
  "DeleteSecurityGroup",
];

/** Event names that destroy, detach or switch something off. */
export const DESTRUCTIVE_NAME = /^(Delete|Detach|Revoke|Remove|Disable|Stop)/;

/** Error codes of denied calls, as the CIS unauthorized-API-calls filter matches them. */
export function isUnauthorizedError(errorCode: string | undefined): boolean {
  return !!errorCode && (/UnauthorizedOperation$/.test(errorCode) || errorCode.startsWith("AccessDenied"));
}

interface CallFacts {
  identityType?: string;
  invokedBy?: string;
  errorCode?: string;
}

export function cloudTrailKind(
  eventSource: string | undefined,
  eventName: string | undefined,
  call: CallFacts = {},
): EventKind {
  if (eventSource === "iam.amazonaws.com") return "iam";
  if (eventSource === "ec2.amazonaws.com" && eventName && SECURITY_GROUP_EVENTS.includes(eventName))
    return "security-group";
  const control = cisControlOf(eventSource, eventName);
  if (control) return control.kind;
  if (isUnauthorizedError(call.errorCode)) return "unauthorized-call";
  if (call.identityType === "Root" && !call.invokedBy) return "root-usage";
  return "other";
}

/** The CIS monitoring controls a call falls under. */
function controlsOf(
  eventSource: string | undefined,
  eventName: string | undefined,
  call: CallFacts,
): ControlRef[] {
  const out: ControlRef[] = [];
  if (eventSource === "iam.amazonaws.com" && eventName && IAM_POLICY_EVENT_NAMES.includes(eventName))
    out.push(CIS_IAM_POLICY_CHANGES);
  else if (eventSource === "ec2.amazonaws.com" && eventName && SECURITY_GROUP_EVENTS.includes(eventName))
    out.push(CIS_SECURITY_GROUP_CHANGES);
  const control = cisControlOf(eventSource, eventName);
  if (control) out.push({ cis: control.cis, securityHub: control.securityHub, title: control.title });
  if (isUnauthorizedError(call.errorCode)) out.push(CIS_UNAUTHORIZED_CALLS);
  if (call.identityType === "Root" && !call.invokedBy) out.push(CIS_ROOT_USAGE);
  return out;
}

const IAM_TARGET_KEYS = [
  "userName",
  "roleName",
  "groupName",
  "policyArn",
  "policyName",
  "instanceProfileName",
  "accessKeyId",
  "openIDConnectProviderArn",
  "sAMLProviderArn",
];

/** What the CIS-monitored calls act on (trail, key, bucket, recorder, network object, policy, account). */
const CHANGE_TARGET_KEYS = [
  "name",
  "trailName",
  "keyId",
  "bucketName",
  "configurationRecorderName",
  "deliveryChannelName",
  "networkAclId",
  "associationId",
  "internetGatewayId",
  "customerGatewayId",
  "routeTableId",
  "vpcPeeringConnectionId",
  "vpcId",
  "policyId",
  "organizationalUnitId",
  "accountId",
  "targetId",
];

function targetOf(params: Json | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = params?.[key];
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

const MAX_PARAM_LINES = 15;
const MAX_VALUE_CHARS = 200;

/** Scalar leaves of request parameters as path/value pairs (never an object dump), bounded. */
export function parameterItems(params: Json): { items: Observable[]; more: number } {
  const lines: Observable[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      const text = String(value).replace(/\s+/g, " ");
      lines.push({
        name: path,
        value: text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) + "…" : text,
      });
      return;
    }
    const listed = Array.isArray(value)
      ? value
      : isObject(value) && Array.isArray(value.items) && Object.keys(value).length === 1
        ? value.items
        : undefined;
    if (listed) {
      if (listed.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) {
        if (listed.length)
          lines.push({ name: path, value: listed.map(String).join(", "), values: listed.map(String) });
      } else if (depth >= 3) {
        lines.push({ name: path, value: `${listed.length} item(s)`, counted: true });
      } else {
        listed.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
      }
      return;
    }
    if (isObject(value)) {
      if (depth >= 3) {
        lines.push({ name: path, value: `${Object.keys(value).length} field(s)`, counted: true });
        return;
      }
      for (const [k, child] of Object.entries(value)) walk(child, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(params, "", 0);
  return lines.length > MAX_PARAM_LINES
    ? { items: lines.slice(0, MAX_PARAM_LINES), more: lines.length - MAX_PARAM_LINES }
    : { items: lines, more: 0 };
}

function schema() {
  return eventBridgeEvent(
    object({
      eventName: text(),
      eventSource: text(),
      awsRegion: text(),
      eventID: text(),
      eventTime: text(),
      recipientAccountId: text(),
      sourceIPAddress: text(),
      userAgent: text(),
      errorCode: text(),
      errorMessage: text(),
      userIdentity: userIdentitySchema(),
      requestParameters: v.optional(v.nullable(v.record(v.string(), v.unknown(), "an object"))),
      resources: list(v.unknown()),
    }),
  );
}

const CLOUDTRAIL_EVENT_URL = (region: string | undefined, eventId: string | undefined) =>
  eventId && region && isRegionCode(region)
    ? [{ text: "Open in CloudTrail", url: cloudTrailEventUrl(region, eventId) }]
    : [];

export const cloudTrail: SourceModule = {
  id: "cloudtrail",
  name: "AWS CloudTrail management events",
  kinds: [
    "iam",
    "security-group",
    "audit-logging",
    "kms",
    "s3-policy",
    "network",
    "organizations",
    "unauthorized-call",
    "root-usage",
  ],
  detects: [
    { what: "Security-group changes (CIS 4.10)", from: "CloudTrail, every region", rules: ["sg-changes"] },
    {
      what: "IAM changes (CIS 4.4 names the policy calls)",
      from: "CloudTrail, us-east-1",
      rules: ["iam-changes"],
    },
    {
      what: "CloudTrail, Config, KMS, S3 bucket policy and network changes (CIS 4.5, 4.7-4.9, 4.11-4.14)",
      from: "CloudTrail, every region",
      rules: ["cis-changes"],
    },
    {
      what: "AWS Organizations changes (CIS 4.15)",
      from: "CloudTrail, us-east-1",
      rules: ["organizations-changes"],
    },
    { what: "Root user activity (CIS 4.3)", from: "CloudTrail, every region", rules: ["root-activity"] },
    {
      what: "Denied API calls (CIS 4.1; opt-in `forwardUnauthorizedCalls`)",
      from: "CloudTrail, every region",
      rules: ["unauthorized-calls"],
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE),

  map(payload, ctx): Draft {
    const { problems } = ctx;
    const e = parseLenient(schema(), payload, {
      problems,
      required: [
        "detail",
        "detail.eventName",
        "detail.eventSource",
        "detail.eventID",
        "detail.userIdentity.type",
      ],
    });
    const d = e.detail ?? {};
    const region = d.awsRegion ?? e.region;
    if (!region) problems.push("detail.awsRegion is missing");
    const eventName = d.eventName ?? "unknown API call";
    const accountId = d.recipientAccountId ?? e.account ?? d.userIdentity?.accountId;
    const call: CallFacts = {
      identityType: d.userIdentity?.type,
      invokedBy: d.userIdentity?.invokedBy,
      errorCode: d.errorCode,
    };
    const kind = cloudTrailKind(d.eventSource, d.eventName, call);
    const params = d.requestParameters ?? undefined;
    let evidence: Evidence;
    let target: string | undefined;
    let groupAdded: ReturnType<typeof securityGroupChange>["added"] = [];
    if (kind === "security-group") {
      const change = securityGroupChange(eventName, params, problems, ctx.world);
      target = change.groupId;
      groupAdded = change.added;
      evidence = change.evidence;
    } else {
      target = targetOf(params, kind === "iam" ? IAM_TARGET_KEYS : CHANGE_TARGET_KEYS);
      evidence = {};
    }
    // A role or user by name: recorded with its ARN in the event's account, so its owner can be read.
    const principal =
      kind === "iam"
        ? iamPrincipalResource(
            d.eventName,
            params,
            accountId,
            parseArn(d.userIdentity?.arn)?.partition ??
              (region && isRegionCode(region) ? partitionOfRegion(region) : undefined),
          )
        : undefined;
    if (principal) target = principal.uid;
    const hasRules =
      (evidence.rules?.length ?? 0) + (evidence.rule_uids?.length ?? 0) > 0 || !!evidence.new_group;
    if (params && !hasRules) evidence.parameters = parameterItems(params);
    const arns = (d.resources ?? [])
      .map((r) => (isObject(r) && typeof r.ARN === "string" && r.ARN.trim() !== "" ? r.ARN : undefined))
      .filter((a): a is string => a !== undefined);
    const arn = arns[0] ?? (target?.startsWith("arn:") ? target : undefined);
    const service = d.eventSource?.replace(/\.amazonaws\.com$/, "").toUpperCase() ?? "AWS";
    const canAct =
      kind === "security-group" && !d.errorCode && target && accountId && region && isRegionCode(region);
    return {
      ...FINDING_CLASSES.api_activity,
      class_name: "api_activity",
      kind,
      uid: d.eventID,
      event_name: d.eventName,
      time: d.eventTime ?? e.time,
      title: `${service} ${eventName}${target ? ` on ${target}` : ""}${d.errorCode ? ` (failed: ${d.errorCode})` : ""}`,
      cloud: { account: { uid: accountId }, region },
      // What the call acted on: the group, the IAM user/role/policy, the trail, key, bucket...
      resources: principal
        ? [{ ...(arn ? { uid_alt: arn } : {}), ...principal }]
        : target || arn
          ? [{ ...(target ? { uid: target } : {}), ...(arn ? { uid_alt: arn } : {}) }]
          : [],
      actor: {
        ...actorOf(d.userIdentity),
        ...(d.sourceIPAddress ? { ip: d.sourceIPAddress } : {}),
        ...(d.userAgent ? { user_agent: d.userAgent } : {}),
      },
      api: {
        operation: eventName,
        ...(d.eventSource ? { service: d.eventSource } : {}),
        ...(d.errorCode || d.errorMessage
          ? { response: { error: d.errorCode, message: d.errorMessage } }
          : {}),
      },
      controls: controlsOf(d.eventSource, d.eventName, call),
      evidence,
      links: CLOUDTRAIL_EVENT_URL(region, d.eventID),
      ...(canAct ? { actions: { security_group: { uid: target!, added: groupAdded } } } : {}),
      dedupe_uid: d.eventID ? `cloudtrail|${d.eventID}` : undefined,
      metadata: {
        source: "cloudtrail",
        event_uid: d.eventID,
        event_label: "CloudTrail event",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "critical",
      when: "the root user acted (CIS 4.3; not a service acting for it)",
      test: (f) => f.actor?.type === "Root" && !f.actor.invoked_by,
    },
    {
      severity: "low",
      when: "a CloudTrail call that failed (errorCode set: nothing changed)",
      test: (f) => !!f.api?.response?.error,
    },
    {
      severity: "critical",
      when: "a security-group change that opens SSH (port 22) to the world (see worldPrefixes)",
      test: (f) => f.kind === "security-group" && !!f.evidence.world_ssh,
    },
    {
      severity: "high",
      when: "a security-group change that opens any other port to the world",
      test: (f) => f.kind === "security-group" && !!f.evidence.world_ingress,
    },
    { severity: "high", when: "any IAM change", test: (f) => f.kind === "iam" },
    {
      severity: "high",
      when: "CloudTrail or Config logging changed or stopped (CIS 4.5, 4.9)",
      test: (f) => f.kind === "audit-logging",
    },
    {
      severity: "high",
      when: "a KMS key disabled or scheduled for deletion (CIS 4.7)",
      test: (f) => f.kind === "kms",
    },
    { severity: "high", when: "an S3 bucket policy changed (CIS 4.8)", test: (f) => f.kind === "s3-policy" },
    {
      severity: "high",
      when: "an AWS Organizations change (CIS 4.15)",
      test: (f) => f.kind === "organizations",
    },
    {
      severity: "medium",
      when: "a network ACL, gateway, route table or VPC change (CIS 4.11-4.14)",
      test: (f) => f.kind === "network",
    },
    {
      severity: "medium",
      when: "a security-group change that deletes or revokes",
      test: (f) => f.kind === "security-group" && DESTRUCTIVE_NAME.test(f.event_name ?? ""),
    },
    { severity: "medium", when: "any other security-group change", test: (f) => f.kind === "security-group" },
  ],

  forward: [
    {
      name: "sg-changes",
      regions: "every",
      pattern: () => ({
        source: ["aws.ec2"],
        "detail-type": [DETAIL_TYPE],
        detail: { eventSource: ["ec2.amazonaws.com"], eventName: FORWARDED_SECURITY_GROUP_EVENTS },
      }),
    },
    {
      name: "iam-changes",
      regions: "global",
      pattern: () => ({
        source: ["aws.iam"],
        "detail-type": [DETAIL_TYPE],
        detail: { eventSource: ["iam.amazonaws.com"], readOnly: [false] },
      }),
    },
    { name: "cis-changes", regions: "every", pattern: () => cisChanges() },
    { name: "root-activity", regions: "every", pattern: () => rootUsage() },
    {
      name: "organizations-changes",
      regions: "global",
      pattern: () => ({
        source: [CIS_ORGANIZATIONS_CONTROL.source],
        "detail-type": [DETAIL_TYPE],
        detail: {
          eventSource: [CIS_ORGANIZATIONS_CONTROL.eventSource],
          eventName: CIS_ORGANIZATIONS_CONTROL.eventNames,
        },
      }),
    },
    {
      name: "unauthorized-calls",
      regions: "every",
      pattern: (spoke) => (spoke.forwardUnauthorizedCalls ? unauthorizedCalls() : undefined),
    },
  ],
  // Every service the rules above forward changes of is notified whole (the spokes chose the calls).
  notifyAll: [
    ...new Set([
      "aws.ec2",
      "aws.iam",
      ...CIS_CHANGE_CONTROLS.map((c) => c.source),
      CIS_ORGANIZATIONS_CONTROL.source,
    ]),
  ],
  // Root activity and denied calls arrive from any service (the spokes' rules choose them).
  notify: () => [
    { "detail-type": [DETAIL_TYPE], detail: { userIdentity: { type: ["Root"] } } },
    { "detail-type": [DETAIL_TYPE], detail: { errorCode: [{ exists: true }] } },
  ],
  fixtures: [
    "eventbridge/cloudtrail-iam-attachrolepolicy-awsservice.json",
    "eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json",
    "eventbridge/cloudtrail-iam-createuser-root.json",
    "eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json",
    "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json",
    "eventbridge/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json",
    "eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json",
    "cis/cloudtrail-stoplogging-tokyo.json",
    "cis/kms-disable-key.json",
    "cis/organizations-attach-policy.json",
    "cis/root-s3-create-bucket-tokyo.json",
    "cis/unauthorized-describe-instances-seoul.json",
  ],
};

/** Every region: the CIS change controls, one rule ($or keeps it to one rule per region). */
function cisChanges(): EventPattern {
  return {
    "detail-type": [DETAIL_TYPE],
    $or: CIS_CHANGE_CONTROLS.reduce<Record<string, unknown>[]>((out, c) => {
      // Controls of one service share a branch, so the pattern stays small.
      const same = out.find((b) => (b.source as string[])[0] === c.source);
      if (same) (same.detail as { eventName: string[] }).eventName.push(...c.eventNames);
      else
        out.push({
          source: [c.source],
          detail: { eventSource: [c.eventSource], eventName: [...c.eventNames] },
        });
      return out;
    }, []),
  };
}

/**
 * Event names other forwarding rules already send: root-usage and unauthorized-call rules leave
 * them out, so one event is forwarded by one rule only (two rules would post it twice).
 */
export const FORWARDED_ELSEWHERE = {
  eventSources: ["iam.amazonaws.com", CIS_ORGANIZATIONS_CONTROL.eventSource],
  eventNames: [...FORWARDED_SECURITY_GROUP_EVENTS, ...CIS_CHANGE_CONTROLS.flatMap((c) => c.eventNames)],
};

/**
 * Every region: API calls made by the root user (CIS 4.3, CloudWatch.1), as the control's filter
 * defines it (not invoked by an AWS service, not an AWS service event).
 */
function rootUsage(): EventPattern {
  return {
    "detail-type": [DETAIL_TYPE],
    detail: {
      userIdentity: { type: ["Root"], invokedBy: [{ exists: false }] },
      eventType: [{ "anything-but": "AwsServiceEvent" }],
      eventSource: [{ "anything-but": FORWARDED_ELSEWHERE.eventSources }],
      eventName: [{ "anything-but": FORWARDED_ELSEWHERE.eventNames }],
    },
  };
}

/**
 * Opt-in, every region: unauthorized API calls (CIS 4.1, CloudWatch.2). Denied calls are often
 * read-only, which EventBridge delivers only to rules that ask for them; expect volume from
 * misconfigured automation.
 */
function unauthorizedCalls(): EventPattern {
  return {
    "detail-type": [DETAIL_TYPE],
    detail: {
      errorCode: [{ wildcard: "*UnauthorizedOperation" }, { prefix: "AccessDenied" }],
      eventSource: [{ "anything-but": FORWARDED_ELSEWHERE.eventSources }],
      eventName: [{ "anything-but": FORWARDED_ELSEWHERE.eventNames }],
    },
  };
}
