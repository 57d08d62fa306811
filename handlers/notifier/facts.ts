// The facts about one event that severity, mute rules, routing and de-duplication decide on,
// read straight from the payload (an EventBridge event, an AWS Config notification, a CloudWatch
// alarm message or a remediation report). Separate from the Slack formatters: deciding whether
// to post must not depend on how the message looks.
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE } from "../shared/constants";
import { Json, at, isObject, newProblems } from "./read";
import { EventKind } from "./kinds";
import { cloudTrailKind } from "./format/cloudtrail";
import { ipPermissionRules, modifiedRules } from "./sgRules";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "../shared/world";
import { isConfigNotification } from "./format/config";
import { isSnsAlarm } from "./format/alarm";
import { modelFinding } from "./format/finding";
import { guardDutySeverityName } from "./format/guardduty";
import { SEVERITY_LEVELS, SeverityLevel } from "./severityLevels";

export interface EventFacts {
  kind: EventKind;
  /** Severity decided by the event's source module (sources mapped to the finding model). */
  rated?: { severity: SeverityLevel; why: string };
  /**
   * What happened, by kind: the CloudTrail event name ("AuthorizeSecurityGroupIngress"), the Config
   * rule name of a compliance change, the new alarm state ("ALARM"), the remediation outcome
   * ("revoked"), the Config message type of other Config notifications.
   */
  eventName?: string;
  accountId?: string;
  region?: string;
  /** The resource's id: security group id, IAM user/role/policy name, alarm name, resource id. */
  resourceId?: string;
  /** The resource's ARN when the event names one. */
  resourceArn?: string;
  /** Who made the change (CloudTrail userIdentity ARN, or principal id). */
  actor?: string;
  /** Config compliance verdict (NON_COMPLIANT, COMPLIANT, ...). */
  compliance?: string;
  /** The Config rule of a compliance change. */
  configRule?: string;
  /** When the event happened, as the event orders it (Config orderingTimestamp, alarm state time, ...). */
  time?: string;
  /** A security-group change that adds ingress from the world (../shared/world: 0.0.0.0/1, 2000::/3, ...). */
  worldIngress?: boolean;
  /** ... and that ingress includes port 22. */
  worldSsh?: boolean;
  /** The CloudTrail call failed (errorCode set): nothing changed. */
  failedCall?: boolean;
  /** AWS Config notification type, for Config notifications. */
  configMessageType?: string;
  /** The record could not be read at all. */
  unreadable?: boolean;
  /** The severity the source itself gives (GuardDuty's number, Security Hub's label), on our scale. */
  findingSeverity?: SeverityLevel;
  /** An Access Analyzer finding of public access. */
  isPublic?: boolean;
  /** A finding's status (Access Analyzer ACTIVE/ARCHIVED/RESOLVED; GuardDuty archived). */
  status?: string;
  /** The call was made by the root user itself (not by an AWS service on its behalf). */
  rootActor?: boolean;
  /** A console sign-in: it failed / it succeeded without MFA. */
  signInFailed?: boolean;
  signInWithoutMfa?: boolean;
  /**
   * The source's own identity of this event, the same on every path that delivers it: the CloudTrail
   * eventID, a finding's id at its update time (a finding updated later is news; the same update is not).
   */
  sourceId?: string;
}

const s = (o: unknown, path: string): string | undefined => {
  const v = at(o, path);
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
};

const CONFIG_RESULT = "newEvaluationResult.evaluationResultIdentifier";

/** Whether a protocol/port range (as EC2 reports them) includes TCP port 22. */
export function includesSsh(protocol: unknown, from: unknown, to: unknown): boolean {
  const p =
    typeof protocol === "string"
      ? protocol.toLowerCase()
      : typeof protocol === "number"
        ? String(protocol)
        : "";
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
  // Only numbers and numeric strings are ports: Number() of an object an event crafted with
  // non-callable valueOf/toString keys throws.
  const port = (x: unknown) => (typeof x === "number" ? x : typeof x === "string" ? Number(x) : NaN);
  const f = port(from);
  const t = port(to ?? from);
  if (from === undefined || from === null || f === -1) return true;
  return Number.isFinite(f) && Number.isFinite(t) && f <= 22 && 22 <= t;
}

