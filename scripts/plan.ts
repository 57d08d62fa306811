// npm run plan [-- --json] [--dir DIR] [--report FILE] [--brief] [--no-wiring] [--policy-config FILE]
// Offline `pulumi preview` of every stack config in the repo under the Pulumi mock runtime: the
// resources per stack and region, the CrossGuard pack's results, and AWS quota headroom. No cloud
// credentials. Exit 1 on any mandatory violation, invalid config, or a stack that fails to build.
import * as fs from "fs";
import * as path from "path";
import { OfflineOptions, runPoliciesOffline, Violation } from "../policy/offline";
import { readPackConfig } from "../policy/packConfig";
import { parseConfigValue } from "../stacks/loadConfig";
import { validateStackSet } from "../stacks/validateConfig";
import { evaluateStacks } from "./lib/evaluateStacks";
import { MockedResource } from "./lib/mockRuntime";
import { QuotaUse, quotaHeadroom } from "./lib/quotas";
import {
  WiringSummary,
  createWiringCollector,
  formatWiringSummary,
  stackWiringInfo,
  withMoto,
} from "./lib/wiring/summary";
import { StackFile, listStackFiles, validConfigs } from "./lib/stackFiles";

export interface StackSummary {
  stack: string;
  file: string;
  role?: string;
  accountId?: string;
  regions: string[];
  ok: boolean;
  error?: string;
  resourceCount: number;
  /** type -> region ("global" for components and providers) -> count */
  resources: Record<string, Record<string, number>>;
  violations: Violation[];
  quotas: QuotaUse[];
  millis: number;
}

export interface PlanReport {
  generatedAt: string;
  stacks: StackSummary[];
  /** Problems across stacks (duplicate accounts, spokes missing from an account-list hub). */
  crossStackProblems: string[];
  totals: { stacks: number; resources: number; mandatory: number; advisory: number; failedStacks: number };
  /** Routes matched by moto's EventBridge and IAM access paths simulated (issue 8); absent with --no-wiring. */
  wiring?: WiringSummary;
  ok: boolean;
}

export interface PlanOptions {
  /** Run the wiring checks (routes in moto when .venv has it, IAM access simulation). */
  wiring?: boolean;
  /** Enforcement levels and policy settings, as `--policy-pack-config` gives the engine. */
  policyOptions?: OfflineOptions;
}

/** Plain data only: assets and archives (the Lambda code) become a marker, as the engine shows them. */
function plainData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainData);
  if (v && typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return { [v.constructor.name]: true };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainData(x);
    return out;
  }
  return v;
}

/** Converts what the mock runtime recorded into what the policy pack sees. */
export function toPolicyResources(resources: MockedResource[]) {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: plainData(r.props) as Record<string, unknown>,
    parent: r.parent,
    provider: r.provider,
    dependencies: r.dependencies,
    opts: r.opts,
  }));
}

function countByTypeAndRegion(resources: MockedResource[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of resources) {
    const region = r.type.startsWith("aws:") ? (r.region ?? "?") : "global";
    out[r.type] ??= {};
    out[r.type][region] = (out[r.type][region] ?? 0) + 1;
  }
  return out;
}

export async function plan(
  stacks: StackFile[],
  onStack?: (s: StackSummary) => void,
  options: PlanOptions = {},
): Promise<PlanReport> {
  const problems = validateStackSet(validConfigs(stacks));
  const summaries: StackSummary[] = [];
  const wiring = options.wiring ? createWiringCollector() : undefined;
  await evaluateStacks(stacks, ({ stack, evaluation, error, millis }) => {
    const role = stack.config["security-guard:role"];
    const accountId = stack.config["security-guard:accountId"];
    const regionsRaw = stack.config["security-guard:regions"];
    const regions = regionsRaw ? (parseConfigValue(regionsRaw) as string[]) : [];
    const base = { stack: stack.stack, file: stack.file, role, accountId, regions, millis };
    let summary: StackSummary;
    if (error || !evaluation) {
      summary = {
        ...base,
        ok: false,
        error: error?.message,
        resourceCount: 0,
        resources: {},
        violations: [],
        quotas: [],
      };
    } else {
      const violations = runPoliciesOffline(toPolicyResources(evaluation.resources), options.policyOptions);
      wiring?.add(stack.stack, stackWiringInfo(stack.config), evaluation.resources);
      summary = {
        ...base,
        ok: !violations.some((v) => v.level === "mandatory"),
        resourceCount: evaluation.resources.length,
        resources: countByTypeAndRegion(evaluation.resources),
        violations,
        quotas: quotaHeadroom(evaluation.resources),
      };
    }
    summaries.push(summary);
    onStack?.(summary);
  });
  const totals = {
    stacks: summaries.length,
    resources: summaries.reduce((n, s) => n + s.resourceCount, 0),
    mandatory: summaries.reduce((n, s) => n + s.violations.filter((v) => v.level === "mandatory").length, 0),
    advisory: summaries.reduce((n, s) => n + s.violations.filter((v) => v.level === "advisory").length, 0),
    failedStacks: summaries.filter((s) => s.error).length,
  };
  const wiringSummary = wiring
    ? ((await withMoto((emulator) => wiring.summarize({ emulator }))) ??
      (await wiring.summarize({
        skipRoutesReason: "moto not installed (.venv): run node scripts/ensure-moto.js",
      })))
    : undefined;
  return {
    generatedAt: new Date().toISOString(),
    stacks: summaries,
    crossStackProblems: problems,
    totals,
    wiring: wiringSummary,
    ok:
      totals.mandatory === 0 &&
      totals.failedStacks === 0 &&
      problems.length === 0 &&
      (wiringSummary?.ok ?? true),
  };
}

