// The README's tables of the finding sources, generated from the source modules' own declarations
// (detections, spoke rules, severity rules), so adding a source changes its module and its line in
// the registry, and `npm run config:docs` writes the README; a test fails while the README is stale.
import { SOURCES, forwardRules, severityTableRows } from "../handlers/findings/registry";

/** The text after each marker, up to the end of the first table, is generated. */
export const DETECTION_MARKER = "### What each source detects";
export const SEVERITY_MARKER = "### Severity\n";

/** A Markdown table laid out as Prettier lays it out (columns padded to their widest cell). */
export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (c: string) => c.replace(/\|/g, "\\|");
  const all = [header, ...rows].map((r) => r.map(escape));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => [...r[i]].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join(" | ")} |`;
  return [
    line(all[0]),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...all.slice(1).map(line),
  ].join("\n");
}

/** The spoke rules a detection row names: its own list, else every rule of its source. */
function rulesCell(rules: readonly string[]): string {
  return rules.length ? rules.map((r) => `\`${r}\``).join(", ") : "none (the hub's own)";
}

/** One row per detection of every source: the source, its spoke rules, what, from where. */
export function detectionTable(): string {
  const known = forwardRules().map((r) => r.name);
  return markdownTable(
    ["source", "spoke rule(s)", "what", "from"],
    SOURCES.flatMap((s) =>
      s.detects.map((d) => {
        const rules = d.rules ?? (s.forward ?? []).map((r) => r.name);
        const unknown = rules.filter((r) => !known.includes(r));
        if (unknown.length) throw new Error(`source ${s.id} names no such spoke rule: ${unknown.join(", ")}`);
        return [s.name, rulesCell(rules), d.what, d.from];
      }),
    ),
  );
}

/** Every source's severity rows, records that cannot be read first and the fallback last. */
export function severityTable(): string {
  return markdownTable(["source", "severity", "when"], severityTableRows());
}

/** Replaces the first table after `marker` with `table`; throws when the README lacks either. */
function replaceTableAfter(text: string, marker: string, table: string): string {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no "${marker}" section`);
  const start = text.indexOf("\n|", at);
  if (start < 0) throw new Error(`README.md has no table after "${marker}"`);
  let end = start + 1;
  while (end < text.length && text[end] === "|") {
    const next = text.indexOf("\n", end);
    end = next < 0 ? text.length : next + 1;
  }
  const tail = text.slice(end);
  return `${text.slice(0, start + 1)}${table}\n${tail}`;
}

/** The README with both generated tables brought up to date. */
export function withGeneratedTables(readme: string): string {
  const tables: Array<[string, string]> = [
    [DETECTION_MARKER, detectionTable()],
    [SEVERITY_MARKER, severityTable()],
  ];
  return tables.reduce((text, [marker, table]) => replaceTableAfter(text, marker, table), readme);
}
