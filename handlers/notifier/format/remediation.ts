// The remediation function's own reports (source security-guard.remediation, detail-type
// "SSH Remediation Result", detail = RemediationReport from handlers/shared/remediationReport.ts).
import type { KnownBlock } from "@slack/types";
import type { RemediationOutcome } from "../../shared/remediationReport";
import { Json, Problems, arr, isObject, num, obj, own, str } from "../read";
import { cloudTrailEventUrl, configRuleUrl, isRegionCode, securityGroupUrl } from "../../findings/links";
import { describePorts } from "../sgRules";
import {
  Field,
  LinkButton,
  Severity,
  buttons,
  code,
  esc,
  fieldSections,
  header,
  message,
  section,
} from "../slack";
import {
  FormatContext,
  Formatted,
  accountPlain,
  accountText,
  footer,
  regionText,
  timeText,
  messageId,
} from "./common";

const OUTCOMES: Record<RemediationOutcome, { severity: Severity; title: (group: string) => string }> = {
  revoked: { severity: "danger", title: (g) => `Revoked SSH open to the internet on ${g}` },
  "dry-run": { severity: "warning", title: (g) => `Dry run: would revoke SSH open to the internet on ${g}` },
  exempt: { severity: "warning", title: (g) => `Exempt: ${g} keeps SSH open to the internet` },
  "already-compliant": { severity: "good", title: (g) => `No action: ${g} has no SSH open to the internet` },
  "group-not-found": { severity: "neutral", title: (g) => `No action: ${g} no longer exists` },
};

/** The report's fields, read with problems noted. */
interface ReportFields {
  outcome?: string;
  accountId?: string;
  region?: string;
  groupId?: string;
  groupName?: string;
  vpcId?: string;
  reason?: string;
  openedBy?: string;
  openedAt?: string;
  eventId: string;
  trigger: { kind?: string; eventId?: string; eventName?: string; rule?: string };
  permissions: string[];
}

function permissionLines(detail: Json, problems: Problems): string[] {
  return (arr(detail, "permissions", problems, "detail.permissions") ?? []).map((p, i) => {
    if (!isObject(p)) {
      problems.list.push(`detail.permissions[${i}] is not an object`);
      return "• (unreadable permission)";
    }
    const strings = (key: string) =>
      (arr(p, key, problems, `detail.permissions[${i}].${key}`) ?? []).filter(
        (c): c is string => typeof c === "string",
      );
    const cidrs = strings("cidrs");
    const ids = strings("ruleIds");
    const what = describePorts(
      str(p, "ipProtocol", problems, true, `detail.permissions[${i}].ipProtocol`),
      num(p, "fromPort", problems),
      num(p, "toPort", problems),
    );
    return `• ingress ${esc(what)} from ${cidrs.length ? cidrs.map(code).join(", ") : "no CIDR given"}${ids.length ? ` (${ids.map(code).join(", ")})` : ""}`;
  });
}

