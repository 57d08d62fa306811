// What each function's package holds, as CallbackFunction serialized it: only what that function
// runs. The program's own dependencies (Ajv, for the configuration) stay out of every package.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NODE_RUNTIMES, runtimeVerdict } from "../../policy/lambdaRuntimes";
import { LAMBDA_RUNTIME } from "../../stacks/lambdaRuntime";
import { PROGRAM_ONLY_PACKAGES, TOOLCHAIN_PACKAGES } from "../../stacks/components/guardFunction";
import { FUNCTION_NAMES } from "../../stacks/names";
import { assertRuntimeNode, buildDeployedPackages } from "../helpers/deployed";

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
  it("hold only what each function runs: the notifier axios and valibot, the chat-ops worker valibot (with their dependencies), the others nothing, none Ajv", async function () {
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
          : fn.function === FUNCTION_NAMES.chatopsWorker
            ? [...withDependencies("valibot")].sort()
            : [];
      assert.deepEqual(fn.packages, expected, fn.function);
    }
  });
});

describe("function runtime", () => {
  it("keeps the toolchain's Node binaries (optionalDependencies) out of every package", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(MODULES, "..", "package.json"), "utf8")) as {
      optionalDependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(pkg.optionalDependencies ?? {}).sort(), [...TOOLCHAIN_PACKAGES].sort());
  });

  it("is one the policy pack's runtime table knows and AWS has not deprecated", () => {
    assert.ok(NODE_RUNTIMES[LAMBDA_RUNTIME], `${LAMBDA_RUNTIME} is not in policy/lambdaRuntimes.ts`);
    assert.equal(runtimeVerdict(LAMBDA_RUNTIME, new Date(), 0).kind, "supported");
  });

  it("runs these tests: the deployed-form tests refuse another Node major, naming both", () => {
    assertRuntimeNode();
    assert.throws(
      () => assertRuntimeNode("20.20.2"),
      /the functions deploy on nodejs24\.x \(Node 24\), but these tests run Node 20\.20\.2 /,
    );
  });

  it("every package's handler is async (event, context): Node 24 runtimes refuse callback handlers", async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    for (const fn of manifest.functions) {
      const shape = execFileSync(
        process.execPath,
        [
          "-e",
          `const h = require(${JSON.stringify(path.join(fn.dir, "__index.js"))}).handler;` +
            "process.stdout.write(JSON.stringify([h.constructor.name, h.length]))",
        ],
        { env: { PATH: process.env.PATH ?? "", NODE_PATH: path.join(MODULES), AWS_REGION: "us-east-1" } },
      ).toString();
      assert.deepEqual(JSON.parse(shape), ["AsyncFunction", 2], fn.function);
    }
  });
});
