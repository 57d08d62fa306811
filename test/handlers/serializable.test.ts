// Guards against the closure-serialization pitfalls we measured (see README, "Inline Lambda
// pitfalls"): patterns that build and deploy fine but break inside the serialized package.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const HANDLERS = path.resolve(__dirname, "..", "..", "handlers");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("handlers stay serializable by Pulumi's closure serializer", () => {
  const files = sources(HANDLERS);

  it("never import @pulumi/* (handlers are plain TypeScript)", () => {
    const offenders = files.filter((f) => /from\s+["']@pulumi\//.test(fs.readFileSync(f, "utf8")));
    assert.deepEqual(offenders, []);
  });

  it("define no Error subclasses (serialized, they lose their message: use namedError)", () => {
    const code = (f: string) =>
      fs
        .readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => !/^\s*(\/\/|\*)/.test(l))
        .join("\n");
    const offenders = files.filter((f) => /class\s+\w+\s+extends\s+Error\b/.test(code(f)));
    assert.deepEqual(
      offenders.map((f) => path.relative(HANDLERS, f)),
      [],
    );
  });

  it("hold no module-level Set or Map (serialized as plain objects) and no module-level let", () => {
    const offenders: string[] = [];
    for (const f of files) {
      fs.readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (
            /^(export\s+)?(const|let|var)\s+\w+[^=]*=\s*new\s+(Set|Map|WeakMap)\b/.test(line) ||
            /^(export\s+)?let\s/.test(line)
          ) {
            offenders.push(`${path.relative(HANDLERS, f)}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    assert.deepEqual(offenders, []);
  });
});
