// One stack of a rollout through the Automation API, as `pulumi up|preview|refresh --preview-only`
// run by hand would: the stack's own config file in the project directory, the user's backend and
// login (or whatever the environment names), the program inline (no language host). Every engine
// line goes to the stack's log file; the outcome is what the final table and `--json` report.
import * as fs from "fs";
import { EngineEvent, LocalWorkspace, PulumiCommand, PulumiFn } from "@pulumi/pulumi/automation";
import { errorLines } from "../engine/runStacks";
import { collectEvents, newEngineReport } from "../engine/events";
import { closingRunClients } from "../engine/runClients";

export type RolloutMode = "up" | "preview" | "drift";
export type StackStatus = "succeeded" | "failed" | "skipped" | "unchanged" | "drifted";

export interface StackOutcome {
  name: string;
  status: StackStatus;
  durationMs: number;
  /** Resource operations other than "same", by operation (create, update, delete, replace...). */
  changes: Record<string, number>;
  error: string | null;
  /** Drift: the resources a refresh would change, "<op> <type> <name>". */
  drifted?: string[];
  /** Email subscriptions still waiting for the address's owner to confirm (hub `up` only). */
  pendingSubscriptions?: string[];
}

/** Where and how the engine runs: the project directory, the CLI, its environment. */
export interface EngineSetup {
  /** Directory holding Pulumi.yaml and the Pulumi.<stack>.yaml files. */
  projectDir: string;
  projectName: string;
  /** Default: the `pulumi` on PATH. */
  pulumi?: PulumiCommand;
  /** Added to the CLI's environment (a test's file backend and passphrase; nothing for a real deploy). */
  envVars?: Record<string, string>;
  pulumiHome?: string;
  /** The policy pack `--preview` runs (a directory, or an executable analyzer). */
  policyPack: string;
  policyPackConfig?: string;
  program: (stack: string) => PulumiFn;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Counts without "same" (what a user reads as "changes"). */
export function changesOf(summary: Record<string, number | undefined> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(summary ?? {})) if (op !== "same" && n) out[op] = n;
  return out;
}

/** A resource the refresh found different from the state: its op and the properties that differ. */
function driftOf(event: EngineEvent): string | undefined {
  const m = (event.resOutputsEvent ?? event.resourcePreEvent)?.metadata;
  if (!m || m.op === "same") return undefined;
  if (m.op === "refresh" && !(m.diffs && m.diffs.length > 0)) return undefined;
  const name = m.urn.split("::").slice(3).join("::");
  const what = m.diffs && m.diffs.length > 0 ? ` (${m.diffs.join(", ")})` : "";
  return `${m.op === "refresh" ? "update" : m.op} ${m.type} ${name}${what}`;
}

/**
 * The engine's error diagnostics as one line for the table and `--json`: without the program's stack
 * frames and the "Unhandled exception:" wrapper, each message once (the engine repeats the program's
 * error in its own summary). The stack's log keeps everything.
 */
export function oneLineError(lines: string[]): string {
  const messages = lines
    .map((l) =>
      l
        .split("\n")
        .filter((x) => !/^\s+at /.test(x))
        .join(" ")
        .replace(/^Unhandled exception: (\w*Error: )?/, "")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter(Boolean);
  const unique = messages.filter(
    (m, i) => !messages.some((o, j) => j !== i && o.includes(m) && (o !== m || j < i)),
  );
  return unique.join("; ") || "failed";
}

/** Runs one stack; never throws (a failure is an outcome). */
export async function runStack(
  setup: EngineSetup,
  name: string,
  mode: RolloutMode,
  logFile: string,
  pendingOf?: (state: unknown) => string[],
): Promise<StackOutcome> {
  const started = Date.now();
  const log = fs.createWriteStream(logFile, { flags: "a" });
  const write = (line: string) => log.write(line.replace(ANSI, ""));
  write(`# ${new Date(started).toISOString()} ${mode} ${name}\n`);
  const report = newEngineReport();
  const collect = collectEvents(report);
  const drifted = new Set<string>();
  const onEvent = (event: EngineEvent) => {
    collect(event);
    if (mode === "drift") {
      const d = driftOf(event);
      if (d) drifted.add(d);
    }
  };
  const outcome = (o: Omit<StackOutcome, "name" | "durationMs">): StackOutcome => ({
    name,
    durationMs: Date.now() - started,
    ...o,
  });
  // Without this, each finished stack's program state stays in memory for 30 minutes (runClients.ts).
  const run = closingRunClients(setup.program(name));
  let result: StackOutcome;
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: name, projectName: setup.projectName, program: run.program },
      {
        workDir: setup.projectDir,
        pulumiCommand: setup.pulumi,
        envVars: setup.envVars,
        pulumiHome: setup.pulumiHome,
      },
    );
    const common = { onOutput: write, onEvent, color: "never" as const };
    if (mode === "up") {
      const up = await stack.up(common);
      const changes = changesOf(up.summary.resourceChanges);
      const pending = pendingOf ? pendingOf((await stack.exportStack()).deployment) : [];
      result = outcome({
        status: Object.keys(changes).length > 0 ? "succeeded" : "unchanged",
        changes,
        error: null,
        ...(pending.length > 0 ? { pendingSubscriptions: pending } : {}),
      });
    } else if (mode === "preview") {
      const preview = await stack.preview({
        ...common,
        policyPacks: [setup.policyPack],
        policyPackConfigs: setup.policyPackConfig ? [setup.policyPackConfig] : undefined,
      });
      // A mandatory violation fails the CLI, so it arrives in the catch below.
      const changes = changesOf(preview.changeSummary);
      result = outcome({
        status: Object.keys(changes).length > 0 ? "succeeded" : "unchanged",
        changes,
        error: null,
      });
    } else {
      const refresh = await stack.previewRefresh(common);
      const changes = changesOf(refresh.changeSummary);
      delete changes.refresh;
      const list = [...drifted].sort();
      result = outcome({
        status: list.length > 0 || Object.keys(changes).length > 0 ? "drifted" : "unchanged",
        changes,
        error: null,
        drifted: list,
      });
    }
  } catch (err) {
    const mandatory = report.violations.filter((v) => v.level === "mandatory");
    const policy = mandatory.map((v) => `${v.policy}: ${v.name ?? "stack"}: ${v.message.split("\n").pop()}`);
    result = outcome({
      status: "failed",
      changes: {},
      error: oneLineError([...policy, ...errorLines(err, report)]),
    });
    write(`\n# error: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    run.close();
  }
  write(`\n# ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s\n`);
  await new Promise<void>((resolve) => log.end(resolve));
  return result;
}
