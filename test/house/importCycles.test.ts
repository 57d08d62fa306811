// No import circle in handlers/: each module can be read, tested and packaged on its own, and a
// circle cannot grow back unnoticed.
import { strict as assert } from "assert";
import * as path from "path";
import { importCycles, importGraph } from "../../verify/importCycles";

const ROOT = path.join(__dirname, "../..");
const rel = (f: string) => path.relative(ROOT, f);

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
    it(`${dir}/ has no import circle`, () => {
      const cycles = importCycles(importGraph(path.join(ROOT, dir))).map((c) => c.map(rel));
      assert.deepEqual(cycles, [], `import circles:\n${cycles.map((c) => c.join(" -> ")).join("\n")}`);
    });
  }
});
