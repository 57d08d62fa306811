// The offline plan (`npm run plan`): every stack config evaluated under the Pulumi mock runtime,
// with the resources per stack and region, the CrossGuard pack's results, AWS quota headroom and the
// wiring checks. No cloud credentials.
import { OfflineOptions, runPoliciesOffline, Violation } from "./policy/offline";
import { toPolicyResources } from "./policy/resources";
import { parseConfigValue } from "../stacks/loadConfig";
import { validateStackSet } from "../stacks/validateConfig";
import { evaluateStacks } from "./evaluateStacks";
import { MuteReportLine, muteReport } from "./muteReport";
import { MockedResource } from "./mockRuntime";
import { QuotaUse, quotaHeadroom } from "./quotas";
import { WiringSummary, createWiringCollector, stackWiringInfo, withMoto } from "./wiring/summary";
import { StackFile, validConfigs } from "./stackFiles";
import { RequiredSecret } from "../stacks/requiredSecrets";
import { runtimeMutesNote } from "./runtimeMutes";

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
  /** Hubs with chat-ops: where the mutes written from Slack live and how to list them. */
  runtimeMutes?: string;
  /** HTTP API routes the stack serves ("POST /slack/commands", "POST /slack/interactions"). */
  httpRoutes?: string[];
  /** Secrets the stack file does not set (the plan ran with fake stand-ins): set each before `pulumi up`. */
  secretsNeeded: RequiredSecret[];
  millis: number;
}

export interface PlanReport {
  generatedAt: string;
  stacks: StackSummary[];
  /** Problems across stacks (duplicate accounts, spokes missing from an account-list hub). */
  crossStackProblems: string[];
  /** Mute rules that expired or can never match (reported, not failed). */
  muteReport: MuteReportLine[];
  totals: { stacks: number; resources: number; mandatory: number; advisory: number; failedStacks: number };
  /** Routes matched by moto's EventBridge and IAM access paths simulated (the wiring checks); absent with --no-wiring. */
  wiring?: WiringSummary;
  ok: boolean;
}

export interface PlanOptions {
  /** Run the wiring checks (routes in moto when .venv has it, IAM access simulation). */
  wiring?: boolean;
  /** Enforcement levels and policy settings, as `--policy-pack-config` gives the engine. */
  policyOptions?: OfflineOptions;
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

function chatopsEnabled(raw: string | undefined): boolean {
  if (!raw) return false;
  const value = parseConfigValue(raw) as { enabled?: unknown } | undefined;
  return value?.enabled === true;
}

/** The route keys of the stack's HTTP APIs: what Slack's request URLs must point at. */
function httpRoutes(resources: MockedResource[]): string[] {
  return resources
    .filter((r) => r.type === "aws:apigatewayv2/route:Route" && typeof r.props.routeKey === "string")
    .map((r) => r.props.routeKey as string)
    .sort();
}

export async function plan(
  stacks: StackFile[],
  onStack?: (s: StackSummary) => void,
  options: PlanOptions = {},
): Promise<PlanReport> {
  const configs = validConfigs(stacks);
  const problems = validateStackSet(configs);
  const mutes = muteReport(configs, Date.now());
  const summaries: StackSummary[] = [];
  const wiring = options.wiring ? createWiringCollector() : undefined;
  await evaluateStacks(stacks, ({ stack, evaluation, error, millis }) => {
    const role = stack.config["security-guard:role"];
    const accountId = stack.config["security-guard:accountId"];
    const regionsRaw = stack.config["security-guard:regions"];
    const regions = regionsRaw ? (parseConfigValue(regionsRaw) as string[]) : [];
    const base = {
      stack: stack.stack,
      file: stack.file,
      role,
      accountId,
      regions,
      secretsNeeded: stack.secretsNeeded,
      millis,
    };
    let summary: StackSummary;
    if (error || !evaluation) {
      summary = {
        ...base,
        ok: false,
        error: error?.message,
        resourceCount: 0,
        resources: {},
        httpRoutes: [],
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
        httpRoutes: httpRoutes(evaluation.resources),
        ...(role === "hub" && chatopsEnabled(stack.config["security-guard:chatops"])
          ? { runtimeMutes: runtimeMutesNote(regions[0] ?? "us-east-1") }
          : {}),
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
    muteReport: mutes,
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

/** Regions of a stack's resources: "global" (providers, components) first, then by name. */
export function resourceRegions(s: StackSummary): string[] {
  return [...new Set(Object.values(s.resources).flatMap((r) => Object.keys(r)))].sort((a, b) =>
    a === "global" ? -1 : b === "global" ? 1 : a.localeCompare(b),
  );
}

/** Resources by type (rows) and region (columns), every column as wide as its heading plus a gap. */
export function resourceTable(s: StackSummary): string[] {
  const regions = resourceRegions(s);
  const types = Object.keys(s.resources).sort();
  const typeWidth = Math.max(4, ...types.map((t) => t.length));
  const row = (first: string, cells: string[]) =>
    `${first.padEnd(typeWidth)}${cells.map((c, i) => `  ${c.padStart(regions[i].length)}`).join("")}`.trimEnd();
  return [
    row("type", regions),
    ...types.map((type) =>
      row(
        type,
        regions.map((r) => String(s.resources[type][r] ?? "")),
      ),
    ),
  ];
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
  if (s.httpRoutes?.length)
    lines.push(`     HTTP routes (Slack app request URLs): ${s.httpRoutes.join(", ")}`);
  if (s.runtimeMutes) lines.push(`     mute report: ${s.runtimeMutes}`);
  for (const secret of s.secretsNeeded)
    lines.push(`     secret still needed (planned with a fake value): ${secret.path}: ${secret.command}`);
  for (const v of s.violations)
    lines.push(`     [${v.level}] ${v.policy}: ${v.name ?? ""} (${v.type ?? "stack"}): ${v.message}`);
  if (!brief && !s.error) {
    lines.push(...resourceTable(s).map((l) => `     ${l}`));
    for (const q of s.quotas)
      lines.push(
        `     quota ${q.quota.padEnd(20)} ${String(q.used).padStart(6)} / ${q.limit}  ${pct(q.fraction).padStart(6)}  (${q.where})`,
      );
  }
  return lines.join("\n");
}
