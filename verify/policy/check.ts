// Runs the CrossGuard pack over any Pulumi TypeScript program under the mock runtime (`npm run
// policy:check`): the program module is loaded as `pulumi preview` would load it, with the stack's
// config, and every resource it registers is checked.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { OfflineOptions, Violation, runPoliciesOffline } from "./offline";
import { readPackConfig } from "./packConfig";
import { evaluate } from "../mockRuntime";
import { readStackFile } from "../stackFiles";
import { toPolicyResources } from "./resources";

export interface PolicyCheckResult {
  program: string;
  stack: string;
  resources: number;
  violations: Violation[];
  error?: string;
}

function resolveProgram(programPath: string): { entry: string; project: string } {
  const abs = path.resolve(programPath);
  if (!fs.existsSync(abs)) throw new Error(`program not found: ${abs}`);
  const dir = fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
  const entry = fs.statSync(abs).isDirectory() ? require.resolve(abs) : abs;
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(dir, f))
    .find((f) => fs.existsSync(f));
  const project = projectFile
    ? String((parse(fs.readFileSync(projectFile, "utf8")) as { name?: string }).name ?? "project")
    : "project";
  return { entry, project };
}

export async function policyCheck(opts: {
  program: string;
  stack?: string;
  config?: string;
  /** A `--policy-pack-config` file: enforcement levels and policy settings. */
  policyConfig?: string;
}): Promise<PolicyCheckResult> {
  let resolved: { entry: string; project: string };
  let stackFile: ReturnType<typeof readStackFile> | undefined;
  let policyOptions: OfflineOptions | undefined;
  try {
    resolved = resolveProgram(opts.program);
    stackFile = opts.config ? readStackFile(opts.config) : undefined;
    policyOptions = opts.policyConfig ? readPackConfig(opts.policyConfig) : undefined;
  } catch (err) {
    return {
      program: opts.program,
      stack: opts.stack ?? "dev",
      resources: 0,
      violations: [],
      error: (err as Error).message,
    };
  }
  const { entry, project } = resolved;
  const stack = opts.stack ?? stackFile?.stack ?? "dev";
  try {
    const evaluation = await evaluate({
      stack,
      project,
      config: stackFile?.config ?? {},
      secretKeys: stackFile?.secretKeys ?? [],
      program: () => {
        // A program registers its resources when its module runs: run it afresh on every check.
        delete require.cache[require.resolve(entry)];
        return require(entry);
      },
    });
    const violations = runPoliciesOffline(toPolicyResources(evaluation.resources), policyOptions);
    return { program: entry, stack, resources: evaluation.resources.length, violations };
  } catch (err) {
    return { program: entry, stack, resources: 0, violations: [], error: (err as Error).message };
  }
}