function securityGroupWorld(
  eventName: string,
  params: unknown,
  limits: WorldPrefixes,
): { world: boolean; ssh: boolean } {
  const problems = newProblems();
  if (eventName === "ModifySecurityGroupRules") {
    let world = false;
    let ssh = false;
    const raw = at(params, "ModifySecurityGroupRulesRequest.SecurityGroupRule");
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const rules = modifiedRules(params, problems, limits);
    rules.forEach((r, i) => {
      if (!r.world) return;
      world = true;
      const rule = at(list[i], "SecurityGroupRule");
      ssh ||= includesSsh(at(rule, "IpProtocol"), at(rule, "FromPort"), at(rule, "ToPort"));
    });
    return { world, ssh };
  }
  if (eventName !== "AuthorizeSecurityGroupIngress") return { world: false, ssh: false };
  // The API's flat form (CidrIp, IpProtocol, FromPort, ToPort) is recorded at the top level.
  const flatCidr = s(params, "cidrIp") ?? s(params, "cidrIpv6");
  if (isWorldCidr(flatCidr, limits)) {
    return {
      world: true,
      ssh: includesSsh(at(params, "ipProtocol"), at(params, "fromPort"), at(params, "toPort")),
    };
  }
  let world = false;
  let ssh = false;
  const perms = at(params, "ipPermissions.items") ?? at(params, "ipPermissions");
  const list = Array.isArray(perms) ? perms : [];
  ipPermissionRules(params, problems, limits).forEach((r, i) => {
    if (!r.world) return;
    world = true;
    ssh ||= includesSsh(at(list[i], "ipProtocol"), at(list[i], "fromPort"), at(list[i], "toPort"));
  });
  return { world, ssh };
}

function fromCloudTrail(e: Json, limits: WorldPrefixes): EventFacts {
  const d = isObject(e.detail) ? e.detail : {};
  const eventName = s(d, "eventName");
  const identityType = s(d, "userIdentity.type");
  const kind = cloudTrailKind(s(d, "eventSource"), eventName, {
    errorCode: s(d, "errorCode"),
    identityType,
    invokedBy: s(d, "userIdentity.invokedBy"),
  });
  const params = at(d, "requestParameters");
  const world =
    kind === "security-group" && eventName
      ? securityGroupWorld(eventName, params, limits)
      : { world: false, ssh: false };
  const resourceId =
    kind === "security-group"
      ? (s(params, "groupId") ??
        s(params, "ModifySecurityGroupRulesRequest.GroupId") ??
        s(params, "groupName"))
      : (s(params, "userName") ??
        s(params, "roleName") ??
        s(params, "groupName") ??
        s(params, "policyArn") ??
        s(params, "policyName"));
  const resources = Array.isArray(d.resources) ? d.resources : [];
  const firstArn = resources.map((r) => s(r, "ARN")).find((a) => a !== undefined);
  return {
    kind,
    eventName,
    accountId: s(d, "recipientAccountId") ?? s(e, "account") ?? s(d, "userIdentity.accountId"),
    region: s(d, "awsRegion") ?? s(e, "region"),
    resourceId,
    resourceArn: firstArn ?? (resourceId?.startsWith("arn:") ? resourceId : undefined),
    actor: s(d, "userIdentity.arn") ?? s(d, "userIdentity.principalId"),
    time: s(d, "eventTime") ?? s(e, "time"),
    worldIngress: world.world,
    worldSsh: world.ssh,
    failedCall: s(d, "errorCode") !== undefined,
    rootActor: identityType === "Root" && s(d, "userIdentity.invokedBy") === undefined,
    sourceId: s(d, "eventID") && `cloudtrail|${s(d, "eventID")}`,
  };
}

