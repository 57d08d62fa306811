// What each function's package holds, as CallbackFunction serialized it: only what that function
// runs. The program's own dependencies (Ajv, for the configuration) stay out of every package.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROGRAM_ONLY_PACKAGES } from "../../stacks/components/guardFunction";
import { FUNCTION_NAMES } from "../../stacks/names";
import { buildDeployedPackages } from "../helpers/deployed";

const MODULES = path.resolve(__dirname, "..", "..", "node_modules");

/** A package and everything it depends on that npm installed at the top of node_modules. */
function withDependencies(name: string, found = new Set<string>()): Set<string> {
  const manifest = path.join(MODULES, name, "package.json");
  if (found.has(name) || !fs.existsSync(manifest)) return found;
  found.add(name);
  const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    withDependencies(dep, found);
  }
  return found;
}

describe("function packages", () => {
  it("hold only what each function runs: the notifier axios and valibot with their dependencies, the others nothing, none Ajv", async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    const programOnly = new Set(PROGRAM_ONLY_PACKAGES.flatMap((p) => [...withDependencies(p)]));
    assert.ok(programOnly.has("ajv") && programOnly.size > 1, `program-only: ${[...programOnly]}`);
    const byName = new Map(manifest.functions.map((f) => [f.function, f]));
    assert.deepEqual([...byName.keys()].sort(), Object.values(FUNCTION_NAMES).sort());
    for (const fn of manifest.functions) {
      assert.deepEqual(
        fn.packages.filter((p) => programOnly.has(p)),
        [],
        `${fn.function} packages: ${fn.packages.join(", ")}`,
      );
      const expected =
        fn.function === FUNCTION_NAMES.notifier
          ? [...new Set([...withDependencies("axios"), ...withDependencies("valibot")])].sort()
          : [];
      assert.deepEqual(fn.packages, expected, fn.function);
    }
  });
});
