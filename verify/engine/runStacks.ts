// Every stack config of the project through the real Pulumi engine, as a user would run it, but in
// a throwaway work dir: the project file and the stack files are copied there verbatim, the secrets
// a user sets are set with `pulumi config set --secret`, then per stack (hubs first, so spokes read
// the hub's real outputs through their StackReference):
//   preview with the policy pack -> up (against the provider) -> outputs checked -> policy analyze of the state
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { runProgram } from "../../stacks/program";
import { StackFile } from "../stackFiles";
import type { Violation } from "../policy/offline";
import { EngineReport, collectEvents, newEngineReport, reportFromEventLines } from "./events";
import { closingRunClients } from "./runClients";
import { securePaths, userSecrets } from "./userSecrets";
import { EngineWorkspace, stubPlugins } from "./workspace";

export type StepName = "config" | "preview" | "up" | "outputs" | "analyze";

export interface StepResult {
  stack: string;
  step: StepName;
  ok: boolean;
  /** One line for the user. */
  summary: string;
  /** What a user should know even when the step passed (e.g. a placeholder secret replaced). */
  notes: string[];
  violations: Violation[];
  errors: string[];
  resources?: number;
  millis: number;
}

export interface EngineRunOptions {
  ws: EngineWorkspace;
  /** Stack files to run, hubs first. */
  stacks: StackFile[];
  /** Directory holding Pulumi.yaml and the stack files. */
  projectDir: string;
  /** The program per stack (default: this project's program). */
  program?: (stack: StackFile) => PulumiFn;
  /** A `--policy-pack-config` file for every run. */
  policyPackConfig?: string;
  onStep?: (step: StepResult) => void;
  /** Engine output lines, for --verbose. */
  onOutput?: (line: string) => void;
}

export interface EngineRun {
  steps: StepResult[];
  ok: boolean;
}

const FILE_BACKEND_ORG = "organization";

/** Writes the project file into the work dir, adding where the stub provider plugin lives. */
function writeProject(ws: EngineWorkspace, projectDir: string, workDir: string): string {
  const doc = parseDocument(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
  const plugins = stubPlugins(ws);
  if (plugins) doc.set("plugins", plugins);
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), doc.toString());
  return String(doc.get("name"));
}

/** The lines of an engine error worth showing: the engine's error diagnostics, else the CLI's "error:" lines. */
export function errorLines(err: unknown, report?: EngineReport): string[] {
  const generic = /^(error: )?(update failed|preview failed)$/i;
  const diagnostics = [...new Set(report?.errors ?? [])].filter((l) => !generic.test(l));
  if (diagnostics.length > 0) return diagnostics;
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    // Progress lines, the command line and the summary are not the error.
    .filter((l) => l && !/^[+~-]\s|^@ |^err\?:|^code:|^stdout:|^stderr:|^Resources:|^Duration:/.test(l));
  const errors = lines.filter((l) => /^error:/i.test(l) && !generic.test(l));
  return (errors.length > 0 ? errors : lines.slice(-5)).slice(0, 10);
}

/** Output paths whose value is missing or reads "undefined" (a stub or program gap). */
export function undefinedOutputs(value: unknown, at = ""): string[] {
  if (value === undefined || value === null) return [at || "(root)"];
  if (typeof value === "string") return /undefined/.test(value) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => undefinedOutputs(v, `${at}[${i}]`));
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      undefinedOutputs(v, at ? `${at}.${k}` : k),
    );
  return [];
}

