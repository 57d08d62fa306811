// Checks one security group in a spoke account/region and revokes its world-open SSH permissions.
// Runs with the spoke's remediation role, which may only describe groups/rules and revoke ingress.
// Each step lives in its own file; this one only wires them in order:
//   assume role -> read group -> find world-open SSH -> exempt / dry-run? -> revoke -> verify -> report
import { EC2Client } from "@aws-sdk/client-ec2";
import type { RemediationReport } from "../shared/remediationReport";
import { assumeSpokeRole } from "./assumeRole";
import { stepContext } from "./context";
import { HoldBackOptions, compliantReport, holdBack } from "./decide";
import { describePermissions, findOffendingPermissions, withRuleIds } from "./permissions";
import { readGroup, readRules } from "./readGroup";
import { RetryOptions, clientConfig } from "./retry";
import { revokeAll } from "./revoke";
import { groupWhere, namedBase, reportBase } from "./target";
import type { RemediationRequest } from "./triggers";
import { verifyClosed } from "./verify";

export { roleArn, roleSessionName } from "./target";

export interface RemediateOptions extends HoldBackOptions {
  partition: string;
  roleName: string;
  retry: RetryOptions;
  requestTimeoutMs: number;
  /** For log lines. */
  requestId?: string;
}

export async function remediateGroup(
  req: RemediationRequest,
  opts: RemediateOptions,
): Promise<RemediationReport> {
  const target = { accountId: req.accountId, region: req.region, groupId: req.groupId };
  const ctx = stepContext(target, { ...opts, eventId: req.trigger.eventId });
  const base = reportBase(req);

  const credentials = await assumeSpokeRole(ctx, { ...opts, eventId: req.trigger.eventId });
  const ec2 = new EC2Client({ ...clientConfig(opts.requestTimeoutMs), region: req.region, credentials });
  try {
    const group = await readGroup(ec2, ctx, "describe-group");
    if (!group) {
      const reason = `security group ${groupWhere(req)} does not exist (deleted?)`;
      return { ...base, outcome: "group-not-found", permissions: [], reason };
    }
    const named = namedBase(base, group);
    const offending = findOffendingPermissions(group.IpPermissions);
    if (offending.length === 0) return compliantReport(named);

    const perms = withRuleIds(offending, await readRules(ec2, ctx));
    const held = holdBack(named, group, perms, opts);
    if (held) return held;

    const revoked = await revokeAll(ec2, ctx, perms);
    if (revoked === "group-gone") {
      const reason = `security group ${groupWhere(req)} was deleted while being remediated`;
      return { ...named, outcome: "group-not-found", permissions: [], reason };
    }
    await verifyClosed(ec2, ctx);
    if (revoked.length === 0) {
      const reason = `the world-open SSH permissions were removed by someone else before revoke (${describePermissions(perms)})`;
      return { ...named, outcome: "already-compliant", permissions: [], reason };
    }
    return {
      ...named,
      outcome: "revoked",
      permissions: revoked,
      reason: `revoked ${describePermissions(revoked)}`,
    };
  } finally {
    ec2.destroy();
  }
}
