// No import circle anywhere in handlers/: a circle makes module load order matter (a value read
// before its module ran is undefined) and ties parts together that should change apart. Every
// relative import and re-export counts, type-only ones too (they are where runtime circles start).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "handlers");

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.join(dir, f));
}

/** The files under `root` that `file` imports (relative specifiers only: packages cannot import us back). */
function importsOf(file: string, root: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g)].map(
    (m) => m[1],
  );
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) specs.push(m[1]);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => path.resolve(path.dirname(file), s))
    .map((p) =>
      [`${p}.ts`, path.join(p, "index.ts"), p].find((c) => fs.existsSync(c) && fs.statSync(c).isFile()),
    )
    .filter((p): p is string => p !== undefined && p.startsWith(root));
}

/** Every import circle, each once, as the files on it (depth-first search, white/grey/black). */
function importCircles(root: string): string[][] {
  const files = sources(root);
  const graph = new Map(files.map((f) => [f, importsOf(f, root)]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === "open") circles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return circles;
}

describe("handlers/ import graph", () => {
  it("has no import circle", () => {
    const rel = (f: string) => path.relative(ROOT, f);
    const circles = importCircles(ROOT).map((c) => [...c, c[0]].map(rel).join(" -> "));
    assert.deepEqual(circles, []);
  });

  it("finds a circle when there is one, type-only imports included (the check itself works)", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, "..", "test", ".cycle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = b;\n');
      fs.writeFileSync(path.join(dir, "b.ts"), 'import type { a } from "./a";\nexport const b = 1;\n');
      fs.writeFileSync(path.join(dir, "c.ts"), 'import { a } from "./a";\nexport const c = a;\n');
      assert.deepEqual(
        importCircles(dir).map((c) => c.map((f) => path.basename(f))),
        [["a.ts", "b.ts"]],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
