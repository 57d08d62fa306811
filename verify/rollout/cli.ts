// `npm run rollout`: parses the command line, plans the waves over the project's stack files and runs
// them (./rollout.ts), printing the live progress line to stderr and the table (or `--json`) to stdout.
// The engine setup is the user's by default (the `pulumi` on PATH, its backend and login, the policy
// pack in policy/); tests pass their own (a file backend, the stub provider).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runProgram } from "../../stacks/program";
import { listStackFiles } from "../stackFiles";
import { parseRolloutArgs } from "./args";
import { progressLine, rolloutJson, rolloutSummary, rolloutTable } from "./report";
import { Progress, rollout } from "./rollout";
import { EngineSetup } from "./stackRun";
import { onlyWave, planWaves, selectStacks } from "./waves";

const REPO = path.resolve(__dirname, "..", "..");

export interface RolloutIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Rewrite the progress line in place (a terminal) instead of one line per change. */
  tty: boolean;
}

/** The folder of the journal and the per-stack logs, in the project directory. */
export const ROLLOUT_DIR = ".rollout";

export function defaultSetup(projectDir: string = REPO): EngineSetup {
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string };
  return {
    projectDir,
    projectName: project.name,
    policyPack: path.join(REPO, "policy"),
    program: () => async () => runProgram(),
  };
}

export async function runRolloutCli(
  argv: string[],
  io: RolloutIo,
  setup: EngineSetup = defaultSetup(),
): Promise<number> {
  let args;
  let waves;
  try {
    args = parseRolloutArgs(argv);
    waves = planWaves(selectStacks(listStackFiles(setup.projectDir), args.patterns), args.canary);
    if (args.wave) waves = onlyWave(waves, args.wave, args.shard);
  } catch (err) {
    io.stderr(`rollout: ${(err as Error).message}\n`);
    return 2;
  }
  const total = waves.hubs.length + waves.canary.length + waves.rest.length;
  io.stderr(
    `${args.mode} of ${total} stacks: hub ${waves.hubs.join(", ") || "(none selected)"}; ` +
      `canary ${waves.canary.join(", ") || "(none)"}; then ${waves.rest.length} more, ` +
      `${args.concurrency} at a time${args.resume ? "; resuming" : ""}` +
      `${args.wave ? ` (only the ${args.wave} wave${args.shard ? `, shard ${args.shard.index} of ${args.shard.of}` : ""})` : ""}\n`,
  );
  let last = "";
  const onProgress = (p: Progress) => {
    const line = progressLine(p);
    if (line === last) return;
    last = line;
    io.stderr(io.tty ? `\r\u001b[K${line}` : `${line}\n`);
  };
  const result = await rollout({
    setup,
    waves,
    mode: args.mode,
    concurrency: args.concurrency,
    dir: path.join(setup.projectDir, ROLLOUT_DIR),
    resume: args.resume,
    onProgress,
  });
  if (io.tty) io.stderr("\n");
  if (args.json) io.stdout(`${rolloutJson(result)}\n`);
  else io.stdout(`${rolloutTable(result)}\n\n${rolloutSummary(result, args.mode).join("\n")}\n`);
  if (args.json) io.stderr(`${rolloutSummary(result, args.mode).join("\n")}\n`);
  return result.stacks.some((s) => s.status === "failed") ? 1 : 0;
}
