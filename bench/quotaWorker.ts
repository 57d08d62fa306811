// node -r ts-node/register/transpile-only bench/quotaWorker.ts TMPDIR N...
// Quota headroom against the number of accounts: for each N, a hub with N accounts in organization
// mode (policies name the organization) and in account-list mode (memberAccounts lists every
// account), each planned with one of its spokes (rules per bus and event patterns live in the
// spoke). Prints one JSON line (QuotaPoint[]) at the end.
import * as path from "path";
import { plan } from "../verify/plan";
import { QuotaName } from "../verify/quotas";
import { listStackFiles } from "../verify/stackFiles";
import { generateStacks } from "./generateStacks";

export type QuotaUses = Partial<Record<QuotaName, { used: number; limit: number }>>;

export interface QuotaPoint {
  mode: "organization" | "account-list";
  accounts: number;
  hub: QuotaUses;
  spoke: QuotaUses;
  /** Mandatory policy violations and build errors of the hub and the spoke. */
  problems: string[];
}

async function main(tmp: string, sizes: number[]): Promise<void> {
  const points: QuotaPoint[] = [];
  for (const mode of ["organization", "account-list"] as const) {
    for (const n of sizes) {
      const dir = path.join(tmp, `quotas-${mode}-${n}`);
      generateStacks(dir, n, { organization: mode === "organization" });
      const all = listStackFiles(dir);
      const report = await plan([all[0], all[1]]);
      const point: QuotaPoint = { mode, accounts: n, hub: {}, spoke: {}, problems: [] };
      for (const s of report.stacks) {
        const uses = s.role === "hub" ? point.hub : point.spoke;
        for (const q of s.quotas) uses[q.quota] = { used: q.used, limit: q.limit };
        if (s.error) point.problems.push(`${s.stack}: ${s.error.split("\n")[0]}`);
        for (const v of s.violations.filter((x) => x.level === "mandatory"))
          point.problems.push(`${s.stack}: ${v.policy}: ${v.message}`);
      }
      points.push(point);
      console.error(`quotas: ${mode} ${n} accounts done`);
    }
  }
  process.stdout.write(`\n__QUOTAS__${JSON.stringify(points)}\n`);
}

main(process.argv[2], process.argv.slice(3).map(Number)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
