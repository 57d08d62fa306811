// The rollout: the waves (hubs, canary, rest) in order, each with at most `concurrency` stacks at once.
// In `up` mode the first failure stops it: nothing new starts, running stacks finish, and every
// stack not started is reported as skipped, naming the failure. Preview and drift only read, so they
// run every stack and report each. The journal records every start and end, so `--resume` continues
// where the last run stopped.
import * as fs from "fs";
import * as path from "path";
import { Journal } from "./journal";
import { pendingEmailSubscriptions } from "./pendingSubscriptions";
import { EngineSetup, RolloutMode, StackOutcome, runStack } from "./stackRun";
import { Waves } from "./waves";

export interface Progress {
  total: number;
  done: number;
  failed: number;
  running: string[];
  elapsedMs: number;
  /** Estimated time left, once a stack has finished in this run. */
  leftMs?: number;
}

export interface RolloutOptions {
  setup: EngineSetup;
  waves: Waves;
  mode: RolloutMode;
  concurrency: number;
  /** The rollout folder: journal and per-stack logs (`logs/<stack>.log`). */
  dir: string;
  resume: boolean;
  onProgress?: (progress: Progress) => void;
  onStackDone?: (outcome: StackOutcome) => void;
}

export interface RolloutResult {
  /** Every stack of the waves, in wave order. */
  stacks: StackOutcome[];
  /** The failure that stopped an `up` rollout. */
  stoppedBy?: string;
  /** Stacks an earlier run had finished (`--resume`). */
  resumed: string[];
  logDir: string;
  journal: string;
}

export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const { waves, mode } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
    throw new Error(`concurrency ${options.concurrency}: give a whole number of stacks, 1 or more`);
  const journal = Journal.open(options.dir, mode, options.resume);
  const logDir = path.join(options.dir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const hubs = new Set(waves.hubs);
  const order = [...waves.hubs, ...waves.canary, ...waves.rest];
  const outcomes = new Map<string, StackOutcome>();
  const resumed: string[] = [];
  for (const name of order) {
    const earlier = options.resume ? journal.finished(name) : undefined;
    if (earlier) {
      outcomes.set(name, earlier);
      resumed.push(name);
    }
  }
  const started = Date.now();
  const running = new Set<string>();
  let ranMs = 0;
  let ran = 0;
  let stoppedBy: string | undefined;
  const progress = (): Progress => {
    const done = outcomes.size;
    const left = order.length - done;
    const p: Progress = {
      total: order.length,
      done,
      failed: [...outcomes.values()].filter((o) => o.status === "failed").length,
      running: [...running],
      elapsedMs: Date.now() - started,
    };
    if (ran > 0) p.leftMs = Math.round(((ranMs / ran) * left) / Math.min(options.concurrency, left || 1));
    return p;
  };

  const runOne = async (name: string) => {
    running.add(name);
    journal.started(name);
    options.onProgress?.(progress());
    const outcome = await runStack(
      options.setup,
      name,
      mode,
      path.join(logDir, `${name}.log`),
      mode === "up" && hubs.has(name) ? pendingEmailSubscriptions : undefined,
    );
    running.delete(name);
    ranMs += outcome.durationMs;
    ran++;
    outcomes.set(name, outcome);
    journal.record(outcome);
    if (outcome.status === "failed" && mode === "up" && !stoppedBy) stoppedBy = name;
    options.onStackDone?.(outcome);
    options.onProgress?.(progress());
  };

  for (const wave of [waves.hubs, waves.canary, waves.rest]) {
    const queue = wave.filter((n) => !outcomes.has(n));
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && !stoppedBy; next = queue.shift())
        await runOne(next);
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
    if (stoppedBy) break;
  }

  for (const name of order) {
    if (outcomes.has(name)) continue;
    const skipped: StackOutcome = {
      name,
      status: "skipped",
      durationMs: 0,
      changes: {},
      error: `not started: ${stoppedBy} failed`,
    };
    outcomes.set(name, skipped);
    journal.record(skipped);
  }
  return {
    stacks: order.map((n) => outcomes.get(n)!),
    stoppedBy,
    resumed,
    logDir,
    journal: journal.file,
  };
}
