// Checks one security group in a spoke account/region and closes its world-open SSH.
// Runs with the spoke's remediation role (describe groups, rules and prefix lists, read the
// restricted-ssh rule's scope, authorize and revoke ingress, tag the group with the record).
// Each step lives in its own file; this one only wires them in order:
//   assume role -> read group -> in the rule's scope? -> find world-open SSH (resolving prefix
//   lists) -> exempt / dry-run? -> close SSH -> verify -> record -> report
import { EC2Client } from "@aws-sdk/client-ec2";
import type { Deadline } from "../shared/deadline";
import type { RemediationReport } from "../shared/remediationReport";
import { SpokeCredentials, assumeSpokeRole } from "./assumeRole";
import { StepContext, stepContext } from "./context";
import { HoldBackOptions, compliantReport, holdBack } from "./decide";
import { describePermissions, findOffending, reported, withRuleIds } from "./permissions";
import { readGroup, readPrefixLists, readRules } from "./readGroup";
import { markReported, readRecord, recordedChange, writeRecord } from "./record";
import { RetryOptions, clientConfig } from "./retry";
import { closeSsh } from "./revoke";
import { outsideScope, readRuleScope } from "./scope";
import { groupWhere, namedBase, reportBase, revokedReason } from "./target";
import type { RemediationRequest } from "./triggers";
import { verifyClosed } from "./verify";
import type { WorldPrefixes } from "../shared/world";

export { roleArn, roleSessionName } from "./target";

export interface RemediateOptions extends HoldBackOptions {
  partition: string;
  roleName: string;
  retry: RetryOptions;
  requestTimeoutMs: number;
  deadline: Deadline;
  /** Revoke a world-open rule whole instead of re-authorizing it without TCP port 22. */
  revokeWholeRule: boolean;
  /** The longest prefixes that count as the world (a source at most this wide is revoked). */
  world: WorldPrefixes;
  /** The restricted-ssh rule names: their scope decides which groups a CloudTrail trigger may touch. */
  configRuleNames: string[];
  /** For log lines. */
  requestId?: string;
  /** Announces a report (PutEvents to the hub bus); answers the event id. */
  publish(report: RemediationReport): Promise<string>;
}

/** The published report and its event id, or why nothing is reported (outside the rule's scope, nothing world-open). */
export type GroupResult = { report: RemediationReport; reportEventId: string } | { skipped: string };

export async function remediateGroup(req: RemediationRequest, opts: RemediateOptions): Promise<GroupResult> {
  const target = { accountId: req.accountId, region: req.region, groupId: req.groupId };
  const eventId = req.trigger.eventId;
  const ctx = stepContext(target, { ...opts, eventId });
  const credentials = await assumeSpokeRole(ctx, { ...opts, eventId });
  const ec2 = new EC2Client({ ...clientConfig(opts.requestTimeoutMs), region: req.region, credentials });
  try {
    const decided = await decideAndAct(req, opts, { ctx, ec2, credentials });
    if ("skipped" in decided) return decided;
    const reportEventId = await opts.publish(decided.report);
    if (decided.recorded && eventId) await markReported(ec2, ctx, eventId);
    return { report: decided.report, reportEventId };
  } finally {
    ec2.destroy();
  }
}

type Decided = { report: RemediationReport; recorded?: boolean } | { skipped: string };

async function decideAndAct(
  req: RemediationRequest,
  opts: RemediateOptions,
  spoke: { ctx: StepContext; ec2: EC2Client; credentials: SpokeCredentials },
): Promise<Decided> {
  const { ctx, ec2, credentials } = spoke;
  const eventId = req.trigger.eventId;
  const base = reportBase(req);
  const group = await readGroup(ec2, ctx, "describe-group");
  if (!group) {
    const reason = `security group ${groupWhere(req)} does not exist (deleted?)`;
    return { report: { ...base, outcome: "group-not-found", permissions: [], reason } };
  }
  // No Config verdict behind it: the rule's scope decides whether the group may be touched.
  if (req.trigger.kind !== "config-compliance") {
    const rule = await readRuleScope(ctx, credentials, opts.configRuleNames);
    const outside = rule && outsideScope(group, rule.ruleName, rule.scope);
    if (outside) return { skipped: `${req.groupId} is outside the restricted-ssh scope: ${outside}` };
  }
  const named = namedBase(base, group);
  const lists = await readPrefixLists(ec2, ctx, group);
  const offending = findOffending(group.IpPermissions, lists, opts.world);
  if (offending.length === 0) {
    // A retry of an event whose change was made but not announced: announce the recorded change.
    const record = readRecord(group, eventId);
    if (record)
      return { report: { ...named, outcome: "revoked", ...recordedChange(record) }, recorded: true };
    if (req.suspectOnly) return { skipped: `${req.groupId} has no SSH open to the world` };
    return { report: compliantReport(named) };
  }

  const rules = await readRules(ec2, ctx);
  const perms = withRuleIds(offending.map(reported), rules);
  const held = holdBack(named, group, perms, opts);
  if (held) return { report: held };

  const closed = await closeSsh(ec2, ctx, offending, { revokeWholeRule: opts.revokeWholeRule, lists });
  if (closed === "group-gone") {
    const reason = `security group ${groupWhere(req)} was deleted while being remediated`;
    return { report: { ...named, outcome: "group-not-found", permissions: [], reason } };
  }
  await verifyClosed(ec2, ctx, lists, opts.world);
  if (closed.revoked.length === 0) {
    const reason = `the world-open SSH permissions were removed by someone else before revoke (${describePermissions(perms)})`;
    return { report: { ...named, outcome: "already-compliant", permissions: [], reason } };
  }
  const change = { ...closed, revoked: withRuleIds(closed.revoked, rules) };
  const report: RemediationReport = { ...named, outcome: "revoked", ...revokedReason(change) };
  if (!eventId) return { report };
  await writeRecord(ec2, ctx, { eventId, at: new Date().toISOString(), ...change }, group);
  return { report, recorded: true };
}
