// Turns the events that can invoke the remediation function into "remediate this group" requests.
// Event shapes:
// - Config compliance change on EventBridge:
//   https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
// - The same notification delivered by SNS (messageType ComplianceChangeNotification):
//   https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html
// - CloudTrail API calls on EventBridge ("AWS API Call via CloudTrail"):
//   https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
// The CloudTrail request is used only as a trigger (group id, who, when); what gets revoked is
// decided from a fresh DescribeSecurityGroups.
import type { RemediationReport } from "../shared/remediationReport";
import { isNamed, namedError } from "../shared/namedError";
import { isPrivate, parseCidr } from "./cidr";
import { coversSsh, isWorldCidr } from "./permissions";

export const CONFIG_DETAIL_TYPE = "Config Rules Compliance Change";
export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
export const COMPLIANCE_MESSAGE_TYPE = "ComplianceChangeNotification";
export const SECURITY_GROUP_RESOURCE_TYPE = "AWS::EC2::SecurityGroup";

/** One group to (re-)check, in one account and region. */
export interface RemediationRequest {
  accountId: string;
  region: string;
  groupId: string;
  trigger: RemediationReport["trigger"];
  openedBy?: string;
  openedAt?: string;
  /**
   * The trigger did not name 0.0.0.0/0 or ::/0 but a source that may add up to them (a public
   * CIDR, a managed prefix list): the group is checked, and reported on only if SSH is world-open.
   */
  suspectOnly?: boolean;
}

export type ParsedItem =
  | { kind: "remediate"; eventId?: string; request: RemediationRequest }
  /** A well-formed event that needs no action (COMPLIANT, another rule, a failed API call...). */
  | { kind: "ignore"; eventId?: string; reason: string }
  /** A record that could not be understood; reported as an error after the others are processed. */
  | { kind: "invalid"; eventId?: string; error: EventError };

/** An event (or record) that could not be understood; the message names the field. */
export type EventError = Error & { name: "EventError" };

export function eventError(message: string): EventError {
  return namedError("EventError", message, {}) as EventError;
}

