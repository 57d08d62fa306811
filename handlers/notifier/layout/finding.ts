// The default layout: any finding, from the model alone (header, severity line, fields, the
// per-class detail sections, remediation, console links, footer). A new source needs no layout of
// its own; the sources shown here (Security Hub OCSF, attack sequences, Malware Protection for S3,
// Access Analyzer unused and internal access, Inspector) have none.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountPlain, accountText, footer, regionText } from "./common";

const COLOR: Record<Finding["severity"], Severity> = {
  critical: "danger",
  high: "danger",
  medium: "warning",
  low: "neutral",
  info: "good",
};

const MAX_LINES = 10;

function resourceText(f: Finding): string {
  if (!f.resources.length) return "not recorded";
  const shown = f.resources.slice(0, 3).map((r) => {
    const id = r.uid ?? "(no id)";
    const name = r.name && r.name !== r.uid && !id.endsWith(r.name) ? ` (${esc(r.name)})` : "";
    return `${esc(r.type ?? "resource")} ${code(id)}${name}`;
  });
  const more = f.resources.length > 3 ? `\n(+${f.resources.length - 3} more)` : "";
  return shown.join("\n") + more;
}

function actorText(f: Finding): string | undefined {
  const a = f.actor;
  if (!a) return undefined;
  const who = a.name ?? a.uid;
  const where = [a.location?.country, a.org].filter(Boolean).join(", ");
  const ip = a.ip ? ` from ${code(a.ip)}${where ? ` (${esc(where)})` : ""}` : "";
  const mfa = a.mfa_label ? `, MFA: ${esc(a.mfa_label)}` : "";
  return who ? `${esc(who)}${ip}${mfa}` : undefined;
}

/** The per-kind sections: signals, threats, vulnerabilities, access, indicators, notes. */
function evidenceBlocks(f: Finding): KnownBlock[] {
  const e = f.evidence;
  const out: KnownBlock[] = [];
  if (e.signals?.length) {
    const lines = e.signals.slice(0, MAX_LINES).map((s, i) => {
      const meta = [s.type, s.severity ? `severity ${s.severity}` : undefined, s.first_seen]
        .filter(Boolean)
        .join(", ");
      return `${i + 1}. ${code(s.name)}${meta ? ` (${esc(meta)})` : ""}${s.detail ? `: ${esc(s.detail)}` : ""}`;
    });
    const title = f.correlation_uid?.startsWith("security-hub-exposure")
      ? "Contributing findings"
      : "Signals";
    out.push(section(`*${title}*\n${lines.join("\n")}`));
  }
  if (e.threats?.length) out.push(section(`*Threats found*\n${e.threats.map(code).join(", ")}`));
  for (const v of e.vulnerabilities ?? []) {
    const facts = [
      v.cvss !== undefined ? `score ${v.cvss}` : undefined,
      v.epss !== undefined ? `EPSS ${v.epss}` : undefined,
      v.exploit_available === undefined
        ? undefined
        : v.exploit_available
          ? "exploit available"
          : "no known exploit",
      v.last_exploited ? `last exploited ${v.last_exploited}` : undefined,
      v.fix_available ? `fix available: ${v.fix_available}` : undefined,
    ].filter(Boolean);
    out.push(
      section(
        `*Vulnerability* ${code(v.uid)}${facts.length ? ` (${esc(facts.join(", "))})` : ""}${v.packages.length ? `\n${v.packages.map((p) => `• ${esc(p)}`).join("\n")}` : ""}`,
      ),
    );
  }
  if (e.principals?.length || e.actions?.length) {
    const parts = [
      e.principals?.length
        ? `*Principal* ${e.principals.map((p) => `${esc(p.name)} ${code(p.value)}`).join(", ")}`
        : "",
      e.actions?.length ? `*Actions* ${e.actions.map(code).join(", ")}` : "",
      e.conditions?.length ? `*Conditions* ${e.conditions.map(code).join(", ")}` : "",
    ].filter(Boolean);
    out.push(section(parts.join("\n")));
  }
  if (e.indicators?.length)
    out.push(
      section(
        e.indicators
          .slice(0, MAX_LINES)
          .map((i) => `*${esc(i.name)}*: ${esc(i.value)}`)
          .join("\n"),
      ),
    );
  if (e.notes?.length) out.push(section(e.notes.map(esc).join("\n")));
  return out;
}

/** A finding's message, for any source without a layout of its own. */
export function formatFinding(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery } = ctx;
  const accountId = f.cloud.account?.uid;
  const region = f.cloud.region;
  const fields: Field[] = [
    {
      label: "Severity",
      value: `${esc(f.severity)}${f.severity_source?.label ? ` (source: ${esc(f.severity_source.label)}${f.severity_source.score !== undefined ? ` ${f.severity_source.score}` : ""})` : ""}`,
    },
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Resource", value: resourceText(f) },
  ];
  if (f.event_name) fields.push({ label: "Type", value: code(f.event_name) });
  if (f.status) fields.push({ label: "Status", value: esc(f.status) });
  if (f.compliance?.control)
    fields.push({
      label: "Control",
      value: `${code(f.compliance.control)}${f.compliance.status ? ` ${esc(f.compliance.status)}` : ""}`,
    });
  const actor = actorText(f);
  if (actor) fields.push({ label: "Actor", value: actor });
  if (f.first_seen || f.last_seen)
    fields.push({
      label: "First / last seen",
      value: `${esc(f.first_seen ?? "unknown")}\n${esc(f.last_seen ?? "unknown")}`,
    });
  if (f.count !== undefined) fields.push({ label: "Count", value: String(f.count) });

  const blocks: KnownBlock[] = [
    header(f.title),
    section(
      `*${esc(f.severity)} severity* ${esc(f.class_name.replace("_", " "))} finding in ${esc(accountPlain(accountId, settings))}`,
    ),
    ...fieldSections(fields),
  ];
  if (f.desc) blocks.push(section(esc(f.desc)));
  blocks.push(...evidenceBlocks(f));
  if (f.remediation?.desc) blocks.push(section(`*Remediation* ${esc(f.remediation.desc)}`));
  if (f.links.length) blocks.push(...buttons(f.links.map((l) => ({ text: l.text, url: l.url }))));
  blocks.push(footer(f, delivery));
  const fallback = `${esc(f.title)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return message(COLOR[f.severity], fallback, blocks);
}
