// npm run bench:rollout-memory -- SPOKES CONCURRENCY [--gc] [--out FILE] [--snapshots DIR]: where a
// rollout's memory goes. A hub plus SPOKES spokes through the rollout (as `npm run rollout` runs it)
// under the real Pulumi engine with the stub provider; every 500 ms it samples every process of the
// run by kind (this rollout process, each Pulumi CLI, each stub provider, the policy pack, anything
// else) with its RSS and command line, plus this process's V8 heap and open handles, and processes of
// the fleet that left the tree (orphans). After each stack it records this process's heap (after a
// full garbage collection with --gc; --snapshots DIR writes heap snapshots after the 3rd and the last
// stack). Prints a summary; --out writes every sample as JSON lines.
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import * as vm from "vm";
import { Proc, descendants, readProcs } from "./procTree";
import { ensurePulumi } from "../verify/engine/pulumiCli";
import { rollout } from "../verify/rollout/rollout";
import { planWaves, selectStacks } from "../verify/rollout/waves";
import { listStackFiles } from "../verify/stackFiles";
import { createFleet } from "../test/helpers/fleet";

const MB = 2 ** 20;
const mb = (n: number) => Math.round(n / MB);

function kindOf(p: Proc): string {
  if (p.pid === process.pid) return "rollout";
  if (p.state === "Z") return "zombie";
  const cmd = p.argv.join(" ");
  if (path.basename(p.argv[0] ?? "") === "pulumi") return "pulumi-cli";
  if (cmd.includes("stubProvider/main.js")) return "stub-provider";
  if (cmd.includes("policy/index.js")) return "policy-pack";
  return path.basename(p.argv[0] ?? "?");
}

/** The stack a process works for: its own or its nearest Pulumi CLI ancestor's `--stack`. */
function stackOf(p: Proc, procs: Map<number, Proc>): string | undefined {
  for (let q: Proc | undefined = p; q; q = procs.get(q.ppid)) {
    const i = q.argv.indexOf("--stack");
    if (i >= 0) return q.argv[i + 1];
    if (q.pid === process.pid) return undefined;
  }
  return undefined;
}

/** The CLI's subcommand (`up`, `stack select`, `stack history`...). */
function subcommand(p: Proc): string {
  return p.argv
    .slice(1)
    .filter((a) => !a.startsWith("-"))
    .slice(0, 2)
    .join(" ");
}

