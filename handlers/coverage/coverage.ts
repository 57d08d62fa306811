// The guard's coverage of the organization, from what the hub knows (the last-seen table), what
// the organization lists, and what each spoke account and region has switched on. Pure: the
// callers (npm run coverage, the hub's weekly summary) gather the inputs with their own sessions.
import { CheckState, Gap, RegionCoverage } from "./gaps";
import { LastSeen, isSilent } from "./lastSeen";
import { OrgAccount, accountAddCommand } from "./organization";

export interface SpokeRegions {
  account: string;
  regions: string[];
  /** The spoke's stack name, when the repo's stack files are known. */
  stack?: string;
}

export interface CoverageSources {
  nowSeconds: number;
  hubAccountId: string;
  /** The organization's active accounts, or why they could not be listed. */
  organization: OrgAccount[] | { error: string };
  /** The spokes expected to exist (stack files), or those heard from (the hub's table). */
  spokes: SpokeRegions[];
  lastSeen: LastSeen[];
  regions: RegionCoverage[];
  /** Accounts that need no spoke (the organization's management account, a sandbox). */
  ignoreAccounts?: string[];
}

export interface CoverageReport {
  generatedAt: string;
  organizationAccounts?: number;
  /** Accounts with a spoke (heard from, or with a stack file). */
  spokeAccounts: string[];
  regions: RegionCoverage[];
  silent: LastSeen[];
  gaps: Gap[];
  ok: boolean;
}

/** The diagnosis a silence alert and the coverage report print for a silent spoke region. */
export function silenceCauses(account: string, region: string, stack?: string, path = "forwarding"): string {
  if (path === "cloudtrail")
    return (
      `likely causes: no trail logs management write events in ${region} any more (stopped, deleted, ` +
      `or its event selectors changed), or the heartbeat-cloudtrail rule or schedule was removed; diagnose: ` +
      `npm run coverage (trail check), and in account ${account}: ` +
      `aws cloudtrail describe-trails --include-shadow-trails --region ${region}`
    );
  return (
    `likely causes: the spoke stack or its forwarding rules were removed or disabled, the hub bus policy changed, ` +
    `an SCP denies events:PutEvents, or the heartbeat schedule was deleted; diagnose: ` +
    `npm run preflight -- --stack ${stack ?? "<spoke stack>"} --hub-outputs hub-outputs.json, and in account ${account}: ` +
    `aws events describe-rule --name security-guard-heartbeat --region ${region}`
  );
}

/** An organization analyzer in any account covers every member in its region. */
function withOrganizationAnalyzers(regions: RegionCoverage[]): RegionCoverage[] {
  const orgAnalyzer = new Map<string, string>();
  for (const r of regions) {
    const aa = r.checks.find((c) => c.check === "access-analyzer");
    if (aa?.state === "on" && aa.detail.startsWith("ORGANIZATION")) orgAnalyzer.set(r.region, r.account);
  }
  return regions.map((r) => ({
    ...r,
    checks: r.checks.map((c): CheckState => {
      const owner = orgAnalyzer.get(r.region);
      return c.check === "access-analyzer" && c.state === "off" && owner
        ? { check: c.check, state: "on", detail: `covered by the organization analyzer in ${owner}` }
        : c;
    }),
  }));
}

