// The layout of a GuardDuty finding: its rating, type, resource, the remote party, how often and when.
import type { KnownBlock } from "@slack/types";
import type { Actor, Finding, Resource } from "../../findings/model";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

const COLOR_BY_NAME: Record<string, Severity> = { Critical: "danger", High: "danger", Medium: "warning" };

/** The affected resource, in a few words: "instance `i-0abc` (payments-bastion)". */
export function guardDutyResource(resources: readonly Resource[]): string {
  const r = resources[0];
  if (!r) return "not recorded";
  switch (r.type) {
    case "Instance":
      return `instance ${r.uid ? code(r.uid) : "(no id)"}${r.name ? ` (${esc(r.name)})` : ""}`;
    case "AccessKey": {
      const key = r.data?.access_key_id;
      return `access key ${key ? code(key) : "(no id)"} of ${esc(r.data?.user_type ?? "principal")} ${r.uid ? code(r.uid) : "(unknown)"}`;
    }
    case "S3Bucket": {
      const names = resources.map((b) => b.uid).filter((n): n is string => !!n);
      return `S3 bucket ${names.length ? names.map(code).join(", ") : "(no name)"}`;
    }
    case "EKSCluster":
      return `EKS cluster ${code(r.uid ?? "(no name)")}`;
    case "RDSDBInstance":
      return `RDS instance ${code(r.uid ?? "(no id)")}`;
    case "Lambda":
      return `Lambda function ${code(r.uid ?? "(no name)")}`;
    default:
      return esc(r.type ?? "unknown resource");
  }
}

/** Who or what acted: the remote IP (with country and organization), the domain, the API, the action. */
export function guardDutyActor(a: Actor | undefined): string {
  if (!a) return "not recorded";
  if (a.ip) {
    const where = [a.location?.country, a.org].filter(Boolean);
    return `${code(a.ip)}${where.length ? ` (${esc(where.join(", "))})` : ""}`;
  }
  if (a.domain) return `domain ${code(a.domain)}`;
  if (a.operation) return `API call ${code(a.operation)}`;
  return esc(a.action_type ?? "not recorded");
}

export function formatGuardDuty(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const name = f.severity_source?.label ?? "Unknown";
  const score = f.severity_source?.score;
  const fields: Field[] = [
    { label: "Severity", value: `${esc(name)}${score !== undefined ? ` (${score})` : ""}` },
    { label: "Finding type", value: code(f.event_name ?? "unknown finding type") },
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Resource", value: guardDutyResource(f.resources) },
    { label: "Actor", value: guardDutyActor(f.actor) },
    { label: "Count", value: f.count !== undefined ? String(f.count) : "1" },
    {
      label: "First / last seen",
      value: `${timeText(f.first_seen, "detail.service.eventFirstSeen", problems)}\n${timeText(f.last_seen, "detail.service.eventLastSeen", problems)}`,
    },
  ];
  const blocks: KnownBlock[] = [
    header(f.title),
    section(
      `*${esc(name)} severity* finding in ${esc(accountPlain(accountId, settings))}${f.status === "ARCHIVED" ? " (archived)" : ""}`,
    ),
    ...fieldSections(fields),
  ];
  if (f.desc) blocks.push(section(esc(f.desc)));
  blocks.push(...buttons(f.links), footer(f, delivery));
  const fallback = `GuardDuty ${name}: ${esc(f.title.replace(/^GuardDuty: /, ""))} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return message(COLOR_BY_NAME[name] ?? "neutral", fallback, blocks);
}
