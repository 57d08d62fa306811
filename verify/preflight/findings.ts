// What preflight reports: one finding per problem (or fact worth knowing) in an account and region,
// with whether it blocks a rollout and the fix: a config key to set or a command to run.

export interface Finding {
  /** Short stable id of the check ("config-recorder", "trail", "fixed-name", ...). */
  check: string;
  account: string;
  /** An AWS region, or "global" (IAM, S3 names, Organizations, stack outputs). */
  region: string;
  /** What the finding is about: an ARN, a name, a config key. */
  resource: string;
  /** True when `pulumi up` would fail, or a flow would stay silent after it. */
  blocks: boolean;
  message: string;
  /** A config key to set or a command to run; absent for facts that need nothing. */
  fix?: string;
}

export interface PreflightReport {
  stack: string;
  role: string;
  account: string;
  /** The deploy role preflight assumed (as the stack's provider does). */
  deployRoleArn: string;
  findings: Finding[];
  /** No finding blocks. */
  ok: boolean;
}

export function report(base: Omit<PreflightReport, "findings" | "ok">, findings: Finding[]): PreflightReport {
  return { ...base, findings, ok: !findings.some((f) => f.blocks) };
}

/** Human-readable report: blocking findings first, grouped by account and region. */
export function formatReport(r: PreflightReport): string {
  const lines = [`preflight ${r.stack} (${r.role}, account ${r.account}, deploy role ${r.deployRoleArn})`];
  const sorted = [...r.findings].sort(
    (a, b) =>
      Number(b.blocks) - Number(a.blocks) ||
      a.account.localeCompare(b.account) ||
      a.region.localeCompare(b.region),
  );
  for (const f of sorted) {
    lines.push(
      `${f.blocks ? "BLOCKS" : "ok    "} ${f.account} ${f.region.padEnd(14)} ${f.check}: ${f.resource}`,
    );
    lines.push(`       ${f.message}`);
    if (f.fix) lines.push(`       fix: ${f.fix}`);
  }
  const blocking = r.findings.filter((f) => f.blocks).length;
  lines.push(
    blocking === 0
      ? `nothing blocks a rollout of ${r.stack} (${r.findings.length} finding(s) for information)`
      : `${blocking} finding(s) block a rollout of ${r.stack}: fix them, then run preflight again`,
  );
  return lines.join("\n");
}