function fromSignIn(e: Json): EventFacts {
  const d = isObject(e.detail) ? e.detail : {};
  const failed = s(d, "responseElements.ConsoleLogin") === "Failure";
  const root = s(d, "userIdentity.type") === "Root";
  return {
    kind: "sign-in",
    eventName: s(d, "eventName") ?? "ConsoleLogin",
    accountId: s(d, "recipientAccountId") ?? s(e, "account") ?? s(d, "userIdentity.accountId"),
    region: s(d, "awsRegion") ?? s(e, "region"),
    resourceId: s(d, "userIdentity.userName") ?? s(d, "userIdentity.principalId"),
    actor: s(d, "userIdentity.arn") ?? s(d, "userIdentity.principalId"),
    time: s(d, "eventTime") ?? s(e, "time"),
    rootActor: root,
    signInFailed: failed,
    signInWithoutMfa: !failed && s(d, "additionalEventData.MFAUsed") !== "Yes",
    sourceId: s(d, "eventID") && `cloudtrail|${s(d, "eventID")}`,
  };
}

/** GuardDuty's bands (Critical 9.0-10.0, High 7.0-8.9, Medium 4.0-6.9, Low 1.0-3.9) on our scale. */
const GUARDDUTY_LEVEL: Record<string, SeverityLevel> = {
  Critical: "critical",
  High: "high",
  Medium: "medium",
  Low: "low",
};

function fromGuardDuty(e: Json): EventFacts {
  const d = isObject(e.detail) ? e.detail : {};
  const sev = typeof d.severity === "number" ? d.severity : undefined;
  const name = guardDutySeverityName(sev);
  const id = s(d, "id");
  return {
    kind: "guardduty",
    eventName: s(d, "type"),
    accountId: s(d, "accountId") ?? s(e, "account"),
    region: s(d, "region") ?? s(e, "region"),
    resourceId: s(d, "resource.instanceDetails.instanceId") ?? s(d, "resource.accessKeyDetails.userName"),
    resourceArn: s(d, "arn"),
    time: s(d, "updatedAt") ?? s(e, "time"),
    ...(Object.prototype.hasOwnProperty.call(GUARDDUTY_LEVEL, name)
      ? { findingSeverity: GUARDDUTY_LEVEL[name] }
      : {}),
    status: at(d, "service.archived") === true ? "ARCHIVED" : undefined,
    sourceId: id ? `guardduty|${id}@${s(d, "updatedAt") ?? ""}` : undefined,
  };
}

const SECURITY_HUB_LEVEL: Record<string, SeverityLevel> = {
  CRITICAL: "critical",
  HIGH: "high",
  MEDIUM: "medium",
  LOW: "low",
  INFORMATIONAL: "info",
};

/** One event may carry several findings: the facts are the most severe one's. */
function fromSecurityHub(e: Json): EventFacts {
  const list = at(e, "detail.findings");
  const findings = (Array.isArray(list) ? list : []).filter(isObject);
  const levelOf = (f: Json): SeverityLevel | undefined => {
    const label = s(f, "Severity.Label");
    return label && Object.prototype.hasOwnProperty.call(SECURITY_HUB_LEVEL, label)
      ? SECURITY_HUB_LEVEL[label]
      : undefined;
  };
  // Most severe first; an unrated finding last.
  const rank = (f: Json) => {
    const l = levelOf(f);
    return l === undefined ? SEVERITY_LEVELS.length : SEVERITY_LEVELS.indexOf(l);
  };
  const worst = [...findings].sort((a, b) => rank(a) - rank(b))[0];
  const worstLevel = worst ? levelOf(worst) : undefined;
  const ids = findings.map((f) => `${s(f, "Id") ?? "?"}@${s(f, "UpdatedAt") ?? ""}`);
  const resources = worst && Array.isArray(worst.Resources) ? worst.Resources.filter(isObject) : [];
  return {
    kind: "security-hub",
    eventName: worst ? (s(worst, "Compliance.SecurityControlId") ?? s(worst, "GeneratorId")) : undefined,
    accountId: (worst && s(worst, "AwsAccountId")) ?? s(e, "account"),
    region: (worst && s(worst, "Region")) ?? s(e, "region"),
    resourceId: resources.length ? s(resources[0], "Id") : undefined,
    time: (worst && s(worst, "UpdatedAt")) ?? s(e, "time"),
    ...(worstLevel ? { findingSeverity: worstLevel } : {}),
    status: worst ? s(worst, "Workflow.Status") : undefined,
    // Security Hub re-imports a finding on every update: the same id at the same UpdatedAt is one post.
    sourceId: findings.length && !ids.includes("?@") ? `securityhub|${ids.sort().join(",")}` : undefined,
  };
}

