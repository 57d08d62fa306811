// The command line of `npm run preview:engine` (scripts/preview-engine.ts).
import * as path from "path";
import { StackFile, listStackFiles } from "../stackFiles";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { StepResult, runStacksThroughEngine } from "./runStacks";
import { ensurePulumi, pinnedVersion } from "./pulumiCli";
import { createEngineWorkspace } from "./workspace";

const REPO = path.resolve(__dirname, "..", "..");

/** The stacks to run: all (hubs first), or the named one plus the hub a spoke references. */
export function selectStacks(all: StackFile[], name?: string): StackFile[] {
  if (!name) return all;
  const chosen = all.find((s) => s.stack === name);
  if (!chosen) throw new Error(`no stack "${name}" (stacks: ${all.map((s) => s.stack).join(", ")})`);
  const hubRef = chosen.config[`${CONFIG_NAMESPACE}:hubStack`];
  const hub = hubRef ? all.find((s) => s.stack === hubRef.split("/").pop()) : undefined;
  return hub ? [hub, chosen] : [chosen];
}

export function formatStep(s: StepResult): string {
  const lines = [
    `${s.ok ? "OK  " : "FAIL"} ${s.stack.padEnd(20)} ${s.step.padEnd(8)} ${s.summary}  (${(s.millis / 1000).toFixed(1)} s)`,
  ];
  for (const n of s.notes) lines.push(`     note: ${n}`);
  for (const v of s.violations)
    lines.push(
      `     [${v.level}] ${v.policy}: ${v.name ?? "stack"} (${v.type ?? "stack"}): ${v.message.split("\n").pop()}`,
    );
  for (const e of s.errors.slice(s.ok ? 0 : 1)) lines.push(`     error: ${e}`);
  return lines.join("\n");
}

export async function runEngineCli(argv: string[]): Promise<number> {
  const value = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
  const started = Date.now();
  const cli = ensurePulumi({ log: (s) => console.log(s) });
  if (cli.status === "skipped") {
    console.log(`SKIPPED: preview:engine: ${cli.reason}.`);
    return 0;
  }
  const stacks = selectStacks(listStackFiles(REPO), value("--stack"));
  const ws = await createEngineWorkspace({ binary: cli.binary, keep: argv.includes("--keep") });
  console.log(
    `Pulumi CLI ${pinnedVersion()} (${cli.status}${cli.seconds ? ` in ${cli.seconds} s` : ""}), stub AWS provider, ` +
      `work dir ${ws.dir}${argv.includes("--keep") ? " (kept)" : ""}`,
  );
  try {
    const run = await runStacksThroughEngine({
      ws,
      stacks,
      projectDir: REPO,
      policyPackConfig: value("--policy-config"),
      onStep: (s) => console.log(formatStep(s)),
      onOutput: argv.includes("--verbose") ? (line) => process.stdout.write(line) : undefined,
    });
    const failed = run.steps.filter((s) => !s.ok);
    const mandatory = run.steps.reduce(
      (n, s) => n + s.violations.filter((v) => v.level === "mandatory").length,
      0,
    );
    console.log(
      `\n${run.ok ? "PASS" : "FAIL"}: ${stacks.length} stacks through the real engine, ${run.steps.length} steps, ` +
        `${failed.length} failed, ${mandatory} mandatory violations (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    return run.ok ? 0 : 1;
  } finally {
    ws.dispose();
  }
}
