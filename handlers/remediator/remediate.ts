// Checks one security group in a spoke account/region and revokes its world-open SSH permissions.
// Runs with the spoke's remediation role, which may only describe groups/rules and revoke ingress.
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  SecurityGroup,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { log } from "../shared/log";
import type { RemediationReport, RevokedPermission } from "../shared/remediationReport";
import { remediationError, describeError, errorCode } from "./errors";
import { describePermissions, findOffendingPermissions, revokeRequestFor, withRuleIds } from "./permissions";
import { RetryOptions, clientConfig, withRetry } from "./retry";
import type { RemediationRequest } from "./triggers";

export interface RemediateOptions {
  partition: string;
  roleName: string;
  /** True when settings.dryRun is set or the account is listed in dryRunAccounts. */
  dryRun: { enabled: boolean; why: string };
  exemptTagKey: string;
  retry: RetryOptions;
  requestTimeoutMs: number;
  /** For log lines. */
  requestId?: string;
}

/** RoleSessionName: 2-64 chars of [\w+=,.@-] (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
export function roleSessionName(eventId: string | undefined): string {
  const prefix = "security-guard-remediation-";
  const id = (eventId ?? `t${Date.now()}`).replace(/[^\w+=,.@-]/g, "").slice(0, 64 - prefix.length);
  return prefix + (id || `t${Date.now()}`.slice(0, 64 - prefix.length));
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

function isExempt(group: SecurityGroup, tagKey: string): boolean {
  const tag = (group.Tags ?? []).find((t) => t.Key === tagKey);
  return (tag?.Value ?? "").trim().toLowerCase() === "true";
}

export async function remediateGroup(
  req: RemediationRequest,
  opts: RemediateOptions,
): Promise<RemediationReport> {
  const target = { accountId: req.accountId, region: req.region, groupId: req.groupId };
  const logFields = { eventId: req.trigger.eventId, requestId: opts.requestId, ...target };
  // Throttling retries are logged so a slow run is explained in CloudWatch.
  const onRetry = (step: string) => (err: unknown, attempt: number, delayMs: number) =>
    log("warn", `retrying ${step} after transient error`, {
      ...logFields,
      attempt,
      delayMs,
      error: describeError(err),
    });
  const base: Omit<RemediationReport, "outcome" | "permissions" | "reason"> = {
    accountId: req.accountId,
    region: req.region,
    groupId: req.groupId,
    trigger: req.trigger,
    ...(req.openedBy ? { openedBy: req.openedBy } : {}),
    ...(req.openedAt ? { openedAt: req.openedAt } : {}),
  };
  const where = `${req.groupId} (account ${req.accountId}, ${req.region})`;

  // 1. Act as the spoke's remediation role (also when the event's account is the hub's own).
  const arn = roleArn(opts.partition, req.accountId, opts.roleName);
  const sts = new STSClient(clientConfig(opts.requestTimeoutMs));
  let credentials;
  try {
    const out = await withRetry(
      () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: arn,
            RoleSessionName: roleSessionName(req.trigger.eventId),
            DurationSeconds: 900,
          }),
        ),
      opts.retry,
      onRetry("assume-role"),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error("AssumeRole returned no credentials");
    credentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    };
  } catch (err) {
    throw remediationError("assume-role", target, `sts:AssumeRole ${arn}: ${describeError(err)}`, err);
  } finally {
    sts.destroy();
  }

  const ec2 = new EC2Client({ ...clientConfig(opts.requestTimeoutMs), region: req.region, credentials });
  try {
    // 2. Re-describe: the event's rule list may be stale or partial.
    const group = await describeGroup(ec2, req.groupId, opts.retry, onRetry("describe-group")).catch(
      (err) => {
        throw remediationError(
          "describe-group",
          target,
          `DescribeSecurityGroups: ${describeError(err)}`,
          err,
        );
      },
    );
    if (!group) {
      return {
        ...base,
        outcome: "group-not-found",
        permissions: [],
        reason: `security group ${where} does not exist (deleted?)`,
      };
    }
    const named = {
      ...base,
      ...(group.GroupName ? { groupName: group.GroupName } : {}),
      ...(group.VpcId ? { vpcId: group.VpcId } : {}),
    };

    const offending = findOffendingPermissions(group.IpPermissions);
    if (offending.length === 0) {
      return {
        ...named,
        outcome: "already-compliant",
        permissions: [],
        reason: "no ingress permission opens TCP port 22 to 0.0.0.0/0 or ::/0",
      };
    }
    const perms = withRuleIds(
      offending,
      await describeRulesForReport(ec2, req.groupId, opts.retry, logFields),
    );
    const list = describePermissions(perms);

    if (isExempt(group, opts.exemptTagKey)) {
      return {
        ...named,
        outcome: "exempt",
        permissions: perms,
        reason: `exempt by tag ${opts.exemptTagKey}=true; left open: ${list}`,
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

    // 3. Revoke each world CIDR of each offending permission on its own: an exact match leaves other
    // CIDRs of the same permission alone, and a rule someone already removed is simply skipped.
    const revoked: RevokedPermission[] = [];
    for (const p of perms) {
      const done: string[] = [];
      for (const cidr of p.cidrs) {
        const outcome = await revokeOne(ec2, req.groupId, p, cidr, opts.retry, onRetry("revoke")).catch(
          (err) => {
            throw remediationError(
              "revoke",
              target,
              `RevokeSecurityGroupIngress ${describePermissions([{ ...p, cidrs: [cidr] }])}: ${describeError(err)}`,
              err,
            );
          },
        );
        if (outcome === "group-gone") {
          return {
            ...named,
            outcome: "group-not-found",
            permissions: [],
            reason: `security group ${where} was deleted while being remediated`,
          };
        }
        if (outcome === "revoked") done.push(cidr);
      }
      if (done.length > 0) revoked.push({ ...p, cidrs: done });
    }

    // 4. Verify: never report success for a change that did not stick.
    const after = await describeGroup(ec2, req.groupId, opts.retry, onRetry("verify")).catch((err) => {
      throw remediationError(
        "verify",
        target,
        `DescribeSecurityGroups after revoke: ${describeError(err)}`,
        err,
      );
    });
    const still = findOffendingPermissions(after?.IpPermissions);
    if (still.length > 0) {
      throw remediationError("verify", target, `still open after revoke: ${describePermissions(still)}`);
    }
    if (revoked.length === 0) {
      return {
        ...named,
        outcome: "already-compliant",
        permissions: [],
        reason: `the world-open SSH permissions were removed by someone else before revoke (${list})`,
      };
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

/** The group, or undefined when EC2 says it does not exist. */
async function describeGroup(
  ec2: EC2Client,
  groupId: string,
  retry: RetryOptions,
  onRetry: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<SecurityGroup | undefined> {
  try {
    const out = await withRetry(
      () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
      retry,
      onRetry,
    );
    return out.SecurityGroups?.find((g) => g.GroupId === groupId);
  } catch (err) {
    if (errorCode(err) === "InvalidGroup.NotFound") return undefined;
    throw err;
  }
}

/**
 * Rule ids for the report only: if this call fails the remediation still goes ahead (the ids are
 * a convenience for the reader), and the failure is logged.
 */
async function describeRulesForReport(
  ec2: EC2Client,
  groupId: string,
  retry: RetryOptions,
  logFields: Record<string, unknown>,
): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  try {
    let token: string | undefined;
    do {
      const out = await withRetry(
        () =>
          ec2.send(
            new DescribeSecurityGroupRulesCommand({
              Filters: [{ Name: "group-id", Values: [groupId] }],
              NextToken: token,
              MaxResults: 1000,
            }),
          ),
        retry,
      );
      rules.push(...(out.SecurityGroupRules ?? []));
      token = out.NextToken;
    } while (token);
    return rules;
  } catch (err) {
    log("warn", "DescribeSecurityGroupRules failed: report will carry no rule ids", {
      ...logFields,
      error: describeError(err),
    });
    return [];
  }
}

/** "revoked", "absent" (already gone: idempotent success) or "group-gone". */
async function revokeOne(
  ec2: EC2Client,
  groupId: string,
  p: RevokedPermission,
  cidr: string,
  retry: RetryOptions,
  onRetry: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<"revoked" | "absent" | "group-gone"> {
  try {
    const out = await withRetry(
      () =>
        ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [revokeRequestFor(p, cidr)],
          }),
        ),
      retry,
      onRetry,
    );
    // For VPC groups EC2 answers Return=true and lists rules it did not find in UnknownIpPermissions
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html).
    if ((out.UnknownIpPermissions ?? []).length > 0) return "absent";
    if (out.Return === false) throw new Error("EC2 answered Return=false");
    return "revoked";
  } catch (err) {
    const code = errorCode(err);
    if (code === "InvalidPermission.NotFound") return "absent";
    if (code === "InvalidGroup.NotFound") return "group-gone";
    throw err;
  }
}
