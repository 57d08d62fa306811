// The buttons on alerts and the reference their `value` carries, shared by the notifier (which
// builds them) and the chat-ops functions (which receive the clicks). A value is only a pointer:
// whoever can post to a webhook of the Slack app can craft a message with any value, so the
// worker validates it here, checks the user against the chat-ops configuration, and re-reads the
// security group from AWS before it changes anything. Keep this file's imports to ./world (Node
// builtins only): it is on the ack's cold-start path.
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "./world";

/** action_id of each button (Slack: at most 255 characters, unique within the message). */
export const ALERT_ACTIONS = {
  revert: "guard_revert",
  exempt: "guard_exempt",
  mute: "guard_mute",
  acknowledge: "guard_ack",
} as const;
export type AlertAction = keyof typeof ALERT_ACTIONS;

/** callback_id of the exemption modal (the reason is typed there). */
export const EXEMPT_MODAL_CALLBACK_ID = "guard_exempt_reason";
/** block_id and action_id of the modal's reason input. */
export const EXEMPT_REASON_BLOCK = "reason";
export const EXEMPT_REASON_ACTION = "reason_input";
/** block_id and action_id of the modal's expiry input (days). */
export const EXEMPT_DAYS_BLOCK = "days";
export const EXEMPT_DAYS_ACTION = "days_input";
/**
 * Exempt's expiry in days: offered in the dialog, and the longest allowed. (Not "default": Pulumi's
 * closure serializer reads an object with a `default` key as a module namespace and fails.)
 */
export interface ExemptionDays {
  defaultDays: number;
  maxDays: number;
}
/** When the hub config sets none. */
export const DEFAULT_EXEMPTION_DAYS: ExemptionDays = { defaultDays: 30, maxDays: 90 };
/**
 * Longest exemption reason: it is written as-is (no prefix) as an EC2 tag value, and EC2 tag values
 * hold at most 256 Unicode characters
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
 */
export const MAX_EXEMPT_REASON_CHARS = 256;

/** Slack's limit for a button's value (https://api.slack.com/reference/block-kit/block-elements#button). */
export const MAX_BUTTON_VALUE_CHARS = 2000;

/** One world-open ingress permission an event added: protocol, port range and the world CIDR. */
export interface WorldPermission {
  /** "tcp", "udp", "icmp", "icmpv6", "-1" (all) or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** A range that is the world by ./world (0.0.0.0/0, 0.0.0.0/1, 2000::/3, ...). */
  cidr: string;
}

/**
 * What a button points at: the alert's event, account, region and resource. Security-group alerts
 * name the group (Revert and Exempt act on it); other alerts (Mute 24 h and Acknowledge only) name
 * the resource the notifier's mute rules match on, when the event has one.
 */
export interface AlertRef {
  accountId: string;
  region: string;
  /** Event kind as the notifier names it ("security-group", "iam", "guardduty", ...). */
  kind: string;
  /**
   * What happened, as the notifier's mute rules name it: the CloudTrail event name, a finding
   * type, a Config rule name, an alarm state. Absent when the event has none.
   */
  eventName?: string;
  /** The security group id (security-group alerts: Revert and Exempt need it). */
  groupId?: string;
  /** Other alerts: the resource id or ARN the event names, when it names one. */
  resource?: string;
  /** The CloudTrail event id, for logs and the outcome message. */
  eventId?: string;
  /** World-open ingress the event added (Revert revokes exactly these, when still present). */
  permissions: WorldPermission[];
  /**
   * The Security Hub finding the alert came from: Acknowledge and Mute set its workflow status
   * (BatchUpdateFindings identifies a finding by its Id and ProductArn).
   */
  securityHubFinding?: { id: string; productArn: string };
  /**
   * The Security Hub OCSF finding the alert came from, by its metadata.uid (globally unique; the
   * finding's account and Region are the ref's): Acknowledge and Mute set its status through
   * BatchUpdateFindingsV2.
   */
  securityHubOcsfUid?: string;
  /** How long Mute lasts for this alert, in hours (critical alerts: shorter); absent: 24. */
  muteHours?: number;
}

/** Mute's length unless the alert sets a shorter one (critical alerts), and the longest a ref may set. */
export const MUTE_HOURS = 24;

