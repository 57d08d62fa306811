// npm run bench:rollout -- SPOKES CONCURRENCY...: a hub plus SPOKES spokes (one region each) through
// `npm run rollout` under the real Pulumi engine with the stub provider, a fresh fleet per concurrency:
// wall time, time per stack, peak RSS of the whole process tree (sampled from /proc every 500 ms).
import * as fs from "fs";
import { treeRss } from "./procTree";
import { ensurePulumi } from "../verify/engine/pulumiCli";
import { runRolloutCli } from "../verify/rollout/cli";
import { createFleet } from "../test/helpers/fleet";

async function main() {
  const [spokes, ...levels] = process.argv.slice(2).map(Number);
  const binary = ensurePulumi().binary;
  for (const c of levels) {
    const fleet = await createFleet({ binary, spokes });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss())), 500);
    const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const started = Date.now();
    let out = "";
    const code = await runRolloutCli(
      ["--concurrency", String(c), "--json"],
      { stdout: (t) => (out += t), stderr: () => undefined, tty: false },
      fleet.setup,
    );
    const wall = Date.now() - started;
    clearInterval(timer);
    const stacks = (JSON.parse(out) as { stacks: { name: string; durationMs: number }[] }).stacks;
    const spokeMs = stacks.filter((s) => s.name !== "hub").map((s) => s.durationMs);
    console.log(
      JSON.stringify({
        spokes,
        concurrency: c,
        exit: code,
        wallS: +(wall / 1000).toFixed(1),
        hubS: +(stacks[0].durationMs / 1000).toFixed(1),
        wallPerStackS: +(wall / 1000 / stacks.length).toFixed(2),
        meanSpokeS: +(spokeMs.reduce((a, b) => a + b, 0) / spokeMs.length / 1000).toFixed(2),
        peakTreeRssMB: Math.round(peak / 2 ** 20),
        loadBefore: load,
      }),
    );
    fleet.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
