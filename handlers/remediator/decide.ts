// Step: decide what to do about a group's world-open SSH permissions before anything changes:
// nothing (none found), leave them (exempt by tag, dry-run), or revoke them.
import type { SecurityGroup } from "@aws-sdk/client-ec2";
import { exemptionActive, parseExemption } from "../shared/exemption";
import type { RemediationReport, RevokedPermission } from "../shared/remediationReport";
import { describePermissions } from "./permissions";
import type { ReportBase } from "./target";

export interface HoldBackOptions {
  exemptTagKey: string;
  /** True when settings.dryRun is set or the account is listed in dryRunAccounts. */
  dryRun: { enabled: boolean; why: string };
  /** The clock an exemption's expiry is compared with; default Date.now. */
  now?: () => number;
}

export function compliantReport(named: ReportBase): RemediationReport {
  return {
    ...named,
    outcome: "already-compliant",
    permissions: [],
    reason: "no ingress permission opens TCP port 22 to 0.0.0.0/0 or ::/0",
  };
}

/** The exemption tag's value, or undefined when the group has none. */
export function exemptTagValue(group: SecurityGroup, tagKey: string): string | undefined {
  return (group.Tags ?? []).find((t) => t.Key === tagKey)?.Value;
}

/** An unexpired exemption ("true" from before expiries counts until the check stamps it). */
export function isExempt(group: SecurityGroup, tagKey: string, nowMs = Date.now()): boolean {
  const value = exemptTagValue(group, tagKey);
  return value !== undefined && exemptionActive(parseExemption(value), nowMs);
}

/** The report when the permissions must stay (exempt group, dry-run), or undefined to revoke them. */
export function holdBack(
  named: ReportBase,
  group: SecurityGroup,
  perms: RevokedPermission[],
  opts: HoldBackOptions,
): RemediationReport | undefined {
  const list = describePermissions(perms);
  if (isExempt(group, opts.exemptTagKey, (opts.now ?? Date.now)())) {
    const parsed = parseExemption(exemptTagValue(group, opts.exemptTagKey));
    const until =
      parsed.kind === "expiring"
        ? ` until ${parsed.exemption.expiresAt}`
        : " (no expiry yet: the exemption check gives it the default one)";
    return {
      ...named,
      outcome: "exempt",
      permissions: perms,
      reason: `exempt by tag ${opts.exemptTagKey}${until}; left open: ${list}`,
    };
  }
  if (opts.dryRun.enabled) {
    return {
      ...named,
      outcome: "dry-run",
      permissions: perms,
      reason: `dry-run (${opts.dryRun.why}); would revoke: ${list}`,
    };
  }
  return undefined;
}