function fromAccessAnalyzer(e: Json): EventFacts {
  const d = isObject(e.detail) ? e.detail : {};
  const id = s(d, "id");
  return {
    kind: "access-analyzer",
    eventName: s(d, "resourceType"),
    accountId: s(d, "accountId") ?? s(e, "account"),
    region: s(d, "region") ?? s(e, "region"),
    resourceId: s(d, "resource"),
    resourceArn: s(d, "resource")?.startsWith("arn:") ? s(d, "resource") : undefined,
    time: s(d, "updatedAt") ?? s(d, "analyzedAt") ?? s(e, "time"),
    isPublic: d.isPublic === true,
    status: s(d, "status"),
    sourceId: id ? `access-analyzer|${id}@${s(d, "updatedAt") ?? ""}|${s(d, "status") ?? ""}` : undefined,
  };
}

/** `body` is the SNS ComplianceChangeNotification or the EventBridge detail (the same fields). */
function fromCompliance(body: Json, event?: Json): EventFacts {
  const rule =
    s(body, "configRuleName") ?? s(body, `${CONFIG_RESULT}.evaluationResultQualifier.configRuleName`);
  const resourceId =
    s(body, "resourceId") ?? s(body, `${CONFIG_RESULT}.evaluationResultQualifier.resourceId`);
  return {
    kind: "config-compliance",
    eventName: rule,
    configRule: rule,
    accountId: s(body, "awsAccountId") ?? s(event, "account"),
    region: s(body, "awsRegion") ?? s(event, "region"),
    resourceId,
    compliance: s(body, "newEvaluationResult.complianceType"),
    // Both paths (SNS and EventBridge) carry the same ordering timestamp for one evaluation.
    time:
      s(body, `${CONFIG_RESULT}.orderingTimestamp`) ??
      s(body, "newEvaluationResult.resultRecordedTime") ??
      s(body, "notificationCreationTime") ??
      s(event, "time"),
    configMessageType: "ComplianceChangeNotification",
  };
}

function fromConfigItem(body: Json, event?: Json): EventFacts {
  const oversized = s(body, "messageType") === "OversizedConfigurationItemChangeNotification";
  const item = at(body, oversized ? "configurationItemSummary" : "configurationItem");
  return {
    kind: "other",
    eventName: s(body, "messageType") ?? "ConfigurationItemChangeNotification",
    configMessageType: s(body, "messageType") ?? "ConfigurationItemChangeNotification",
    accountId: s(item, "awsAccountId") ?? s(event, "account"),
    region: s(item, "awsRegion") ?? s(event, "region"),
    resourceId: s(item, "resourceId"),
    resourceArn: s(item, "ARN") ?? s(item, "arn"),
    time: s(item, "configurationItemCaptureTime") ?? s(event, "time"),
  };
}

