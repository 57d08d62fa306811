// Any Pulumi TypeScript program module through the real engine's preview with the policy pack: the
// engine-side counterpart of `npm run policy:check`, used to prove both agree on the same programs.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import type { Violation } from "../policy/offline";
import { collectEvents, newEngineReport } from "./events";
import { errorLines } from "./runStacks";
import { EngineWorkspace, REPO, stubPlugins } from "./workspace";

export interface ProgramPreview {
  violations: Violation[];
  /** Engine errors other than policy violations (a program that does not build, a provider failure). */
  errors: string[];
  /** Resources the preview would create (custom and component resources, the stack included). */
  resources: number;
  /** Whether the engine reported failure (mandatory violations fail a preview). */
  failed: boolean;
}

/** Stack names: lower-case letters, digits, hyphens, underscores, dots. */
function stackName(programPath: string): string {
  return path.basename(path.dirname(path.resolve(programPath))).replace(/[^A-Za-z0-9_.-]/g, "-");
}

export async function previewProgram(
  ws: EngineWorkspace,
  programPath: string,
  options: { project?: string; stack?: string } = {},
): Promise<ProgramPreview> {
  const entry = require.resolve(path.resolve(programPath));
  const project = options.project ?? "program";
  const workDir = path.join(ws.dir, "programs", project);
  if (!fs.existsSync(path.join(workDir, "Pulumi.yaml"))) {
    fs.mkdirSync(workDir, { recursive: true });
    const plugins = stubPlugins(ws);
    // The engine reads file assets (CallbackFunction packages' node_modules) relative to the project.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(workDir, "node_modules"));
    fs.writeFileSync(
      path.join(workDir, "Pulumi.yaml"),
      stringify({ name: project, runtime: "nodejs", ...(plugins ? { plugins } : {}) }),
    );
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: options.stack ?? stackName(entry),
      projectName: project,
      // A program registers its resources when its module runs: run it afresh every time.
      program: async () => {
        delete require.cache[entry];
        return require(entry);
      },
    },
    { workDir, pulumiCommand: ws.pulumi, envVars: ws.envVars, pulumiHome: ws.pulumiHome },
  );
  const report = newEngineReport();
  let failed = false;
  let resources = 0;
  try {
    const r = await stack.preview({ policyPacks: [ws.policyPack], onEvent: collectEvents(report) });
    resources = Object.values(r.changeSummary as Record<string, number>).reduce((n, c) => n + c, 0);
  } catch (err) {
    failed = true;
    const mandatory = report.violations.some((v) => v.level === "mandatory");
    if (!mandatory)
      return { violations: report.violations, errors: errorLines(err, report), resources, failed };
  }
  return {
    violations: report.violations,
    errors: report.errors.filter((e) => !/policy violation/i.test(e)),
    resources,
    failed,
  };
}
