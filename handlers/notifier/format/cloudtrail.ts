// "AWS API Call via CloudTrail" events: IAM and EC2 security-group changes forwarded to the hub
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
import { Json, at, isObject, obj, str } from "../read";
import { describeActor } from "../identity";
import { cloudTrailEventUrl, isRegionCode } from "../../findings/links";
import { RuleSummary, ipPermissionRules, modifiedRules, ruleIds, worldNotice } from "../sgRules";
import {
  Field,
  Severity,
  buttons,
  code,
  context,
  esc,
  fieldSections,
  header,
  message,
  section,
} from "../slack";
import {
  CIS_IAM_POLICY_CHANGES,
  CIS_ROOT_USAGE,
  CIS_SECURITY_GROUP_CHANGES,
  CIS_UNAUTHORIZED_CALLS,
  IAM_POLICY_EVENT_NAMES,
  cisControlOf,
} from "../../shared/cisControls";
import { CisLabel, cisLine } from "./signIn";
import { FormatContext, Formatted, accountPlain, accountText, footer, regionText, timeText } from "./common";
import type { KnownBlock } from "@slack/types";
import { EventKind } from "../settings";
import { alertButtons, worldPermissionsAdded } from "../alertButtons";

/** EC2 API calls that change security groups (the hub's SG rule matches these). */
export const SECURITY_GROUP_EVENTS = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  "CreateSecurityGroup",
  "DeleteSecurityGroup",
  "UpdateSecurityGroupRuleDescriptionsIngress",
  "UpdateSecurityGroupRuleDescriptionsEgress",
];

/** Event names that destroy, detach or switch something off. */
export const DESTRUCTIVE_NAME = /^(Delete|Detach|Revoke|Remove|Disable|Stop)/;

const MAX_PARAM_LINES = 15;
const MAX_VALUE_CHARS = 200;

/** Error codes of denied calls, as the CIS unauthorized-API-calls filter matches them. */
export function isUnauthorizedError(errorCode: string | undefined): boolean {
  return !!errorCode && (/UnauthorizedOperation$/.test(errorCode) || errorCode.startsWith("AccessDenied"));
}