export function isEventError(err: unknown): err is EventError {
  return isNamed(err, "EventError");
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A nested field, own properties only: "toString" or "constructor" in an event never reach Object's. */
function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** CloudTrail renders a one-element list as an object and many as an array; accept both. */
function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

/** A value as given, for a reason: strings verbatim, anything else as JSON. */
function shown(v: unknown): string {
  return typeof v === "string" ? v : (JSON.stringify(v) ?? "undefined");
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Checks the ids that end up in a role ARN and API calls; names the field when one is wrong. */
function validated(
  where: string,
  fields: { account: unknown; region: unknown; group: unknown },
  names: string[],
) {
  const problems: string[] = [];
  if (typeof fields.account !== "string" || !/^\d{12}$/.test(fields.account)) {
    problems.push(`${names[0]} must be a 12-digit account id, got ${JSON.stringify(fields.account)}`);
  }
  if (typeof fields.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(fields.region)) {
    problems.push(`${names[1]} must be an AWS region, got ${JSON.stringify(fields.region)}`);
  }
  if (typeof fields.group !== "string" || !/^sg-[0-9a-f]{1,32}$/.test(fields.group)) {
    problems.push(`${names[2]} must be a security group id (sg-...), got ${JSON.stringify(fields.group)}`);
  }
  if (problems.length > 0) throw eventError(`${where}: ${problems.join("; ")}`);
  return {
    accountId: fields.account as string,
    region: fields.region as string,
    groupId: fields.group as string,
  };
}

/**
 * Parses any supported event into one item per contained notification. Throws EventError only when
 * the event as a whole is unrecognisable; a bad record inside an SNS batch becomes an "invalid" item.
 */
export function parseEvent(event: unknown, configRuleNames: string[]): ParsedItem[] {
  if (!isObject(event)) {
    throw eventError(`event must be a JSON object, got ${Array.isArray(event) ? "an array" : typeof event}`);
  }
  if (Array.isArray(event.Records)) return event.Records.map((r, i) => parseSnsRecord(r, i, configRuleNames));
  if (typeof event["detail-type"] === "string")
    return [guard(str(event.id), () => parseEventBridge(event, configRuleNames))];
  if (event.messageType !== undefined) {
    return [
      guard(undefined, () => parseConfigNotification(event, "Config notification", {}, configRuleNames)),
    ];
  }
  throw eventError(
    "unrecognised event: expected an EventBridge event (detail-type), an SNS Lambda event (Records) " +
      `or a Config notification (messageType); top-level keys: ${Object.keys(event).slice(0, 10).join(", ") || "none"}`,
  );
}

function guard(eventId: string | undefined, parse: () => ParsedItem): ParsedItem {
  try {
    return parse();
  } catch (err) {
    if (isEventError(err)) return { kind: "invalid", eventId, error: err };
    throw err;
  }
}

function parseSnsRecord(record: unknown, index: number, configRuleNames: string[]): ParsedItem {
  const messageId = str(get(record, "Sns.MessageId"));
  return guard(messageId, () => {
    const where = `SNS record ${index}${messageId ? ` (message ${messageId})` : ""}`;
    if (get(record, "EventSource") !== "aws:sns" || typeof get(record, "Sns.Message") !== "string") {
      throw eventError(`${where}: expected EventSource "aws:sns" and a string Sns.Message`);
    }
    let body: unknown;
    try {
      body = JSON.parse(get(record, "Sns.Message") as string);
    } catch (err) {
      throw eventError(`${where}: Sns.Message is not JSON (${(err as Error).message})`);
    }
    if (!isObject(body)) throw eventError(`${where}: Sns.Message is not a JSON object`);
    // An EventBridge rule with an SNS target delivers the whole event as the message.
    if (typeof body["detail-type"] === "string") return parseEventBridge(body, configRuleNames, messageId);
    if (body.messageType === COMPLIANCE_MESSAGE_TYPE) {
      return parseConfigNotification(body, where, { eventId: messageId }, configRuleNames);
    }
    return {
      kind: "ignore",
      eventId: messageId,
      reason: `${where}: messageType ${JSON.stringify(body.messageType)} is not a compliance change`,
    };
  });
}

function parseEventBridge(event: Json, configRuleNames: string[], outerId?: string): ParsedItem {
  const id = str(event.id) ?? outerId;
  const where = `EventBridge event ${id ?? "(no id)"}`;
  const detailType = event["detail-type"];
  if (detailType === CONFIG_DETAIL_TYPE) {
    if (!isObject(event.detail)) throw eventError(`${where}: detail must be an object`);
    return parseConfigNotification(
      event.detail,
      where,
      { eventId: id, account: event.account, region: event.region },
      configRuleNames,
      "detail.",
    );
  }
  if (detailType === CLOUDTRAIL_DETAIL_TYPE) return parseCloudTrail(event, where, id);
  return {
    kind: "ignore",
    eventId: id,
    reason: `${where}: detail-type ${JSON.stringify(detailType)} is not handled`,
  };
}

function parseConfigNotification(
  n: Json,
  where: string,
  envelope: { eventId?: string; account?: unknown; region?: unknown },
  configRuleNames: string[],
  prefix = "",
): ParsedItem {
  const eventId = envelope.eventId;
  const rule = n.configRuleName;
  if (n.messageType !== undefined && n.messageType !== COMPLIANCE_MESSAGE_TYPE) {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: messageType ${JSON.stringify(n.messageType)} is not a compliance change`,
    };
  }
  if (typeof rule !== "string" || !configRuleNames.includes(rule)) {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: Config rule ${JSON.stringify(rule)} is not one of the restricted-ssh rules (${configRuleNames.join(", ")})`,
    };
  }
  if (n.resourceType !== SECURITY_GROUP_RESOURCE_TYPE) {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: resourceType ${JSON.stringify(n.resourceType)} is not a security group`,
    };
  }
  const compliance = get(n, "newEvaluationResult.complianceType");
  if (typeof compliance !== "string") {
    throw eventError(`${where}: ${prefix}newEvaluationResult.complianceType is missing`);
  }
  if (compliance !== "NON_COMPLIANT") {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: ${rule} is ${compliance} for ${shown(n.resourceId)}: nothing to remediate`,
    };
  }
  const ids = validated(
    where,
    {
      account: n.awsAccountId ?? envelope.account,
      region: n.awsRegion ?? envelope.region,
      group: n.resourceId,
    },
    [`${prefix}awsAccountId`, `${prefix}awsRegion`, `${prefix}resourceId`],
  );
  return {
    kind: "remediate",
    eventId,
    request: {
      ...ids,
      trigger: { kind: "config-compliance", ...(eventId ? { eventId } : {}), configRuleName: rule },
    },
  };
}

