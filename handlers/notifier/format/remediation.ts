// The remediation function's own reports (source security-guard.remediation, detail-type
// "SSH Remediation Result", detail = RemediationReport from handlers/shared/remediationReport.ts).
import type { KnownBlock } from "@slack/types";
import type { RemediationOutcome } from "../../shared/remediationReport";
import { Json, arr, isObject, num, obj, str } from "../read";
import { cloudTrailEventUrl, configRuleUrl, isRegionCode, securityGroupUrl } from "../links";
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

export function formatRemediation(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const outcomeRaw = d("outcome", true);
  const known = outcomeRaw !== undefined && outcomeRaw in OUTCOMES;
  if (outcomeRaw !== undefined && !known)
    problems.list.push(`detail.outcome "${outcomeRaw}" is not one of ${Object.keys(OUTCOMES).join(", ")}`);
  const accountId = d("accountId", true) ?? str(event, "account", problems);
  const region = d("region", true) ?? str(event, "region", problems);
  const groupId = d("groupId", true);
  const groupName = d("groupName");
  const vpcId = d("vpcId");
  const reason = d("reason");
  const eventId = str(event, "id", problems) ?? messageId(record);
  const trigger = obj(detail, "trigger", problems, false, "detail.trigger");
  const tKind = str(trigger, "kind", problems, false, "detail.trigger.kind");
  const tEventId = str(trigger, "eventId", problems, false, "detail.trigger.eventId");
  const tEventName = str(trigger, "eventName", problems, false, "detail.trigger.eventName");
  const tRule = str(trigger, "configRuleName", problems, false, "detail.trigger.configRuleName");

  // One bullet per permission: its protocol and ports, sources (CIDRs, prefix lists) and rule ids.
  const permLines = (key: "permissions" | "added") =>
    (arr(detail, key, problems, `detail.${key}`) ?? []).map((p, i) => {
      const at = `detail.${key}[${i}]`;
      if (!isObject(p)) {
        problems.list.push(`${at} is not an object`);
        return "• (unreadable permission)";
      }
      const strings = (field: string) =>
        (arr(p, field, problems, `${at}.${field}`) ?? []).filter((c): c is string => typeof c === "string");
      const sources = [
        ...strings("cidrs").map(code),
        ...strings("prefixListIds").map((id) => `prefix list ${code(id)}`),
      ];
      const ids = strings("ruleIds");
      const what = describePorts(
        str(p, "ipProtocol", problems, true, `${at}.ipProtocol`),
        num(p, "fromPort", problems),
        num(p, "toPort", problems),
      );
      return `• ingress ${esc(what)} from ${sources.length ? sources.join(", ") : "no CIDR given"}${ids.length ? ` (${ids.map(code).join(", ")})` : ""}`;
    });
  const perms = permLines("permissions");
  const added = detail.added === undefined ? [] : permLines("added");

  const group = groupId ?? "unknown group";
  const outcome = known
    ? OUTCOMES[outcomeRaw as RemediationOutcome]
    : {
        severity: "neutral" as Severity,
        title: (g: string) => `Remediation report for ${g}: ${outcomeRaw ?? "no outcome"}`,
      };
  const headline = outcome.title(group);

  const triggerText =
    tKind === "config-compliance"
      ? `Config rule ${tRule ? code(tRule) : "(unnamed)"}`
      : tKind === "cloudtrail"
        ? `CloudTrail ${tEventName ? code(tEventName) : "event"}`
        : tKind
          ? esc(tKind)
          : "not given";
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    {
      label: "Security group",
      value: `${code(group)}${groupName ? ` (${esc(groupName)})` : ""}${vpcId ? `\nin ${code(vpcId)}` : ""}`,
    },
    { label: "Outcome", value: outcomeRaw ? code(outcomeRaw) : "not given" },
    { label: "Trigger", value: `${triggerText}${tEventId ? `\n${code(tEventId)}` : ""}` },
  ];
  const openedBy = d("openedBy");
  const openedAt = d("openedAt");
  if (openedBy) fields.push({ label: "Opened by", value: code(openedBy) });
  if (openedAt) fields.push({ label: "Opened at", value: timeText(openedAt, "detail.openedAt", problems) });

  const blocks: KnownBlock[] = [header(headline)];
  if (reason) blocks.push(section(esc(reason)));
  blocks.push(...fieldSections(fields));
  const permTitle =
    outcomeRaw === "revoked"
      ? "Permissions revoked"
      : outcomeRaw === "dry-run"
        ? "Permissions that would be revoked"
        : "Permissions";
  if (perms.length) blocks.push(section(`*${permTitle}*\n${perms.join("\n")}`));
  // A rule wider than SSH is re-authorized without port 22: say what was added in its place.
  if (added.length)
    blocks.push(section(`*Permissions added (the same without TCP port 22)*\n${added.join("\n")}`));
  else if (outcomeRaw === "revoked" || outcomeRaw === "dry-run")
    problems.list.push("detail.permissions is empty for a revoke report");

  const links: LinkButton[] = [];
  if (region && isRegionCode(region)) {
    if (groupId) links.push({ text: "Open security group", url: securityGroupUrl(region, groupId) });
    if (tKind === "cloudtrail" && tEventId)
      links.push({ text: "Open trigger in CloudTrail", url: cloudTrailEventUrl(region, tEventId) });
    if (tKind === "config-compliance" && tRule)
      links.push({ text: "Open rule in AWS Config", url: configRuleUrl(region, tRule) });
  }
  if (links.length) blocks.push(buttons(links));
  blocks.push(footer(record, "EventBridge event", eventId));
  const fallback = `${outcome.severity === "danger" ? ":red_circle: " : ""}${esc(headline)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return {
    kind: "remediation",
    accountId,
    eventId,
    region,
    message: message(outcome.severity, fallback, blocks),
  };
}
