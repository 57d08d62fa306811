// Any Pulumi TypeScript program module through the real engine's preview with the policy pack (and,
// with `up`, an update against the stub provider when the preview passed): the engine-side
// counterpart of `npm run policy:check`, used to prove both agree on the same programs.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import type { Violation } from "../policy/offline";
import { collectEvents, newEngineReport } from "./events";
import { closingRunClients } from "./runClients";
import { errorLines } from "./runStacks";
import { EngineWorkspace, REPO, stubPlugins } from "./workspace";

export interface ProgramPreview {
  violations: Violation[];
  /** Engine errors other than policy violations (a program that does not build, a provider failure). */
  errors: string[];
  /** Resources the preview would create (custom and component resources, the stack included). */
  resources: number;
  /** Whether the engine reported failure (mandatory violations fail a preview or an update). */
  failed: boolean;
  /** The operation that failed: "up" when the preview could not judge values only known after create. */
  caughtAt?: "preview" | "up";
}

/** Stack names: lower-case letters, digits, hyphens, underscores, dots. */
function stackName(programPath: string): string {
  return path.basename(path.dirname(path.resolve(programPath))).replace(/[^A-Za-z0-9_.-]/g, "-");
}

export async function previewProgram(
  ws: EngineWorkspace,
  programPath: string,
  options: { project?: string; stack?: string; up?: boolean } = {},
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
  // A program registers its resources when its module runs: run it afresh every time. Each run's gRPC
  // clients are closed after its operation (runClients.ts).
  const clients = closingRunClients(async () => {
    delete require.cache[entry];
    return require(entry);
  });
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: options.stack ?? stackName(entry),
      projectName: project,
      program: clients.program,
    },
    { workDir, pulumiCommand: ws.pulumi, envVars: ws.envVars, pulumiHome: ws.pulumiHome },
  );
  const run = async (operation: "preview" | "up") => {
    const report = newEngineReport();
    const opts = { policyPacks: [ws.policyPack], onEvent: collectEvents(report) };
    try {
      const changes =
        operation === "preview"
          ? (await stack.preview(opts)).changeSummary
          : (await stack.up(opts)).summary.resourceChanges;
      const resources = Object.values((changes ?? {}) as Record<string, number>).reduce((n, c) => n + c, 0);
      return { report, resources, error: undefined as unknown };
    } catch (err) {
      return { report, resources: 0, error: err };
    } finally {
      clients.close();
    }
  };
  const result = (
    r: Awaited<ReturnType<typeof run>>,
    caughtAt: ProgramPreview["caughtAt"],
  ): ProgramPreview => {
    const mandatory = r.report.violations.some((v) => v.level === "mandatory");
    const errors = r.error && !mandatory ? errorLines(r.error, r.report) : [];
    return { violations: r.report.violations, errors, resources: r.resources, failed: !!r.error, caughtAt };
  };
  const preview = await run("preview");
  if (preview.error || !options.up) return result(preview, preview.error ? "preview" : undefined);
  // Values another resource outputs are unknown in a preview of new resources, and the pack cannot
  // judge them there (e.g. a bus policy naming the new bus's ARN); `up` resolves them.
  const up = await run("up");
  const merged = result(up, up.error ? "up" : undefined);
  merged.violations = [...preview.report.violations, ...merged.violations];
  return merged;
}
