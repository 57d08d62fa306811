// node --expose-gc -r ts-node/register/transpile-only bench/planWorker.ts DIR [--plain-stacks]
// One plan-scale measurement in its own process, so its peak memory and time are its own: runs
// verify/plan.ts's plan() (evaluation under mocks + policy pack + quotas + wiring) over every stack config
// in DIR, one stack at a time, and prints one JSON line (PlanRun) at the end.
// --plain-stacks (diagnostic): V8's own stack traces for the whole process. verify/mockRuntime.ts
// already does this during each evaluation (ts-node's source-mapping of the SDK's many stack traces
// was ~28% of plan time); the flag remains to measure what is left outside evaluation.
import { plan, StackSummary } from "../verify/plan";
import { QuotaName } from "../verify/quotas";
import { listStackFiles } from "../verify/stackFiles";

export interface PlanRun {
  stacks: number;
  spokes: number;
  resources: number;
  /** From process start (node, ts-node, module loading included) to the report. */
  wallMs: number;
  hubMs: number;
  /** The spokes' evaluation + policy check (+ quotas), wall clock: between consecutive stacks. */
  spokeMs: number;
  /** The same in CPU time of this process (user + system): far less sensitive to other load. */
  spokeCpuMs: number;
  /** Spoke CPU time per tenth of the spokes, in order (growth within one run). */
  spokeCpuMsByTenth: number[];
  maxSpokeMs: number;
  /** RSS after the hub, after half the spokes, and the process's peak (MB). */
  rssAfterHubMB: number;
  rssHalfwayMB: number;
  maxRssMB: number;
  /** Live heap after a full GC (needs --expose-gc) halfway through the spokes and at the end (MB). */
  liveHeapHalfwayMB: number;
  liveHeapEndMB: number;
  mandatory: number;
  advisory: number;
  failedStacks: number;
  crossStackProblems: number;
  /** The wiring checks (routes in moto + event-ruler, IAM simulation) passed. */
  wiringOk: boolean;
  /** The largest use of each quota among the spokes, as a fraction of its limit. */
  spokeQuotaMax: Partial<Record<QuotaName, number>>;
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;
/** What is still reachable: RSS alone mostly shows when V8 chose to collect. */
const liveHeapMB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function main(dir: string, plainStacks: boolean): Promise<void> {
  if (plainStacks) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  const stacks = listStackFiles(dir);
  const spokeCount = stacks.filter((s) => s.config["security-guard:role"] !== "hub").length;
  const run: PlanRun = {
    stacks: stacks.length,
    spokes: 0,
    resources: 0,
    wallMs: 0,
    hubMs: 0,
    spokeMs: 0,
    spokeCpuMs: 0,
    spokeCpuMsByTenth: Array.from({ length: 10 }, () => 0),
    maxSpokeMs: 0,
    rssAfterHubMB: 0,
    rssHalfwayMB: 0,
    maxRssMB: 0,
    liveHeapHalfwayMB: 0,
    liveHeapEndMB: 0,
    mandatory: 0,
    advisory: 0,
    failedStacks: 0,
    crossStackProblems: 0,
    wiringOk: false,
    spokeQuotaMax: {},
  };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const last = { wall: performance.now(), cpu: cpuMs() };
  const report = await plan(
    stacks,
    (s) => {
      const [wall, cpu] = [performance.now() - last.wall, cpuMs() - last.cpu];
      if (s.role === "hub") {
        run.hubMs += wall;
        run.rssAfterHubMB = rssMB();
      } else {
        run.spokes += 1;
        run.spokeMs += wall;
        run.spokeCpuMs += cpu;
        run.spokeCpuMsByTenth[Math.floor(((run.spokes - 1) * 10) / spokeCount)] += cpu;
        run.maxSpokeMs = Math.max(run.maxSpokeMs, wall);
        record(s);
      }
      [last.wall, last.cpu] = [performance.now(), cpuMs()];
    },
    { wiring: true },
  );
  function record(s: StackSummary): void {
    for (const q of s.quotas)
      run.spokeQuotaMax[q.quota] = Math.max(run.spokeQuotaMax[q.quota] ?? 0, q.fraction);
    if (run.spokes === Math.ceil(spokeCount / 2)) {
      run.rssHalfwayMB = rssMB();
      run.liveHeapHalfwayMB = liveHeapMB();
    }
    if (run.spokes % 100 === 0)
      console.error(
        `bench: plan ${run.spokes}/${spokeCount} spokes, ${Math.round(performance.now() / 1000)} s`,
      );
  }
  run.resources = report.totals.resources;
  run.mandatory = report.totals.mandatory;
  run.advisory = report.totals.advisory;
  run.failedStacks = report.totals.failedStacks;
  run.crossStackProblems = report.crossStackProblems.length;
  run.wiringOk = report.wiring?.ok ?? false;
  run.wallMs = performance.now();
  run.maxRssMB = process.resourceUsage().maxRSS / 1024;
  run.liveHeapEndMB = liveHeapMB();
  process.stdout.write(`\n__PLAN_RUN__${JSON.stringify(run)}\n`);
}

main(process.argv[2], process.argv.includes("--plain-stacks")).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