function pulumiCli(
  ws: EngineWorkspace,
  args: string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      ws.pulumi.command,
      [...args, "--non-interactive", "--color", "never"],
      { cwd, env: { ...process.env, ...ws.envVars }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function step(
  stack: string,
  name: StepName,
  run: () => Promise<Omit<StepResult, "stack" | "step" | "millis">>,
  onStep?: (s: StepResult) => void,
): Promise<StepResult> {
  const started = Date.now();
  let result: StepResult;
  try {
    result = { stack, step: name, ...(await run()), millis: Date.now() - started };
  } catch (err) {
    const errors = errorLines(err);
    result = {
      stack,
      step: name,
      ok: false,
      summary: errors[0] ?? "failed",
      notes: [],
      violations: [],
      errors,
      millis: Date.now() - started,
    };
  }
  onStep?.(result);
  return result;
}

function countViolations(violations: Violation[]): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return `${mandatory} mandatory, ${violations.length - mandatory} advisory`;
}

/** Sets a stack's config as a user of the file backend would; returns what had to change. */
async function prepareConfig(
  stack: Stack,
  file: StackFile,
  shippedDoc: unknown,
  hubs: Map<string, string>,
  project: string,
): Promise<string[]> {
  const notes: string[] = [];
  // Secrets: a `secure:` value is a ciphertext of one stack's key; in a new stack it must be set anew.
  const unusable: string[] = [];
  for (const p of securePaths(shippedDoc)) {
    try {
      await stack.getConfig(p, true);
    } catch (err) {
      unusable.push(p);
      notes.push(
        `${file.file}: ${p} is not a secret of this stack (${errorLines(err)[0] ?? "cannot decrypt"})`,
      );
      await stack.removeConfig(p, true);
    }
  }
  const set: string[] = [];
  for (const secret of userSecrets(file)) {
    let present = false;
    try {
      await stack.getConfig(secret.path, true);
      present = true;
    } catch {
      present = false;
    }
    if (present) continue;
    await stack.setConfig(secret.path, { value: secret.value, secret: true }, true);
    set.push(secret.path.slice(`${CONFIG_NAMESPACE}:`.length));
  }
  if (set.length > 0) notes.push(`set with pulumi config set --secret: ${set.join(", ")}`);
  // A spoke names its hub org/project/stack; in a file backend the organization is always "organization".
  const hubKey = `${CONFIG_NAMESPACE}:hubStack`;
  const hubRef = file.config[hubKey];
  if (hubRef) {
    const hubName = hubRef.split("/").pop()!;
    const local = `${FILE_BACKEND_ORG}/${project}/${hubName}`;
    if (!hubs.has(hubName)) notes.push(`hubStack ${hubRef}: no hub stack "${hubName}" ran before this spoke`);
    if (hubRef !== local) {
      await stack.setConfig(hubKey, { value: local });
      notes.push(`hubStack ${hubRef} -> ${local} (the file backend's organization)`);
    }
  }
  return notes;
}

export async function runStacksThroughEngine(options: EngineRunOptions): Promise<EngineRun> {
  const { ws, onStep } = options;
  const workDir = path.join(ws.dir, "project");
  fs.mkdirSync(workDir, { recursive: true });
  const project = writeProject(ws, options.projectDir, workDir);
  // The engine reads file assets (the Lambda packages' node_modules) relative to the project
  // directory, as when a user runs `pulumi up` in the repo.
  fs.symlinkSync(path.join(options.projectDir, "node_modules"), path.join(workDir, "node_modules"));
  const policyPackConfigs = options.policyPackConfig ? [path.resolve(options.policyPackConfig)] : undefined;
  const steps: StepResult[] = [];
  const hubs = new Map<string, string>();
  const push = (s: StepResult) => {
    steps.push(s);
    return s;
  };

  for (const file of options.stacks) {
    const shipped = fs.readFileSync(path.join(options.projectDir, file.file), "utf8");
    fs.writeFileSync(path.join(workDir, file.file), shipped);
    // Each run's gRPC clients are closed after its operation (runClients.ts).
    const clients = closingRunClients(options.program?.(file) ?? (async () => runProgram()));
    let stack: Stack | undefined;
    const config = push(
      await step(
        file.stack,
        "config",
        async () => {
          stack = await LocalWorkspace.createStack(
            { stackName: file.stack, projectName: project, program: clients.program },
            { workDir, pulumiCommand: ws.pulumi, envVars: ws.envVars, pulumiHome: ws.pulumiHome },
          );
          const notes = await prepareConfig(stack, file, parseDocument(shipped).toJS(), hubs, project);
          return { ok: true, summary: "stack created in the work dir", notes, violations: [], errors: [] };
        },
        onStep,
      ),
    );
    if (!config.ok || !stack) continue;
    const s = stack;

    const operation = (name: "preview" | "up") =>
      step(
        file.stack,
        name,
        async () => {
          const report = newEngineReport();
          const opts = {
            policyPacks: [ws.policyPack],
            policyPackConfigs,
            onEvent: collectEvents(report),
            onOutput: options.onOutput,
          };
          let error: unknown;
          let changes: Record<string, number> = {};
          try {
            changes = (
              name === "preview"
                ? (await s.preview(opts)).changeSummary
                : (await s.up(opts)).summary.resourceChanges
            ) as Record<string, number>;
          } catch (err) {
            error = err;
          } finally {
            clients.close();
          }
          const mandatory = report.violations.some((v) => v.level === "mandatory");
          const resources = Object.values(changes ?? {}).reduce((n, c) => n + (c ?? 0), 0);
          const counts =
            name === "preview"
              ? `${resources} resources`
              : Object.entries(changes ?? {})
                  .map(([op, n]) => `${n} ${op}`)
                  .join(", ");
          const errors = error ? errorLines(error, report) : [];
          return {
            ok: !error && !mandatory,
            summary:
              error && !mandatory
                ? (errors[0] ?? "failed")
                : `${counts}, ${countViolations(report.violations)}`,
            notes: [],
            violations: report.violations,
            errors: mandatory ? [] : errors,
            resources,
          };
        },
        onStep,
      );

    const preview = push(await operation("preview"));
    if (!preview.ok) continue;
    const up = push(await operation("up"));
    if (!up.ok) continue;
    if (file.config[`${CONFIG_NAMESPACE}:role`] === "hub") hubs.set(file.stack, file.stack);

    push(
      await step(
        file.stack,
        "outputs",
        async () => {
          const outputs = await s.outputs();
          const values = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
          const missing = undefinedOutputs(values);
          return {
            ok: missing.length === 0 && Object.keys(values).length > 0,
            summary:
              missing.length === 0
                ? `${Object.keys(values).length} outputs, none undefined`
                : `undefined in outputs: ${missing.join(", ")}`,
            notes: [],
            violations: [],
            errors: missing.map((m) => `output ${m} is undefined`),
          };
        },
        onStep,
      ),
    );

    push(
      await step(
        file.stack,
        "analyze",
        async () => {
          const args = ["policy", "analyze", "--json", "--stack", file.stack, "--policy-pack", ws.policyPack];
          for (const c of policyPackConfigs ?? []) args.push("--policy-pack-config", c);
          const { code, output } = await pulumiCli(ws, args, workDir);
          const report = reportFromEventLines(output);
          const violations = report.violations;
          const mandatory = violations.some((v) => v.level === "mandatory");
          const errors = code !== 0 && !mandatory ? errorLines(new Error(output), report) : [];
          return {
            ok: code === 0,
            summary:
              code === 0 || mandatory
                ? `state: ${countViolations(violations)}`
                : (errors[0] ?? `exit ${code}`),
            notes: [],
            violations,
            errors,
          };
        },
        onStep,
      ),
    );
  }
  return { steps, ok: steps.every((s) => s.ok) };
}
