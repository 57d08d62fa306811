// `npm run plan -- --markdown`: the plan as GitHub-flavoured Markdown for a job summary or a pull
// request comment: the topology as a Mermaid diagram, one table for all stacks, the violations with
// what each policy requires, quota headroom, and per-stack resource tables folded in <details>.
import { policies as packPolicies } from "../policy/policies";
import { PlanReport, StackSummary, resourceRegions } from "./plan";
import { TOPOLOGY_LEGEND, TopologyStack, topologyDiagram } from "./topologyDiagram";
import { formatWiringSummary } from "./wiring/summary";

/** A table cell: pipes escaped, newlines as <br> (GFM tables are one line per row). */
export function cell(text: unknown): string {
  return String(text ?? "")
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

function table(header: string[], rows: unknown[][], align?: ("l" | "r")[]): string[] {
  const sep = header.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${sep.join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

const REQUIRES = new Map(packPolicies.map((p) => [p.name, p.description ?? ""]));

function counts(s: StackSummary) {
  const mandatory = s.violations.filter((v) => v.level === "mandatory").length;
  return { mandatory, advisory: s.violations.length - mandatory };
}

export function planMarkdown(report: PlanReport, topology: TopologyStack[]): string {
  const t = report.totals;
  const out: string[] = [];
  out.push(`## security-guard plan: ${report.ok ? "PASS" : "FAIL"}`, "");
  out.push(
    `${t.stacks} stacks, ${t.resources} resources, ${t.mandatory} mandatory and ${t.advisory} advisory violations, ` +
      `${t.failedStacks} stacks failed to build.`,
    "",
  );
  for (const p of report.crossStackProblems) out.push(`- :x: ${p}`);
  if (report.crossStackProblems.length > 0) out.push("");

  if (topology.length > 0)
    out.push("### Topology", "", "```mermaid", topologyDiagram(topology), "```", "", TOPOLOGY_LEGEND, "");

  out.push("### Stacks", "");
  out.push(
    ...table(
      ["", "stack", "role", "account", "regions", "resources", "mandatory", "advisory", "max quota use"],
      report.stacks.map((s) => {
        const c = counts(s);
        const worst = [...s.quotas].sort((a, b) => b.fraction - a.fraction)[0];
        return [
          s.ok ? ":white_check_mark:" : ":x:",
          s.stack,
          s.role ?? "?",
          s.accountId ?? "?",
          s.regions.join(", "),
          s.resourceCount,
          c.mandatory,
          c.advisory,
          worst ? `${pct(worst.fraction)} (${worst.quota})` : "",
        ];
      }),
      ["l", "l", "l", "l", "l", "r", "r", "r", "l"],
    ),
    "",
  );
  const failed = report.stacks.filter((s) => s.error);
  for (const s of failed) out.push(`**${s.stack}** did not build:`, "", "```text", s.error ?? "", "```", "");

  const violations = report.stacks.flatMap((s) => s.violations.map((v) => ({ stack: s.stack, ...v })));
  if (violations.length > 0) {
    out.push("### Violations", "");
    out.push(
      ...table(
        ["level", "stack", "policy", "resource", "problem", "fix: the policy requires"],
        violations
          .sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))
          .map((v) => [
            v.level,
            v.stack,
            v.policy,
            v.name ? `${v.name} (${v.type})` : "stack",
            v.message,
            REQUIRES.get(v.policy) ?? "",
          ]),
      ),
      "",
    );
  }

  const quotas = report.stacks.flatMap((s) => s.quotas.map((q) => ({ stack: s.stack, ...q })));
  if (quotas.length > 0) {
    out.push("### Quota headroom", "");
    out.push(
      ...table(
        ["stack", "quota", "used", "limit", "use", "largest"],
        quotas
          .sort((a, b) => b.fraction - a.fraction)
          .map((q) => [q.stack, q.quota, q.used, q.limit, pct(q.fraction), q.where]),
        ["l", "l", "r", "r", "r", "l"],
      ),
      "",
    );
  }

  if (report.muteReport.length > 0) {
    out.push("### Mute rules to review", "");
    out.push(
      ...table(
        ["stack file", "rule", "problem"],
        report.muteReport.map((m) => [m.stackFile, `mutes[${m.index}] ${m.name}`, m.problem]),
      ),
      "",
    );
  }

  out.push("### Resources per stack", "");
  for (const s of report.stacks.filter((x) => !x.error)) {
    const regions = resourceRegions(s);
    out.push(`<details><summary>${s.stack}: ${s.resourceCount} resources</summary>`, "");
    out.push(
      ...table(
        ["type", ...regions],
        Object.entries(s.resources)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, byRegion]) => [type, ...regions.map((r) => byRegion[r] ?? "")]),
        ["l", ...regions.map(() => "r" as const)],
      ),
      "",
      "</details>",
      "",
    );
  }

  if (report.wiring) {
    out.push(`### Wiring: ${report.wiring.ok ? "PASS" : "FAIL"}`, "");
    out.push("<details><summary>routes and access paths</summary>", "", "```text");
    out.push(formatWiringSummary(report.wiring, { verbose: true }), "```", "", "</details>", "");
  }
  return out.join("\n");
}