const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Security group ids: "sg-" and 8 or 17 hex digits (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html).
const GROUP_RE = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
// Event names as mute rules see them: CloudTrail names, finding types
// ("UnauthorizedAccess:EC2/SSHBruteForce"), Config rule names, "AWS::IAM::Role", "Macie Finding".
const EVENT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.:/+=@-]{0,127}$/;
// A resource id or ARN: no control characters, no backtick (shown in code spans) and no `*`, which
// a mute rule would read as a wildcard (a crafted value must not mute more than its own resource).
const RESOURCE_RE = /^[^\u0000-\u001f\u007f*`]{1,512}$/u;
export const MAX_RESOURCE_CHARS = 512;
const KIND_RE = /^[a-z0-9-]{1,32}$/;
const EVENT_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
/** An event id a button may carry (CloudTrail's and EventBridge's UUIDs, GuardDuty's hex ids). */
export const isEventId = (id: string): boolean => EVENT_ID_RE.test(id);
const PROTOCOL_RE = /^(-1|tcp|udp|icmp|icmpv6|\d{1,3})$/;
// ASFF Id: at most 512 characters (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFindingIdentifier.html);
// ProductArn: a Security Hub product ARN.
const FINDING_ID_RE = /^[^\u0000-\u001f\u007f]{1,512}$/u;
const PRODUCT_ARN_RE = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12})?:product\/[A-Za-z0-9._/-]{1,200}$/;

/** Compact JSON (short keys): the value shows in no UI, and Slack caps it at 2,000 characters. */
export function encodeAlertRef(ref: AlertRef): string {
  return JSON.stringify({
    v: 1,
    a: ref.accountId,
    r: ref.region,
    k: ref.kind,
    ...(ref.eventName ? { e: ref.eventName } : {}),
    ...(ref.groupId ? { g: ref.groupId } : {}),
    ...(ref.resource ? { x: ref.resource } : {}),
    ...(ref.eventId ? { i: ref.eventId } : {}),
    p: ref.permissions.map((p) => [p.protocol, p.fromPort ?? null, p.toPort ?? null, p.cidr]),
    ...(ref.securityHubFinding ? { h: [ref.securityHubFinding.id, ref.securityHubFinding.productArn] } : {}),
    ...(ref.securityHubOcsfUid ? { o: ref.securityHubOcsfUid } : {}),
    ...(ref.muteHours ? { m: ref.muteHours } : {}),
  });
}

export type RefResult = { ok: true; ref: AlertRef } | { ok: false; error: string };

function port(v: unknown): number | undefined | "bad" {
  if (v === null || v === undefined) return undefined;
  return typeof v === "number" && Number.isInteger(v) && v >= -1 && v <= 65535 ? v : "bad";
}

/**
 * Parses and validates a button value, naming the first thing that is wrong. `world`: the hub's
 * worldPrefixes, so a range the notifier recorded as the world is read back as one.
 */
export function parseAlertRef(value: unknown, world: WorldPrefixes = DEFAULT_WORLD_PREFIXES): RefResult {
  const fail = (error: string): RefResult => ({ ok: false, error: `button value: ${error}` });
  if (typeof value !== "string" || value.length === 0) return fail("missing");
  if (value.length > MAX_BUTTON_VALUE_CHARS) return fail(`longer than ${MAX_BUTTON_VALUE_CHARS} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return fail("not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("not an object");
  const o = raw as Record<string, unknown>;
  if (o.v !== 1) return fail(`unknown version ${JSON.stringify(o.v)}`);
  const text = (key: string, re: RegExp): string | undefined =>
    typeof o[key] === "string" && re.test(o[key] as string) ? (o[key] as string) : undefined;
  const accountId = text("a", ACCOUNT_RE);
  if (!accountId) return fail("account is not a 12-digit id");
  const region = text("r", REGION_RE);
  if (!region) return fail("region is not a region name");
  const kind = text("k", KIND_RE);
  if (!kind) return fail("kind is missing");
  const optional = (key: string, re: RegExp): string | undefined | false =>
    o[key] === undefined ? undefined : (text(key, re) ?? false);
  const eventName = optional("e", EVENT_NAME_RE);
  if (eventName === false) return fail("event name is malformed");
  const groupId = optional("g", GROUP_RE);
  if (groupId === false) return fail("security group id is not sg- and 8 or 17 hex digits");
  const resource = optional("x", RESOURCE_RE);
  if (resource === false)
    return fail(`resource is not an id or ARN of at most ${MAX_RESOURCE_CHARS} characters without * or \``);
  if (groupId && resource) return fail("names both a security group and another resource");
  // A mute from it would hold back every alert of the kind in the account and region.
  if (!eventName && !groupId && !resource) return fail("names neither an event nor a resource");
  if (kind === "security-group" && !groupId) return fail("a security-group alert must name its group");
  let eventId: string | undefined;
  if (o.i !== undefined) {
    eventId = text("i", EVENT_ID_RE);
    if (!eventId) return fail("event id is malformed");
  }
  if (!Array.isArray(o.p) || o.p.length > 50) return fail("permissions must be a list of at most 50");
  const permissions: WorldPermission[] = [];
  for (const [i, p] of o.p.entries()) {
    if (!Array.isArray(p) || p.length !== 4) return fail(`permission ${i} is not [protocol, from, to, cidr]`);
    const [protocol, from, to, cidr] = p as unknown[];
    if (typeof protocol !== "string" || !PROTOCOL_RE.test(protocol))
      return fail(`permission ${i}: protocol ${JSON.stringify(protocol)} is not valid`);
    const f = port(from);
    const t = port(to);
    if (f === "bad" || t === "bad") return fail(`permission ${i}: ports must be integers from -1 to 65535`);
    if (typeof cidr !== "string" || cidr.length > 64 || !isWorldCidr(cidr, world))
      return fail(`permission ${i}: ${JSON.stringify(cidr)} is not a range open to the world`);
    permissions.push({ protocol, fromPort: f, toPort: t, cidr });
  }
  if (permissions.length && !groupId) return fail("permissions without a security group");
  let securityHubFinding: AlertRef["securityHubFinding"];
  if (o.h !== undefined) {
    const [id, productArn] = Array.isArray(o.h) && o.h.length === 2 ? (o.h as unknown[]) : [];
    if (typeof id !== "string" || !FINDING_ID_RE.test(id))
      return fail("Security Hub finding id is malformed");
    if (typeof productArn !== "string" || !PRODUCT_ARN_RE.test(productArn))
      return fail("Security Hub product ARN is malformed");
    securityHubFinding = { id, productArn };
  }
  // OCSF metadata.uid: at least one non-space character (the API's pattern), bounded like an ASFF Id.
  const securityHubOcsfUid = optional("o", FINDING_ID_RE);
  if (securityHubOcsfUid === false || (securityHubOcsfUid !== undefined && !/\S/.test(securityHubOcsfUid)))
    return fail("Security Hub OCSF finding uid is malformed");
  const muteHours = o.m;
  if (
    muteHours !== undefined &&
    !(
      typeof muteHours === "number" &&
      Number.isInteger(muteHours) &&
      muteHours >= 1 &&
      muteHours <= MUTE_HOURS
    )
  )
    return fail(`mute hours must be a whole number from 1 to ${MUTE_HOURS}`);
  return {
    ok: true,
    ref: {
      accountId,
      region,
      kind,
      ...(eventName ? { eventName } : {}),
      ...(groupId ? { groupId } : {}),
      ...(resource ? { resource } : {}),
      eventId,
      permissions,
      ...(securityHubFinding ? { securityHubFinding } : {}),
      ...(securityHubOcsfUid ? { securityHubOcsfUid } : {}),
      ...(typeof muteHours === "number" ? { muteHours } : {}),
    },
  };
}

/** "tcp 80", "tcp 1000-2000", "all traffic", "icmp (all types)" from 0.0.0.0/0. */
export function describeWorldPermission(p: WorldPermission): string {
  const proto = p.protocol === "-1" ? "all traffic" : p.protocol;
  let ports = "";
  if (p.protocol !== "-1") {
    if (p.fromPort === undefined || p.fromPort === -1) ports = " (all)";
    else if (p.toPort === undefined || p.toPort === p.fromPort) ports = ` ${p.fromPort}`;
    else ports = ` ${p.fromPort}-${p.toPort}`;
  }
  return `${proto}${ports} from ${p.cidr}`;
}