function parseCloudTrail(event: Json, where: string, envelopeId: string | undefined): ParsedItem {
  const d = event.detail;
  if (!isObject(d)) throw eventError(`${where}: detail must be an object`);
  const eventId = str(d.eventID) ?? envelopeId;
  const name = d.eventName;
  if (name !== "AuthorizeSecurityGroupIngress" && name !== "ModifySecurityGroupRules") {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: CloudTrail ${JSON.stringify(name)} cannot open ingress`,
    };
  }
  if (d.errorCode !== undefined) {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: ${name} failed (errorCode ${JSON.stringify(d.errorCode)}), so it changed nothing`,
    };
  }
  const rp = d.requestParameters;
  const found =
    name === "AuthorizeSecurityGroupIngress"
      ? {
          group:
            get(rp, "groupId") ??
            get(asList(get(d, "responseElements.securityGroupRuleSet.items"))[0], "groupId"),
          field: "detail.requestParameters.groupId",
          opens: authorizeOpensSsh(rp),
        }
      : {
          group: get(rp, "ModifySecurityGroupRulesRequest.GroupId"),
          field: "detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId",
          opens: modifyOpensSsh(get(rp, "ModifySecurityGroupRulesRequest")),
        };
  const ids = validated(
    where,
    {
      account: d.recipientAccountId ?? event.account,
      region: d.awsRegion ?? event.region,
      group: found.group,
    },
    ["detail.recipientAccountId", "detail.awsRegion", found.field],
  );
  if (found.opens === "no") {
    return {
      kind: "ignore",
      eventId,
      reason: `${where}: ${name} on ${ids.groupId} does not open TCP 22 to 0.0.0.0/0 or ::/0`,
    };
  }
  const request: RemediationRequest = {
    ...ids,
    trigger: { kind: "cloudtrail", ...(eventId ? { eventId } : {}), eventName: name },
    ...(found.opens === "suspect" ? { suspectOnly: true } : {}),
  };
  const who =
    str(get(d, "userIdentity.arn")) ??
    str(get(d, "userIdentity.principalId")) ??
    str(get(d, "userIdentity.type"));
  if (who) request.openedBy = who;
  if (str(d.eventTime)) request.openedAt = d.eventTime as string;
  return { kind: "remediate", eventId, request };
}

type Opens = "world" | "suspect" | "no";

// The world whatever the configured prefixes: /0 or a range covering 2000::/3. Wider-than-configured
// public ranges are "suspect": the group is re-read and judged with the configured prefixes.
const ALWAYS_WORLD = { ipv4: 0, ipv6: 0 };

/** What one source does for SSH: /0 or 2000::/3 "world"; another public CIDR or a prefix list "suspect". */
function sourceOpens(cidr: unknown, prefixList: unknown): Opens {
  if (isWorldCidr(cidr, ALWAYS_WORLD)) return "world";
  if (typeof prefixList === "string" && prefixList !== "") return "suspect";
  const range = parseCidr(cidr);
  return range && !isPrivate(range) ? "suspect" : "no";
}

function strongest(all: Opens[]): Opens {
  return all.includes("world") ? "world" : all.includes("suspect") ? "suspect" : "no";
}

/** AuthorizeSecurityGroupIngress: ipPermissions.items[], or the older flat cidrIp/ipProtocol/ports form. */
function authorizeOpensSsh(rp: unknown): Opens {
  const flat = coversSsh(get(rp, "ipProtocol"), get(rp, "fromPort"), get(rp, "toPort"))
    ? sourceOpens(get(rp, "cidrIp"), undefined)
    : "no";
  const items = asList(get(rp, "ipPermissions.items")).map((p) => {
    if (!coversSsh(get(p, "ipProtocol"), get(p, "fromPort"), get(p, "toPort"))) return "no";
    return strongest([
      ...asList(get(p, "ipRanges.items")).map((r) => sourceOpens(get(r, "cidrIp"), undefined)),
      ...asList(get(p, "ipv6Ranges.items")).map((r) => sourceOpens(get(r, "cidrIpv6"), undefined)),
      ...asList(get(p, "prefixListIds.items")).map((r) => sourceOpens(undefined, get(r, "prefixListId"))),
    ]);
  });
  return strongest([flat, ...items]);
}

/** ModifySecurityGroupRules: SecurityGroupRule (one or many) each wrapping a SecurityGroupRule spec. */
function modifyOpensSsh(req: unknown): Opens {
  return strongest(
    asList(get(req, "SecurityGroupRule")).map((entry) => {
      const r = get(entry, "SecurityGroupRule");
      if (!coversSsh(get(r, "IpProtocol"), get(r, "FromPort"), get(r, "ToPort"))) return "no";
      return strongest([
        sourceOpens(get(r, "CidrIpv4"), undefined),
        sourceOpens(get(r, "CidrIpv6"), undefined),
        sourceOpens(undefined, get(r, "PrefixListId")),
      ]);
    }),
  );
}