function fromSnsAlarm(m: Json): EventFacts {
  const arn = s(m, "AlarmArn");
  return {
    kind: "alarm",
    eventName: s(m, "NewStateValue"),
    accountId: s(m, "AWSAccountId") ?? arn?.split(":")[4],
    region: arn?.split(":")[3],
    resourceId: s(m, "AlarmName"),
    resourceArn: arn,
    time: s(m, "StateChangeTime"),
  };
}

function fromEventBridgeAlarm(e: Json): EventFacts {
  const resources = Array.isArray(e.resources) ? e.resources : [];
  return {
    kind: "alarm",
    eventName: s(e, "detail.state.value"),
    accountId: s(e, "account"),
    region: s(e, "region"),
    resourceId: s(e, "detail.alarmName"),
    resourceArn: typeof resources[0] === "string" ? resources[0] : undefined,
    time: s(e, "detail.state.timestamp") ?? s(e, "time"),
  };
}

function fromRemediation(e: Json): EventFacts {
  return {
    kind: "remediation",
    eventName: s(e, "detail.outcome"),
    accountId: s(e, "detail.accountId") ?? s(e, "account"),
    region: s(e, "detail.region") ?? s(e, "region"),
    resourceId: s(e, "detail.groupId"),
    actor: s(e, "detail.openedBy"),
    time: s(e, "time"),
  };
}

/** The facts of one record's payload; `undefined` payload means the record was unreadable. */
export function eventFacts(
  payload: Json | undefined,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): EventFacts {
  if (!payload) return { kind: "other", unreadable: true };
  if (typeof payload["detail-type"] === "string" && typeof payload.source === "string") {
    const detailType = payload["detail-type"];
    const detail = isObject(payload.detail) ? payload.detail : {};
    const finding = modelFinding(payload);
    if (finding)
      return {
        kind: finding.kind as EventKind,
        rated: { severity: finding.severity, why: finding.severity_why },
        eventName: finding.event_name,
        accountId: finding.cloud.account?.uid,
        region: finding.cloud.region,
        resourceId: finding.resources[0]?.uid,
        actor: finding.actor?.uid,
        status: finding.status,
        time: finding.time,
      };
    if (payload.source === REMEDIATION_EVENT_SOURCE && detailType === REMEDIATION_DETAIL_TYPE)
      return fromRemediation(payload);
    if (detailType === "AWS API Call via CloudTrail") return fromCloudTrail(payload, limits);
    if (detailType === "Config Rules Compliance Change") return fromCompliance(detail, payload);
    if (detailType === "Config Configuration Item Change") return fromConfigItem(detail, payload);
    if (detailType === "CloudWatch Alarm State Change") return fromEventBridgeAlarm(payload);
    if (detailType === "AWS Console Sign In via CloudTrail") return fromSignIn(payload);
    if (payload.source === "aws.guardduty" && detailType === "GuardDuty Finding")
      return fromGuardDuty(payload);
    if (payload.source === "aws.securityhub" && detailType === "Security Hub Findings - Imported")
      return fromSecurityHub(payload);
    if (payload.source === "aws.access-analyzer" && detailType === "Access Analyzer Finding")
      return fromAccessAnalyzer(payload);
    return {
      kind: "other",
      eventName: detailType,
      accountId: s(payload, "account"),
      region: s(payload, "region"),
      time: s(payload, "time"),
    };
  }
  if (isConfigNotification(payload)) {
    const type = payload.messageType as string;
    if (type === "ComplianceChangeNotification") return fromCompliance(payload);
    if (
      type === "ConfigurationItemChangeNotification" ||
      type === "OversizedConfigurationItemChangeNotification"
    )
      return fromConfigItem(payload);
    return {
      kind: "other",
      eventName: type,
      configMessageType: type,
      accountId: s(payload, "awsAccountId"),
      region: s(payload, "awsRegion"),
      time: s(payload, "notificationCreationTime"),
    };
  }
  if (isSnsAlarm(payload)) return fromSnsAlarm(payload);
  return { kind: "other" };
}