async function main() {
  const argv = process.argv.slice(2);
  const flag = (f: string) => argv.includes(f);
  const outAt = argv.indexOf("--out");
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const snapAt = argv.indexOf("--snapshots");
  const snapshots = snapAt >= 0 ? argv[snapAt + 1] : undefined;
  const [spokes, concurrency] = argv
    .filter((a, i) => /^\d+$/.test(a) && !["--out", "--snapshots"].includes(argv[i - 1]))
    .map(Number);
  if (!spokes || !concurrency)
    throw new Error("usage: SPOKES CONCURRENCY [--gc] [--out FILE] [--snapshots DIR]");
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;

  const binary = ensurePulumi().binary;
  const fleet = await createFleet({ binary, spokes });
  const waves = planWaves(selectStacks(listStackFiles(fleet.dir), []), { count: 1 });
  const lines: string[] = [];
  const started = Date.now();
  const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

  // Per kind: peak total RSS, peak count; per process: peak RSS (with its kind, stack, subcommand).
  const peakKind = new Map<string, { rss: number; count: number }>();
  const perPid = new Map<number, { kind: string; stack?: string; cmd: string; rss: number }>();
  let peakTree = 0;
  let peakOrphans = 0;
  let peakHandles = 0;
  const sample = () => {
    const procs = readProcs();
    const tree = descendants(procs, process.pid);
    const inTree = new Set(tree.map((p) => p.pid));
    const orphans = [...procs.values()].filter(
      (p) => !inTree.has(p.pid) && p.argv.join(" ").includes(fleet.ws.dir),
    );
    const kinds: Record<string, { count: number; rssMB: number }> = {};
    for (const p of tree) {
      const k = kindOf(p);
      kinds[k] = kinds[k] ?? { count: 0, rssMB: 0 };
      kinds[k].count++;
      kinds[k].rssMB += p.rss / MB;
      const seen = perPid.get(p.pid);
      if (!seen)
        perPid.set(p.pid, {
          kind: k,
          stack: stackOf(p, procs),
          cmd: k === "pulumi-cli" ? subcommand(p) : "",
          rss: p.rss,
        });
      else seen.rss = Math.max(seen.rss, p.rss);
    }
    for (const [k, v] of Object.entries(kinds)) {
      const peak = peakKind.get(k) ?? { rss: 0, count: 0 };
      peakKind.set(k, { rss: Math.max(peak.rss, v.rssMB), count: Math.max(peak.count, v.count) });
      v.rssMB = Math.round(v.rssMB);
    }
    const total = tree.reduce((s, p) => s + p.rss, 0);
    peakTree = Math.max(peakTree, total);
    peakOrphans = Math.max(peakOrphans, orphans.length);
    const handles = process.getActiveResourcesInfo();
    peakHandles = Math.max(peakHandles, handles.length);
    const m = process.memoryUsage();
    lines.push(
      JSON.stringify({
        t: +((Date.now() - started) / 1000).toFixed(1),
        treeMB: mb(total),
        kinds,
        orphans: orphans.map((p) => ({ pid: p.pid, kind: kindOf(p), rssMB: mb(p.rss) })),
        self: {
          rssMB: mb(m.rss),
          heapUsedMB: mb(m.heapUsed),
          heapTotalMB: mb(m.heapTotal),
          externalMB: mb(m.external),
        },
        handles: handles.length,
      }),
    );
  };
  const timer = setInterval(sample, 500);

  const afterStack: {
    done: number;
    name: string;
    t: number;
    rssMB: number;
    heapUsedMB: number;
    handles: number;
  }[] = [];
  const result = await rollout({
    setup: fleet.setup,
    waves,
    mode: "up",
    concurrency,
    dir: path.join(fleet.dir, ".rollout"),
    resume: false,
    onStackDone: (o) => {
      if (flag("--gc")) gc();
      // Heap snapshots after the 3rd and the last stack, to diff what the heap keeps per stack.
      if (snapshots && (afterStack.length + 1 === 3 || afterStack.length + 1 === spokes + 1))
        v8.writeHeapSnapshot(path.join(snapshots, `after-${afterStack.length + 1}.heapsnapshot`));
      const m = process.memoryUsage();
      afterStack.push({
        done: afterStack.length + 1,
        name: o.name,
        t: +((Date.now() - started) / 1000).toFixed(1),
        rssMB: mb(m.rss),
        heapUsedMB: mb(m.heapUsed),
        handles: process.getActiveResourcesInfo().length,
      });
    },
  });
  clearInterval(timer);
  sample();
  gc();
  const end = process.memoryUsage();
  if (out) fs.writeFileSync(out, `${lines.join("\n")}\n`);

  const byKind = new Map<string, number[]>();
  for (const p of perPid.values()) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p.rss]);
  const cliByStack = [...perPid.values()].filter((p) => p.kind === "pulumi-cli" && p.cmd.startsWith("up"));
  const every = (n: number) =>
    afterStack.filter((_, i) => i === 0 || (i + 1) % n === 0 || i === afterStack.length - 1);
  console.log(
    JSON.stringify(
      {
        spokes,
        concurrency,
        forcedGc: flag("--gc"),
        failed: result.stacks.filter((s) => s.status === "failed").map((s) => `${s.name}: ${s.error}`),
        wallS: +((Date.now() - started) / 1000).toFixed(1),
        loadBefore: load,
        loadAfter: fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
        peakTreeRssMB: mb(peakTree),
        peakByKind: Object.fromEntries(
          [...peakKind].map(([k, v]) => [k, { rssMB: Math.round(v.rss), count: v.count }]),
        ),
        processes: Object.fromEntries(
          [...byKind].map(([k, rss]) => [
            k,
            {
              n: rss.length,
              meanPeakMB: mb(rss.reduce((a, b) => a + b, 0) / rss.length),
              maxPeakMB: mb(Math.max(...rss)),
            },
          ]),
        ),
        cliUpPeakMB: cliByStack
          .map((p) => `${p.stack}:${mb(p.rss)}`)
          .filter((_, i, a) => i < 3 || i >= a.length - 3),
        peakOrphans,
        peakHandles,
        afterStack: every(10),
        endHeapUsedAfterGcMB: mb(end.heapUsed),
        endRssMB: mb(end.rss),
        endHandles: process.getActiveResourcesInfo(),
      },
      null,
      1,
    ),
  );
  fleet.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
