// Security Hub "Findings - Imported" events: one or more findings in the AWS Security Finding Format
// (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html,
// https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html).
import type { KnownBlock } from "@slack/types";
import { Json, at, isObject, obj, str } from "../read";
import { isRegionCode, securityHubFindingUrl } from "../../findings/links";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, Formatted, accountPlain, accountText, footer, regionText, timeText } from "./common";

/** Findings shown in full in one message; further findings of the same event are listed by title. */
const MAX_DETAILED = 3;
const MAX_RESOURCES = 5;

const COLOR_BY_LABEL: Record<string, Severity> = { CRITICAL: "danger", HIGH: "danger", MEDIUM: "warning" };

const s = (o: unknown, path: string): string | undefined => {
  const v = at(o, path);
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
};

/** The control a finding reports on: Security Hub's consolidated control id, else the generator. */
export function securityHubControl(f: Json): string | undefined {
  return s(f, "Compliance.SecurityControlId") ?? s(f, "ProductFields.ControlId") ?? s(f, "GeneratorId");
}

/** The finding's identity for de-duplication: the same finding at the same update is one post. */
export function securityHubDedupKey(f: Json): string | undefined {
  const id = s(f, "Id");
  return id ? `${id}@${s(f, "UpdatedAt") ?? ""}` : undefined;
}

function resourcesText(f: Json): string {
  const list = Array.isArray(f.Resources) ? f.Resources.filter(isObject) : [];
  if (!list.length) return "none listed";
  const lines = list
    .slice(0, MAX_RESOURCES)
    .map((r) => `${esc(s(r, "Type") ?? "resource")} ${code(s(r, "Id") ?? "(no id)")}`);
  if (list.length > MAX_RESOURCES) lines.push(`and ${list.length - MAX_RESOURCES} more`);
  return lines.join("\n");
}

function findingBlocks(f: Json, ctx: FormatContext, index: number): KnownBlock[] {
  const p = ctx.problems;
  const label = `detail.findings[${index}]`;
  const title = str(f, "Title", p, true, `${label}.Title`) ?? "untitled finding";
  const severity = str(f, "Severity.Label", p, false, `${label}.Severity.Label`) ?? "UNKNOWN";
  const accountId = s(f, "AwsAccountId");
  const product =
    s(f, "ProductName") ?? s(f, "ProductFields.aws/securityhub/ProductName") ?? s(f, "ProductArn");
  const fields: Field[] = [
    { label: "Severity", value: esc(severity) },
    { label: "Control", value: code(securityHubControl(f) ?? "none") },
    { label: "Product", value: esc(product ?? "unknown") },
    { label: "Account", value: accountText(accountId, ctx.settings) },
    { label: "Region", value: regionText(s(f, "Region")) },
    { label: "Compliance", value: esc(s(f, "Compliance.Status") ?? "not applicable") },
    {
      label: "Workflow / record",
      value: `${esc(s(f, "Workflow.Status") ?? s(f, "WorkflowState") ?? "unknown")} / ${esc(s(f, "RecordState") ?? "unknown")}`,
    },
    { label: "Updated", value: timeText(s(f, "UpdatedAt"), `${label}.UpdatedAt`, p) },
    { label: "Resources", value: resourcesText(f) },
  ];
  const blocks: KnownBlock[] = [section(`*${esc(title)}*`), ...fieldSections(fields)];
  const links = [];
  const id = s(f, "Id");
  const region = s(f, "Region");
  if (id && region && isRegionCode(region))
    links.push({ text: "Open in Security Hub", url: securityHubFindingUrl(region, id) });
  const remediation = s(f, "Remediation.Recommendation.Url");
  if (remediation && /^https:\/\//.test(remediation)) links.push({ text: "Remediation", url: remediation });
  if (links.length) blocks.push(...buttons(links));
  return blocks;
}

export function formatSecurityHub(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const raw = at(detail, "findings");
  if (!Array.isArray(raw)) problems.list.push("detail.findings is missing or not a list");
  const findings = (Array.isArray(raw) ? raw : []).filter(isObject);
  const first = findings[0];
  const accountId = (first && s(first, "AwsAccountId")) ?? str(event, "account", problems);
  const region = (first && s(first, "Region")) ?? str(event, "region", problems);
  const eventId = str(event, "id", problems);
  const worst = findings
    .map((f) => s(f, "Severity.Label") ?? "")
    .sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0];
  const headline = first
    ? `Security Hub: ${s(first, "Title") ?? "finding"}${findings.length > 1 ? ` (+${findings.length - 1} more)` : ""}`
    : "Security Hub: event without findings";

  const blocks: KnownBlock[] = [header(headline)];
  findings.slice(0, MAX_DETAILED).forEach((f, i) => blocks.push(...findingBlocks(f, ctx, i)));
  if (findings.length > MAX_DETAILED) {
    const rest = findings
      .slice(MAX_DETAILED)
      .map((f) => `• ${esc(s(f, "Severity.Label") ?? "?")} ${esc(s(f, "Title") ?? "untitled")}`);
    blocks.push(section(`*${rest.length} more finding(s)*\n${rest.join("\n")}`));
  }
  blocks.push(footer(record, "EventBridge event", eventId));
  const color = COLOR_BY_LABEL[worst ?? ""] ?? "neutral";
  const fallback = `${esc(headline)} (${esc(worst || "unknown severity")}) in ${esc(accountPlain(accountId, settings))}`;
  return { kind: "security-hub", accountId, eventId, region, message: message(color, fallback, blocks) };
}

const SEVERITY_ORDER = ["", "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
