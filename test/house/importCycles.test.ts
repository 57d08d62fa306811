// No import circle in handlers/: each module can be read, tested and packaged on its own, and a
// circle cannot grow back unnoticed.
import { strict as assert } from "assert";
import * as path from "path";
import { importCycles, importGraph } from "../../verify/importCycles";

const ROOT = path.join(__dirname, "../..");
const rel = (f: string) => path.relative(ROOT, f);

/**
 * The one circle left: the notifier's old per-source formatters and facts, which the finding model's
 * layouts replace. It may only shrink; delete this list with them.
 */
const SHRINKING = new Set(
  [
    "alertButtons.ts",
    "digest.ts",
    "facts.ts",
    "format/accessAnalyzer.ts",
    "format/alarm.ts",
    "format/cloudtrail.ts",
    "format/common.ts",
    "format/config.ts",
    "format/finding.ts",
    "format/generic.ts",
    "format/guardduty.ts",
    "format/registry.ts",
    "format/remediation.ts",
    "format/securityHub.ts",
    "format/signIn.ts",
    "grouping.ts",
    "mutes.ts",
    "pipeline.ts",
    "settings.ts",
    "severity.ts",
    "steps/classify.ts",
    "threads.ts",
  ].map((f) => `handlers/notifier/${f}`),
);

describe("the house: import circles", () => {
  it("finds a circle when there is one (the checker itself)", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    assert.deepEqual(importCycles(g), [["d"], ["a", "b", "c"]]);
  });

  for (const dir of ["handlers", "stacks", "policy", "verify", "scripts"]) {
    it(`${dir}/ has no import circle${dir === "handlers" ? " beyond the shrinking one" : ""}`, () => {
      const cycles = importCycles(importGraph(path.join(ROOT, dir))).map((c) => c.map(rel));
      const news = cycles.filter((c) => !c.every((f) => SHRINKING.has(f)));
      assert.deepEqual(news, [], `import circles:\n${news.map((c) => c.join(" -> ")).join("\n")}`);
    });
  }
});
