// The scheduled exemption check: in every account and region where Exempt can be pressed, find the
// groups carrying the exemption tag (through the spoke's remediation role), remove the expired
// ones and remediate those groups at once (nothing else would trigger it: the group's Config
// verdict stayed NON_COMPLIANT while it was exempt, so no compliance change arrives), and give
// tags from before exemptions expired ("true") the default expiry (see ../shared/exemption.ts).
// The schedule passes EXEMPTION_CHECK_EVENT as the event.
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  SecurityGroup,
} from "@aws-sdk/client-ec2";
import { Deadline } from "../shared/deadline";
import { errorCode, errorText } from "../shared/errors";
import {
  EXEMPTED_BY_TAG,
  EXEMPT_REASON_TAG,
  exemptionActive,
  expiryAfter,
  formatExemption,
  parseExemption,
} from "../shared/exemption";
import { log } from "../shared/log";
import { assumeSpokeRole } from "./assumeRole";
import { stepContext } from "./context";
import { remediationError } from "./errors";
import { clientConfig } from "./retry";
import type { RemediationRequest } from "./triggers";

/** The scheduled rule's constant input. */
export const EXEMPTION_CHECK_EVENT = { "security-guard": "exemption-check" } as const;

export function isExemptionCheck(event: unknown): boolean {
  return (
    typeof event === "object" &&
    event !== null &&
    (event as Record<string, unknown>)["security-guard"] === EXEMPTION_CHECK_EVENT["security-guard"]
  );
}

export interface ExemptionCheckOptions {
  partition: string;
  roleName: string;
  exemptTagKey: string;
  defaultDays: number;
  /** Where Exempt can be pressed: each account and its regions. */
  targets: Array<{ accountId: string; regions: string[] }>;
  retry: Parameters<typeof stepContext>[1]["retry"];
  requestTimeoutMs: number;
  deadline: Deadline;
  now: () => number;
  requestId?: string;
}

export interface ExemptionCheckResult {
  /** Expired exemptions removed: the groups to remediate now. */
  expired: RemediationRequest[];
  /** Legacy tags given the default expiry. */
  stamped: Array<{ accountId: string; region: string; groupId: string; expiresAt: string }>;
  /** Account/region pairs that could not be checked (the run fails after the others). */
  failures: unknown[];
}

export async function checkExemptions(opts: ExemptionCheckOptions): Promise<ExemptionCheckResult> {
  const result: ExemptionCheckResult = { expired: [], stamped: [], failures: [] };
  for (const { accountId, regions } of opts.targets) {
    for (const region of regions) {
      try {
        await checkRegion(accountId, region, opts, result);
      } catch (err) {
        log("error", "exemption check failed", {
          requestId: opts.requestId,
          accountId,
          region,
          error: errorText(err),
        });
        result.failures.push(err);
      }
    }
  }
  return result;
}

async function checkRegion(
  accountId: string,
  region: string,
  opts: ExemptionCheckOptions,
  result: ExemptionCheckResult,
): Promise<void> {
  const eventId = `exemption-check-${opts.now()}`;
  // The group id is unknown until listed: "*" names every group in messages.
  const ctx = stepContext({ accountId, region, groupId: "*" }, { ...opts, eventId });
  const credentials = await assumeSpokeRole(ctx, { ...opts, eventId });
  const ec2 = new EC2Client({ ...clientConfig(opts.requestTimeoutMs), region, credentials });
  try {
    const groups: SecurityGroup[] = [];
    let NextToken: string | undefined;
    do {
      const out = await ctx
        .call("exemption-check", "ec2:DescribeSecurityGroups", (abortSignal) =>
          ec2.send(
            new DescribeSecurityGroupsCommand({
              Filters: [{ Name: "tag-key", Values: [opts.exemptTagKey] }],
              NextToken,
            }),
            { abortSignal },
          ),
        )
        .catch((err: unknown) => {
          throw remediationError(
            "exemption-check",
            ctx.target,
            `DescribeSecurityGroups: ${errorText(err)}`,
            err,
          );
        });
      groups.push(...(out.SecurityGroups ?? []));
      NextToken = out.NextToken;
    } while (NextToken);

    const nowMs = opts.now();
    for (const group of groups) {
      const groupId = group.GroupId;
      if (!groupId) continue;
      const tags = group.Tags ?? [];
      const value = tags.find((t) => t.Key === opts.exemptTagKey)?.Value ?? "";
      const parsed = parseExemption(value);
      const fields = { requestId: opts.requestId, accountId, region, groupId };
      const target = { accountId, region, groupId };
      if (parsed.kind === "legacy") {
        const expiresAt = expiryAfter(nowMs, opts.defaultDays);
        const tagOf = (key: string) => tags.find((t) => t.Key === key)?.Value?.trim();
        const stamped = formatExemption({
          expiresAt,
          by: tagOf(EXEMPTED_BY_TAG) || "unknown",
          why: tagOf(EXEMPT_REASON_TAG) || "exempted before exemptions expired",
        });
        await tagCall(ctx, target, "ec2:CreateTags", (abortSignal) =>
          ec2.send(
            new CreateTagsCommand({
              Resources: [groupId],
              Tags: [{ Key: opts.exemptTagKey, Value: stamped }],
            }),
            { abortSignal },
          ),
        );
        log("info", "exemption given the default expiry", { ...fields, expiresAt });
        result.stamped.push({ ...target, expiresAt });
      } else if (parsed.kind === "expiring" && !exemptionActive(parsed, nowMs)) {
        // With its value: a fresh exemption written since the listing is left alone.
        await tagCall(ctx, target, "ec2:DeleteTags", (abortSignal) =>
          ec2.send(
            new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: opts.exemptTagKey, Value: value }] }),
            { abortSignal },
          ),
        );
        log("info", "expired exemption removed", { ...fields, ...parsed.exemption });
        result.expired.push({
          ...target,
          trigger: { kind: "exemption-expired", eventId },
          // Reported only if SSH is still open to the world.
          suspectOnly: true,
        });
      } else if (parsed.kind === "unreadable") {
        // Already ignored by the remediator; said, so whoever wrote it can fix it.
        log("warn", "exemption tag unreadable: it exempts nothing", { ...fields, value });
      }
    }
  } finally {
    ec2.destroy();
  }
}

async function tagCall(
  ctx: ReturnType<typeof stepContext>,
  target: { accountId: string; region: string; groupId: string },
  what: string,
  send: (abortSignal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  try {
    await ctx.call("exemption-check", what, send);
  } catch (err) {
    if (errorCode(err) === "InvalidGroup.NotFound" || errorCode(err) === "InvalidID") return;
    throw remediationError("exemption-check", target, `${what}: ${errorText(err)}`, err);
  }
}
