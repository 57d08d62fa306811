// The README's tables of the finding sources, generated from the source modules' own declarations
// (detections, spoke rules, severity rules), so adding a source changes one module and
// `npm run config:docs` writes the README; a test fails while the README is stale.
import { modelSources, severityTableRows } from "../handlers/findings/registry";

/** The text after each marker, up to the end of the first table, is generated. */
export const DETECTION_MARKER = "Sources mapped to the finding model";
export const SEVERITY_MARKER = "### Severity of the sources mapped to the finding model";
export const WIRED_SEVERITY_MARKER = "### Severity\n";

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

export function detectionTable(): string {
  return markdownTable(
    ["source", "forwarded by the spoke rule", "what", "from"],
    modelSources().flatMap((s) =>
      s.detects.map((d) => [
        s.name,
        (s.forward ?? []).map((r) => `\`${r.name}\``).join(", ") || "`guardduty-findings`",
        d.what,
        d.from,
      ]),
    ),
  );
}

export function severityTable(): string {
  return markdownTable(
    ["source", "severity", "when"],
    modelSources().flatMap((s) => s.severity.map((r) => [s.name, r.severity, r.when])),
  );
}

/** The severity of the sources the stacks wire by hand, records that cannot be read first. */
export function wiredSeverityTable(): string {
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
    [WIRED_SEVERITY_MARKER, wiredSeverityTable()],
    [DETECTION_MARKER, detectionTable()],
    [SEVERITY_MARKER, severityTable()],
  ];
  return tables.reduce((text, [marker, table]) => replaceTableAfter(text, marker, table), readme);
}
