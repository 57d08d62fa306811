// The README's tables of the sources mapped to the finding model are those modules' declarations,
// row for row: a changed severity rule, rule name or detection fails here until the README says it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { modelSources } from "../../../handlers/findings/registry";

const readme = fs.readFileSync(path.join(__dirname, "../../../README.md"), "utf8");
const cells = (l: string) =>
  l
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());

function tableAfter(marker: string): string[][] {
  const from = readme.indexOf(marker);
  assert.ok(from >= 0, `README has "${marker}"`);
  const lines = readme.slice(from).split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
  return lines.slice(start + 2, end).map(cells);
}

describe("README tables of the model sources", () => {
  it("the severity table is every source's rules, in order", () => {
    assert.deepEqual(
      tableAfter("### Severity of the sources mapped to the finding model"),
      modelSources().flatMap((s) => s.severity.map((r) => [s.name, r.severity, r.when])),
    );
  });

  it("the detection table is every source's detections and spoke rules", () => {
    assert.deepEqual(
      tableAfter("Sources mapped to the finding model").map((c) => [
        c[0],
        c[1].replace(/`/g, ""),
        c[2],
        c[3],
      ]),
      modelSources().flatMap((s) =>
        s.detects.map((d) => [
          s.name,
          (s.forward ?? []).map((r) => r.name).join(", ") || "guardduty-findings",
          d.what,
          d.from,
        ]),
      ),
    );
  });
});
