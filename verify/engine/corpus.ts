// A corpus of Pulumi programs (one directory each, with index.ts) through the real engine and through
// the offline runner (`policy:check`), so that a test can require both to report the same violations.
// The cases run in worker processes (./corpusWorker.ts), each with its own engine workspace: an inline
// program runs in the process that drives the engine, and the SDK's runtime state is per process, so
// one process runs one program at a time. Most of a case's time is the engine starting the pack and
// one stub provider per provider resource, mostly waiting on each other, so a few workers share the
// cores well.
import { fork } from "child_process";
import * as os from "os";
import * as path from "path";
import { PolicyCheckResult, policyCheck } from "../policy/check";
import { ProgramPreview, previewProgram } from "./previewProgram";
import type { EngineWorkspace } from "./workspace";

export interface CorpusCaseResult {
  dir: string;
  /** The engine's preview (and update, when the preview passed). */
  engine?: ProgramPreview;
  /** The offline runner over the same program. */
  offline?: PolicyCheckResult;
  /** The case could not run (a worker crashed, or the harness threw). */
  error?: string;
  /** The engine's transport error that made the case run a second time (see TRANSPORT_ERROR). */
  retried?: string;
  millis: number;
}

/** gRPC transport failures between the program and the engine, not findings about the program. */
const TRANSPORT_ERROR = /\b14 UNAVAILABLE\b|\bECONNREFUSED\b|\bECONNRESET\b/;

/** One case, in this process: the engine (preview, then `up` when the preview passed), then offline. */
export async function runCorpusCase(
  ws: EngineWorkspace,
  corpusDir: string,
  dir: string,
  project = "corpus",
): Promise<CorpusCaseResult> {
  const started = Date.now();
  const program = path.join(corpusDir, dir, "index.ts");
  try {
    // The offline runner knows every value; the engine's preview of new resources does not (an ARN
    // is known after create), so a violation hidden from the preview must stop the update.
    let engine = await previewProgram(ws, program, { project, stack: dir, up: true });
    // On a heavily loaded machine the program's first call to the engine's resource monitor can fail
    // before any resource is judged ("14 UNAVAILABLE: No connection established"): that says nothing
    // about the program, so the case runs once more, in a fresh stack, and the result says so.
    const transient = engine.errors.find((e) => TRANSPORT_ERROR.test(e));
    if (transient) engine = await previewProgram(ws, program, { project, stack: `${dir}-retry`, up: true });
    const offline = await policyCheck({ program });
    return {
      dir,
      engine,
      offline,
      millis: Date.now() - started,
      ...(transient ? { retried: transient } : {}),
    };
  } catch (err) {
    return {
      dir,
      error: err instanceof Error ? err.stack || err.message : String(err),
      millis: Date.now() - started,
    };
  }
}

/** Worker processes to use: ENGINE_JOBS, else the number of cores (at least 2: cases mostly wait). */
export function corpusJobs(env: NodeJS.ProcessEnv = process.env): number {
  const requested = Number(env.ENGINE_JOBS);
  if (Number.isInteger(requested) && requested > 0) return requested;
  return Math.max(2, Math.min(4, os.cpus().length));
}

export interface CorpusRun {
  /** Resolves with every case's result, by directory, once all ran. */
  results: Promise<Map<string, CorpusCaseResult>>;
  /** Kills the workers still running (after a failure elsewhere). */
  stop(): void;
}

const TS_NODE = require.resolve("ts-node/register/transpile-only");
const WORKER = path.join(__dirname, "corpusWorker.ts");

/**
 * Runs `dirs` of `corpusDir` in `jobs` worker processes, each taking the next case when done; the
 * longest cases (the clean programs, which also run `up`) go first so no worker is left with one at the end.
 */
export function runCorpus(options: {
  binary: string;
  corpusDir: string;
  dirs: string[];
  jobs?: number;
}): CorpusRun {
  const queue = [...options.dirs].sort((a, b) => Number(isClean(b)) - Number(isClean(a)));
  const results = new Map<string, CorpusCaseResult>();
  const jobs = Math.max(1, Math.min(options.jobs ?? corpusJobs(), queue.length));
  const children: ReturnType<typeof fork>[] = [];
  const promise = new Promise<Map<string, CorpusCaseResult>>((resolve) => {
    let running = 0;
    const startWorker = () => {
      const child = fork(WORKER, [options.binary, options.corpusDir], {
        execArgv: ["-r", TS_NODE],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      children.push(child);
      running++;
      let current: string | undefined;
      const next = () => {
        current = queue.shift();
        if (current) child.send({ dir: current });
        else child.send({ done: true });
      };
      child.on("message", (msg: { ready?: boolean; result?: CorpusCaseResult }) => {
        if (msg.result) results.set(msg.result.dir, msg.result);
        next();
      });
      child.on("exit", (code, signal) => {
        if (current && !results.has(current))
          results.set(current, {
            dir: current,
            error: `the worker running it exited (${signal ?? `code ${code}`})`,
            millis: 0,
          });
        if (--running === 0) {
          // Cases no worker took (every worker died): reported, never silently missing.
          for (const dir of queue.splice(0))
            results.set(dir, { dir, error: "no worker left to run it", millis: 0 });
          resolve(results);
        }
      });
    };
    for (let i = 0; i < jobs; i++) startWorker();
  });
  return {
    results: promise,
    stop() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
    },
  };
}

export function isClean(dir: string): boolean {
  return dir === "clean" || dir.startsWith("clean-");
}
