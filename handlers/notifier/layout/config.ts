// The layouts of AWS Config's notifications: a compliance change (rule, resource, verdict), and any
// other notification type (what it is and where).
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

export function formatCompliance(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const where = f.metadata.event_label === "EventBridge event" ? "detail." : "";
  const compliance = f.compliance?.status ?? "UNKNOWN";
  const previous = f.compliance?.previous_status;
  const rule = f.compliance?.control;
  const resource = f.resources[0];
  const severity: Severity =
    compliance === "NON_COMPLIANT" ? "danger" : compliance === "COMPLIANT" ? "good" : "neutral";
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Rule", value: rule ? code(rule) : "unknown" },
    {
      label: "Resource",
      value: `${resource?.type ? `${esc(resource.type)} ` : ""}${code(resource?.uid ?? "unknown resource")}`,
    },
    { label: "Compliance", value: `${previous ? `${code(previous)} → ` : ""}*${esc(compliance)}*` },
    {
      label: "Recorded",
      value: timeText(f.last_seen, `${where}newEvaluationResult.resultRecordedTime`, problems),
    },
  ];
  const blocks: KnownBlock[] = [header(f.title), ...fieldSections(fields)];
  if (f.desc) blocks.push(section(`*Annotation*\n${esc(f.desc)}`));
  blocks.push(...buttons(f.links), footer(f, delivery));
  const fallback = `${severity === "danger" ? ":red_circle: " : ""}${esc(f.title)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return message(severity, fallback, blocks);
}

/** Any other Config notification type: what it is and where, never its raw JSON. */
export function formatOtherConfig(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const type = f.event_name ?? "unknown";
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(f.cloud.region) },
    { label: "Notification", value: code(type) },
    { label: "Created", value: timeText(f.time, "notificationCreationTime", problems) },
  ];
  const e = f.evidence;
  const lines: string[] = [];
  for (const n of e.notes ?? []) lines.push(`S3 object: ${code(n)}`);
  if (e.text) lines.push(`Reason: ${esc(e.text)}`);
  if (e.keys?.length) lines.push(`Fields: ${e.keys.slice(0, 15).map(code).join(", ")}`);
  const blocks: KnownBlock[] = [header(f.title), ...fieldSections(fields)];
  if (lines.length) blocks.push(section(lines.join("\n")));
  if (e.identifying?.length)
    blocks.push(section(`Rules: ${e.identifying.map((r) => code(r.value)).join(", ")}`));
  blocks.push(footer(f, delivery));
  return message("neutral", `AWS Config ${esc(type)} in ${esc(accountPlain(accountId, settings))}`, blocks);
}