function pct(f: number): string {
  return `${(f * 100).toFixed(1)}%`;
}

export function formatStack(s: StackSummary, brief: boolean): string {
  const lines: string[] = [];
  const mandatory = s.violations.filter((v) => v.level === "mandatory").length;
  const advisory = s.violations.length - mandatory;
  const worst = [...s.quotas].sort((a, b) => b.fraction - a.fraction)[0];
  lines.push(
    `${s.ok ? "OK  " : "FAIL"} ${s.stack.padEnd(22)} ${(s.role ?? "?").padEnd(5)} ${String(s.accountId ?? "?").padEnd(12)} ` +
      `${String(s.resourceCount).padStart(4)} resources  ${mandatory} mandatory  ${advisory} advisory  ` +
      `${worst ? `max quota ${pct(worst.fraction)} (${worst.quota})` : ""}  ${s.millis} ms`,
  );
  if (s.error) lines.push(`     error: ${s.error.split("\n").join("\n            ")}`);
  for (const v of s.violations)
    lines.push(`     [${v.level}] ${v.policy}: ${v.name ?? ""} (${v.type ?? "stack"}): ${v.message}`);
  if (!brief && !s.error) {
    const regions = [...new Set(Object.values(s.resources).flatMap((r) => Object.keys(r)))].sort((a, b) =>
      a === "global" ? -1 : b === "global" ? 1 : a.localeCompare(b),
    );
    lines.push(`     ${"type".padEnd(62)} ${regions.map((r) => r.padStart(14)).join("")}`);
    for (const [type, byRegion] of Object.entries(s.resources).sort()) {
      lines.push(
        `     ${type.padEnd(62)} ${regions.map((r) => String(byRegion[r] ?? "").padStart(14)).join("")}`,
      );
    }
    for (const q of s.quotas)
      lines.push(
        `     quota ${q.quota.padEnd(20)} ${String(q.used).padStart(6)} / ${q.limit}  ${pct(q.fraction).padStart(6)}  (${q.where})`,
      );
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const brief = argv.includes("--brief");
  const arg = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const root = path.resolve(__dirname, "..");
  const dir = path.resolve(arg("--dir") ?? root);
  const reportPath = path.resolve(arg("--report") ?? path.join(root, ".plan", "report.json"));
  const stacks = listStackFiles(dir);
  if (stacks.length === 0) {
    console.error(`no stack config files (Pulumi.<stack>.yaml) in ${dir}`);
    return 1;
  }
  const report = await plan(stacks, json ? undefined : (s) => console.log(formatStack(s, brief)), {
    wiring: !argv.includes("--no-wiring"),
    policyOptions: arg("--policy-config") ? readPackConfig(arg("--policy-config")!) : undefined,
  });
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else {
    for (const p of report.crossStackProblems) console.log(`FAIL ${p}`);
    if (report.wiring) console.log(`\n${formatWiringSummary(report.wiring, { verbose: !brief })}`);
    const t = report.totals;
    console.log(
      `\n${report.ok ? "PASS" : "FAIL"}: ${t.stacks} stacks, ${t.resources} resources, ${t.mandatory} mandatory and ` +
        `${t.advisory} advisory violations, ${t.failedStacks} stacks failed to build. Report: ${path.relative(process.cwd(), reportPath)}`,
    );
  }
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
