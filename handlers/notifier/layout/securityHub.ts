// The layout of a Security Hub CSPM event (ASFF): its findings, the most severe first, each with its
// control, product, compliance and workflow state and resources; past three, one line each.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

/** Findings shown in full in one message; further findings of the same event are listed by title. */
const MAX_DETAILED = 3;
const MAX_RESOURCES = 5;

const COLOR_BY_LABEL: Record<string, Severity> = { CRITICAL: "danger", HIGH: "danger", MEDIUM: "warning" };

function resourcesText(f: Finding): string {
  if (!f.resources.length) return "none listed";
  const lines = f.resources
    .slice(0, MAX_RESOURCES)
    .map((r) => `${esc(r.type ?? "resource")} ${code(r.uid ?? "(no id)")}`);
  if (f.resources.length > MAX_RESOURCES) lines.push(`and ${f.resources.length - MAX_RESOURCES} more`);
  return lines.join("\n");
}

function findingBlocks(f: Finding, ctx: FormatContext, index: number): KnownBlock[] {
  const w = f.evidence.workflow;
  const fields: Field[] = [
    { label: "Severity", value: esc(f.severity_source?.label ?? "UNKNOWN") },
    { label: "Control", value: code(f.compliance?.control ?? "none") },
    { label: "Product", value: esc(f.evidence.product ?? "unknown") },
    { label: "Account", value: accountText(accountOf(f), ctx.settings) },
    { label: "Region", value: regionText(f.cloud.region) },
    { label: "Compliance", value: esc(f.compliance?.status ?? "not applicable") },
    {
      label: "Workflow / record",
      value: `${esc(w?.status ?? "unknown")} / ${esc(w?.record_state ?? "unknown")}`,
    },
    { label: "Updated", value: timeText(f.time, `detail.findings[${index}].UpdatedAt`, ctx.problems) },
    { label: "Resources", value: resourcesText(f) },
  ];
  return [section(`*${esc(f.title)}*`), ...fieldSections(fields), ...buttons(f.links)];
}

export function formatSecurityHub(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery } = ctx;
  // A finding always has its workflow state; the event without findings has none.
  const findings = f.evidence.workflow ? [f, ...(f.related ?? [])] : [];
  const accountId = accountOf(f);
  const headline = `Security Hub: ${f.title}${findings.length > 1 ? ` (+${findings.length - 1} more)` : ""}`;
  const blocks: KnownBlock[] = [header(headline)];
  findings.slice(0, MAX_DETAILED).forEach((x, i) => blocks.push(...findingBlocks(x, ctx, i)));
  if (findings.length > MAX_DETAILED) {
    const rest = findings
      .slice(MAX_DETAILED)
      .map((x) => `• ${esc(x.severity_source?.label ?? "?")} ${esc(x.title)}`);
    blocks.push(section(`*${rest.length} more finding(s)*\n${rest.join("\n")}`));
  }
  blocks.push(footer(f, delivery));
  // The lead is the most severe finding: its label is the event's colour.
  const worst = findings.length ? f.severity_source?.label : undefined;
  const fallback = `${esc(headline)} (${esc(worst || "unknown severity")}) in ${esc(accountPlain(accountId, settings))}`;
  return message(COLOR_BY_LABEL[worst ?? ""] ?? "neutral", fallback, blocks);
}