/** Who made the call and how it ended, where the kind depends on it (root activity, denied calls). */
export interface CallFacts {
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

/** The CIS monitoring controls a call falls under, for the message's context line. */
export function cisControlsOf(
  eventSource: string | undefined,
  eventName: string | undefined,
  call: CallFacts,
): CisLabel[] {
  const out: CisLabel[] = [];
  if (eventSource === "iam.amazonaws.com" && eventName && IAM_POLICY_EVENT_NAMES.includes(eventName))
    out.push(CIS_IAM_POLICY_CHANGES);
  else if (eventSource === "ec2.amazonaws.com" && eventName && SECURITY_GROUP_EVENTS.includes(eventName))
    out.push(CIS_SECURITY_GROUP_CHANGES);
  const control = cisControlOf(eventSource, eventName);
  if (control) out.push(control);
  if (isUnauthorizedError(call.errorCode)) out.push(CIS_UNAUTHORIZED_CALLS);
  if (call.identityType === "Root" && !call.invokedBy) out.push(CIS_ROOT_USAGE);
  return out;
}

function ruleLine(direction: string, r: RuleSummary): string {
  const peers = r.peers.length ? r.peers.map(code).join(", ") : "no source given";
  const world = r.world ? " :warning: *open to the internet*" : "";
  const id = r.ruleId ? ` (${code(r.ruleId)})` : "";
  const desc = r.description ? ` "${esc(r.description)}"` : "";
  return `• ${direction} ${esc(r.what)} ${direction === "egress" ? "to" : "from"} ${peers}${id}${desc}${world}`;
}

/** Scalar leaves of request parameters as "• `path`: `value`" lines (never an object dump). */
function paramLines(params: Json): string[] {
  const lines: string[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (v === null || v === undefined) return;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      const text = String(v).replace(/\s+/g, " ");
      lines.push(
        `• ${code(path)}: ${code(text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) + "…" : text)}`,
      );
      return;
    }
    const list = Array.isArray(v)
      ? v
      : isObject(v) && Array.isArray(v.items) && Object.keys(v).length === 1
        ? v.items
        : undefined;
    if (list) {
      if (list.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) {
        if (list.length) lines.push(`• ${code(path)}: ${list.map((x) => code(String(x))).join(", ")}`);
      } else if (depth >= 3) {
        lines.push(`• ${code(path)}: ${list.length} item(s)`);
      } else {
        list.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
      }
      return;
    }
    if (isObject(v)) {
      if (depth >= 3) {
        lines.push(`• ${code(path)}: ${Object.keys(v).length} field(s)`);
        return;
      }
      for (const [k, child] of Object.entries(v)) walk(child, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(params, "", 0);
  if (lines.length > MAX_PARAM_LINES) {
    const more = lines.length - MAX_PARAM_LINES;
    return [...lines.slice(0, MAX_PARAM_LINES), `… ${more} more parameter(s)`];
  }
  return lines;
}

interface Changes {
  lines: string[];
  target?: string;
  worldIngress: boolean;
  /** The world-open rules the change adds, for the notice. */
  worldRules: RuleSummary[];
}

function securityGroupChanges(eventName: string, params: Json | undefined, ctx: FormatContext): Changes {
  const p = ctx.problems;
  const groupId =
    str(params, "groupId", p) ??
    str(params, "ModifySecurityGroupRulesRequest.GroupId", p) ??
    str(params, "groupName", p);
  const direction = /Egress$/.test(eventName) ? "egress" : "ingress";
  const lines: string[] = [];
  let worldIngress = false;
  const worldRules: RuleSummary[] = [];
  if (eventName === "ModifySecurityGroupRules") {
    // The request names rules by id only, so the direction is not known here: a world CIDR counts as ingress.
    for (const r of modifiedRules(params, p, ctx.settings.worldPrefixes)) {
      lines.push(ruleLine("rule", r));
      worldIngress ||= r.world;
      if (r.world) worldRules.push(r);
    }
  } else if (eventName === "CreateSecurityGroup") {
    const name = str(params, "groupName", p);
    const vpc = str(params, "vpcId", p);
    const desc = str(params, "groupDescription", p);
    lines.push(
      `• new group ${name ? code(name) : "(no name)"}${vpc ? ` in ${code(vpc)}` : ""}${desc ? `: "${esc(desc)}"` : ""}`,
    );
  } else {
    for (const r of ipPermissionRules(params, p, ctx.settings.worldPrefixes)) {
      lines.push(ruleLine(direction, r));
      if (direction === "ingress" && eventName.startsWith("Authorize") && r.world) {
        worldIngress = true;
        worldRules.push(r);
      }
    }
    for (const id of ruleIds(params, p)) lines.push(`• ${direction} rule ${code(id)}`);
  }
  if (!lines.length && params) lines.push(...paramLines(params));
  return { lines, target: groupId, worldIngress, worldRules };
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
    const v = params?.[key];
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}

export function formatCloudTrail(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const eventName = d("eventName", true) ?? "unknown API call";
  const eventSource = d("eventSource", true);
  const region = d("awsRegion") ?? str(event, "region", problems);
  if (!region) problems.list.push("detail.awsRegion is missing");
  const eventId = d("eventID", true);
  const eventTime = d("eventTime") ?? str(event, "time", problems);
  const accountId = d("recipientAccountId") ?? str(event, "account", problems) ?? d("userIdentity.accountId");
  const sourceIp = d("sourceIPAddress");
  const errorCode = d("errorCode");
  const errorMessage = d("errorMessage");
  const actor = describeActor(detail, problems);
  const rawParams = at(detail, "requestParameters");
  const params =
    rawParams === undefined || rawParams === null
      ? undefined
      : obj(detail, "requestParameters", problems, false, "detail.requestParameters");

  const call: CallFacts = {
    identityType: actor.type,
    invokedBy: d("userIdentity.invokedBy"),
    errorCode,
  };
  const kind = cloudTrailKind(eventSource, eventName, call);
  const controls = cisControlsOf(eventSource, eventName, call);
  const root = call.identityType === "Root" && !call.invokedBy;
  const changes: Changes =
    kind === "security-group"
      ? securityGroupChanges(eventName, params, ctx)
      : {
          lines: params ? paramLines(params) : [],
          target: targetOf(params, kind === "iam" ? IAM_TARGET_KEYS : CHANGE_TARGET_KEYS),
          worldIngress: false,
          worldRules: [],
        };

  const severity: Severity =
    DESTRUCTIVE_NAME.test(eventName) || changes.worldIngress || root ? "danger" : "neutral";
  const service = eventSource?.replace(/\.amazonaws\.com$/, "").toUpperCase() ?? "AWS";
  const target = changes.target ? ` on ${changes.target}` : "";
  const failed = errorCode ? ` (failed: ${errorCode})` : "";
  const headline = `${service} ${eventName}${target}${failed}`;

  const summary =
    `*${esc(actor.summary)}* called ${code(eventName)}${changes.target ? ` on ${code(changes.target)}` : ""} ` +
    `in ${esc(accountPlain(accountId, settings))}` +
    (changes.worldIngress
      ? `\n:rotating_light: *${esc(
          worldNotice(
            changes.worldRules,
            changes.worldRules.some((r) => r.ssh),
            settings.worldPrefixes,
          ),
        )}*`
      : "") +
    (root ? "\n:rotating_light: *Made with the root user's credentials.*" : "");

  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Actor", value: `${esc(actor.summary)}${actor.principal ? `\n${code(actor.principal)}` : ""}` },
    { label: "Source IP", value: sourceIp ? code(sourceIp) : "not recorded" },
    { label: "Event time", value: timeText(eventTime, "detail.eventTime", problems) },
    {
      label: "Result",
      value: errorCode ? `:x: ${code(errorCode)}${errorMessage ? ` ${esc(errorMessage)}` : ""}` : "succeeded",
    },
  ];

  const blocks: KnownBlock[] = [header(headline), section(summary), ...fieldSections(fields)];
  const changeText = changes.lines.length
    ? changes.lines.join("\n")
    : params
      ? "no parameters recorded"
      : "no request parameters were recorded";
  blocks.push(section(`*What changed*\n${changeText}`));
  if (controls.length) blocks.push(context(esc(cisLine(controls))));
  if (eventId && region && isRegionCode(region)) {
    blocks.push(...buttons([{ text: "Open in CloudTrail", url: cloudTrailEventUrl(region, eventId) }]));
  }
  const groupId = kind === "security-group" ? changes.target : undefined;
  if (settings.alertActions && !errorCode && groupId && accountId && region && isRegionCode(region)) {
    const actions = alertButtons({
      accountId,
      region,
      kind,
      eventName,
      groupId,
      eventId,
      permissions: worldPermissionsAdded(eventName, params, settings.worldPrefixes),
    });
    if (actions) blocks.push(actions);
  }
  blocks.push(footer(record, "CloudTrail event", eventId));

  const fallback =
    `${severity === "danger" ? ":red_circle: " : ""}${esc(headline)} by ${esc(actor.summary)} in ${esc(accountPlain(accountId, settings))}` +
    `${region ? ` ${esc(region)}` : ""}${changes.worldIngress ? " (opens ingress to the internet)" : ""}`;
  return { kind, accountId, eventId, region, message: message(severity, fallback, blocks) };
}
