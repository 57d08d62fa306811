// The buttons on alerts and the reference their `value` carries, shared by the notifier (which
// builds them) and the chat-ops functions (which receive the clicks). A value is only a pointer:
// whoever can post to a webhook of the Slack app can craft a message with any value, so the
// worker validates it here, checks the user against the chat-ops configuration, and re-reads the
// security group from AWS before it changes anything. Keep this file free of imports: it is on
// the ack's cold-start path.

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
  cidr: "0.0.0.0/0" | "::/0";
}

/** What a button points at: the alert's event, account, region and security group. */
export interface AlertRef {
  accountId: string;
  region: string;
  /** Event kind as the notifier names it ("security-group"). */
  kind: string;
  /** The CloudTrail event name ("AuthorizeSecurityGroupIngress"). */
  eventName: string;
  /** The security group id. */
  groupId: string;
  /** The CloudTrail event id, for logs and the outcome message. */
  eventId?: string;
  /** World-open ingress the event added (Revert revokes exactly these, when still present). */
  permissions: WorldPermission[];
}

export const WORLD_CIDRS = ["0.0.0.0/0", "::/0"] as const;

const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Security group ids: "sg-" and 8 or 17 hex digits (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html).
const GROUP_RE = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const EVENT_NAME_RE = /^[A-Za-z]{1,64}$/;
const KIND_RE = /^[a-z-]{1,32}$/;
const EVENT_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const PROTOCOL_RE = /^(-1|tcp|udp|icmp|icmpv6|\d{1,3})$/;

/** Compact JSON (short keys): the value shows in no UI, and Slack caps it at 2,000 characters. */
export function encodeAlertRef(ref: AlertRef): string {
  return JSON.stringify({
    v: 1,
    a: ref.accountId,
    r: ref.region,
    k: ref.kind,
    e: ref.eventName,
    g: ref.groupId,
    ...(ref.eventId ? { i: ref.eventId } : {}),
    p: ref.permissions.map((p) => [p.protocol, p.fromPort ?? null, p.toPort ?? null, p.cidr]),
  });
}

export type RefResult = { ok: true; ref: AlertRef } | { ok: false; error: string };

function port(v: unknown): number | undefined | "bad" {
  if (v === null || v === undefined) return undefined;
  return typeof v === "number" && Number.isInteger(v) && v >= -1 && v <= 65535 ? v : "bad";
}

/** Parses and validates a button value, naming the first thing that is wrong. */
export function parseAlertRef(value: unknown): RefResult {
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
  const eventName = text("e", EVENT_NAME_RE);
  if (!eventName) return fail("event name is missing");
  const groupId = text("g", GROUP_RE);
  if (!groupId) return fail("security group id is not sg- and 8 or 17 hex digits");
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
    if (cidr !== "0.0.0.0/0" && cidr !== "::/0")
      return fail(`permission ${i}: ${JSON.stringify(cidr)} is not 0.0.0.0/0 or ::/0`);
    permissions.push({ protocol, fromPort: f, toPort: t, cidr });
  }
  return { ok: true, ref: { accountId, region, kind, eventName, groupId, eventId, permissions } };
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