function readReport(event: Json, ctx: FormatContext): ReportFields {
  const { problems, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const t = (key: string) => str(detail, `trigger.${key}`, problems, false, `detail.trigger.${key}`);
  const outcome = d("outcome", true);
  if (outcome !== undefined && !own(OUTCOMES, outcome))
    problems.list.push(`detail.outcome "${outcome}" is not one of ${Object.keys(OUTCOMES).join(", ")}`);
  const fields: ReportFields = {
    outcome,
    accountId: d("accountId", true) ?? str(event, "account", problems),
    region: d("region", true) ?? str(event, "region", problems),
    groupId: d("groupId", true),
    groupName: d("groupName"),
    vpcId: d("vpcId"),
    reason: d("reason"),
    eventId: str(event, "id", problems) ?? messageId(record),
    trigger: {},
    permissions: [],
  };
  obj(detail, "trigger", problems, false, "detail.trigger");
  fields.trigger = {
    kind: t("kind"),
    eventId: t("eventId"),
    eventName: t("eventName"),
    rule: t("configRuleName"),
  };
  fields.permissions = permissionLines(detail, problems);
  fields.openedBy = d("openedBy");
  fields.openedAt = d("openedAt");
  return fields;
}

function triggerText(t: ReportFields["trigger"]): string {
  if (t.kind === "config-compliance") return `Config rule ${t.rule ? code(t.rule) : "(unnamed)"}`;
  if (t.kind === "cloudtrail") return `CloudTrail ${t.eventName ? code(t.eventName) : "event"}`;
  return t.kind ? esc(t.kind) : "not given";
}

function reportFields(r: ReportFields, ctx: FormatContext): Field[] {
  const group = r.groupId ?? "unknown group";
  const fields: Field[] = [
    { label: "Account", value: accountText(r.accountId, ctx.settings) },
    { label: "Region", value: regionText(r.region) },
    {
      label: "Security group",
      value: `${code(group)}${r.groupName ? ` (${esc(r.groupName)})` : ""}${r.vpcId ? `\nin ${code(r.vpcId)}` : ""}`,
    },
    { label: "Outcome", value: r.outcome ? code(r.outcome) : "not given" },
    {
      label: "Trigger",
      value: `${triggerText(r.trigger)}${r.trigger.eventId ? `\n${code(r.trigger.eventId)}` : ""}`,
    },
  ];
  if (r.openedBy) fields.push({ label: "Opened by", value: code(r.openedBy) });
  if (r.openedAt)
    fields.push({ label: "Opened at", value: timeText(r.openedAt, "detail.openedAt", ctx.problems) });
  return fields;
}

function consoleLinks(r: ReportFields): LinkButton[] {
  const links: LinkButton[] = [];
  const { region, groupId, trigger } = r;
  if (!region || !isRegionCode(region)) return links;
  if (groupId) links.push({ text: "Open security group", url: securityGroupUrl(region, groupId) });
  if (trigger.kind === "cloudtrail" && trigger.eventId)
    links.push({ text: "Open trigger in CloudTrail", url: cloudTrailEventUrl(region, trigger.eventId) });
  if (trigger.kind === "config-compliance" && trigger.rule)
    links.push({ text: "Open rule in AWS Config", url: configRuleUrl(region, trigger.rule) });
  return links;
}

const PERMISSION_TITLES: Readonly<Record<string, string>> = {
  revoked: "Permissions revoked",
  "dry-run": "Permissions that would be revoked",
};

export function formatRemediation(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const r = readReport(event, ctx);
  const outcome = (r.outcome !== undefined ? own(OUTCOMES, r.outcome) : undefined) ?? {
    severity: "neutral" as Severity,
    title: (g: string) => `Remediation report for ${g}: ${r.outcome ?? "no outcome"}`,
  };
  const headline = outcome.title(r.groupId ?? "unknown group");
  const blocks: KnownBlock[] = [header(headline)];
  if (r.reason) blocks.push(section(esc(r.reason)));
  blocks.push(...fieldSections(reportFields(r, ctx)));
  const permTitle =
    (r.outcome !== undefined ? own(PERMISSION_TITLES, r.outcome) : undefined) ?? "Permissions";
  if (r.permissions.length) blocks.push(section(`*${permTitle}*\n${r.permissions.join("\n")}`));
  else if (r.outcome === "revoked" || r.outcome === "dry-run")
    problems.list.push("detail.permissions is empty for a revoke report");
  blocks.push(...buttons(consoleLinks(r)));
  blocks.push(footer(record, "EventBridge event", r.eventId));
  const fallback = `${outcome.severity === "danger" ? ":red_circle: " : ""}${esc(headline)} in ${esc(accountPlain(r.accountId, settings))}${r.region ? ` ${esc(r.region)}` : ""}`;
  return {
    kind: "remediation",
    accountId: r.accountId,
    eventId: r.eventId,
    region: r.region,
    message: message(outcome.severity, fallback, blocks),
  };
}