export function coverageReport(src: CoverageSources): CoverageReport {
  const gaps: Gap[] = [];
  const names = new Map<string, string>();
  if (Array.isArray(src.organization)) for (const a of src.organization) names.set(a.id, a.name);
  const nameOf = (id: string) => (names.has(id) ? { accountName: names.get(id) } : {});
  const heard = new Set(src.lastSeen.map((r) => r.account));
  const spokeAccounts = [...new Set([...src.spokes.map((s) => s.account), ...heard])].sort();
  const usualRegions = [...new Set(src.spokes.flatMap((s) => s.regions))].sort();

  if (!Array.isArray(src.organization)) {
    gaps.push({
      check: "no-spoke",
      account: src.hubAccountId,
      region: "global",
      what: `the organization's accounts could not be listed (${src.organization.error}): accounts without a spoke stay unknown`,
      fix:
        "deploy the hub in the management account or in an account the management account delegates AWS Organizations to " +
        "(aws organizations put-resource-policy with organizations:ListAccounts for the hub account)",
    });
  } else {
    const ignored = new Set(src.ignoreAccounts ?? []);
    for (const a of src.organization) {
      if (spokeAccounts.includes(a.id) || ignored.has(a.id)) continue;
      gaps.push({
        check: "no-spoke",
        account: a.id,
        accountName: a.name,
        region: "global",
        what: `account ${a.name} (${a.id}) has no spoke: nothing it does reaches the guard`,
        fix: `${accountAddCommand(a, usualRegions)}, then pulumi up on the stack it writes`,
      });
    }
  }

  const silent = src.lastSeen.filter((r) => isSilent(r, src.nowSeconds));
  for (const r of silent) {
    const spoke = src.spokes.find((s) => s.account === r.account);
    gaps.push({
      check: "silent-region",
      account: r.account,
      ...nameOf(r.account),
      region: r.region,
      what: `no heartbeat on the ${r.path} path since ${new Date(r.lastSeen * 1000).toISOString()} (one every ${r.intervalMinutes} min expected)`,
      fix: silenceCauses(r.account, r.region, spoke?.stack, r.path),
    });
  }
  for (const spoke of src.spokes) {
    for (const region of spoke.regions) {
      if (src.lastSeen.some((r) => r.account === spoke.account && r.region === region)) continue;
      gaps.push({
        check: "silent-region",
        account: spoke.account,
        ...nameOf(spoke.account),
        region,
        what: "no heartbeat was ever recorded from this spoke region (not deployed, or its forwarding never worked)",
        fix: `pulumi up --stack ${spoke.stack ?? "<spoke stack>"}, then ${silenceCauses(spoke.account, region, spoke.stack)}`,
      });
    }
  }

  const regions = withOrganizationAnalyzers(src.regions);
  for (const r of regions) {
    for (const c of r.checks) {
      if (c.state === "on") continue;
      gaps.push({
        check: c.check,
        account: r.account,
        ...nameOf(r.account),
        region: r.region,
        what: c.state === "off" ? `${c.check} is off: ${c.detail}` : `${c.check}: ${c.detail}`,
        fix: c.fix ?? "",
      });
    }
  }
  return {
    generatedAt: new Date(src.nowSeconds * 1000).toISOString(),
    ...(Array.isArray(src.organization) ? { organizationAccounts: src.organization.length } : {}),
    spokeAccounts,
    regions,
    silent,
    gaps,
    ok: gaps.length === 0,
  };
}

/** Human-readable report: gaps by account and region, then what is on. */
export function formatCoverage(report: CoverageReport): string {
  const lines = [
    `coverage at ${report.generatedAt}: ${report.spokeAccounts.length} spoke account(s)` +
      (report.organizationAccounts !== undefined
        ? ` of ${report.organizationAccounts} in the organization`
        : ""),
  ];
  const sorted = [...report.gaps].sort(
    (a, b) =>
      a.account.localeCompare(b.account) ||
      a.region.localeCompare(b.region) ||
      a.check.localeCompare(b.check),
  );
  for (const g of sorted) {
    lines.push(
      `GAP ${g.account}${g.accountName ? ` (${g.accountName})` : ""} ${g.region.padEnd(14)} ${g.check}: ${g.what}`,
    );
    if (g.fix) lines.push(`    fix: ${g.fix}`);
  }
  for (const r of report.regions) {
    const on = r.checks.filter((c) => c.state === "on").map((c) => c.check);
    lines.push(`on  ${r.account} ${r.region.padEnd(14)} ${on.join(", ") || "nothing"}`);
  }
  lines.push(
    report.ok
      ? "no gaps: every account and region is covered"
      : `${report.gaps.length} gap(s): fix them, then run coverage again`,
  );
  return lines.join("\n");
}
