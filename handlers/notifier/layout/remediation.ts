// The layout of the remediation function's report: what it did to which group, and why.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { describePorts } from "../../findings/sources/cloudTrail/securityGroups";
import { own } from "../../findings/parse";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

const COLORS: Readonly<Record<string, Severity>> = {
  revoked: "danger",
  "dry-run": "warning",
  exempt: "warning",
  "already-compliant": "good",
  "group-not-found": "neutral",
};

const PERMISSION_TITLES: Readonly<Record<string, string>> = {
  revoked: "Permissions revoked",
  "dry-run": "Permissions that would be revoked",
};

function triggerText(t: NonNullable<Finding["evidence"]["trigger"]>): string {
  if (t.kind === "config-compliance") return `Config rule ${t.rule ? code(t.rule) : "(unnamed)"}`;
  if (t.kind === "cloudtrail") return `CloudTrail ${t.event_name ? code(t.event_name) : "event"}`;
  return t.kind ? esc(t.kind) : "not given";
}

export function formatRemediation(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const group = f.resources[0];
  const trigger = f.evidence.trigger ?? {};
  const color = own(COLORS, f.status) ?? "neutral";
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    {
      label: "Security group",
      value: `${code(group?.uid ?? "unknown group")}${group?.name ? ` (${esc(group.name)})` : ""}${group?.data?.vpc ? `\nin ${code(group.data.vpc)}` : ""}`,
    },
    { label: "Outcome", value: f.status ? code(f.status) : "not given" },
    {
      label: "Trigger",
      value: `${triggerText(trigger)}${trigger.event_uid ? `\n${code(trigger.event_uid)}` : ""}`,
    },
  ];
  if (f.actor?.uid) fields.push({ label: "Opened by", value: code(f.actor.uid) });
  if (f.first_seen)
    fields.push({ label: "Opened at", value: timeText(f.first_seen, "detail.openedAt", problems) });
  const blocks: KnownBlock[] = [header(f.title)];
  if (f.desc) blocks.push(section(esc(f.desc)));
  blocks.push(...fieldSections(fields));
  const permissions = (f.evidence.permissions ?? []).map((p) =>
    p.unreadable
      ? "• (unreadable permission)"
      : `• ingress ${esc(describePorts(p.protocol, p.fromPort, p.toPort))} from ${p.cidrs.length ? p.cidrs.map(code).join(", ") : "no CIDR given"}${p.rule_uids.length ? ` (${p.rule_uids.map(code).join(", ")})` : ""}`,
  );
  if (permissions.length)
    blocks.push(section(`*${own(PERMISSION_TITLES, f.status) ?? "Permissions"}*\n${permissions.join("\n")}`));
  blocks.push(...buttons(f.links), footer(f, delivery));
  const fallback = `${color === "danger" ? ":red_circle: " : ""}${esc(f.title)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return message(color, fallback, blocks);
}
