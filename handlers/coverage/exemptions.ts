// The exemptions in force in one spoke account and region: security groups carrying the
// remediation's exemption tag, read with the spoke's coverage reader role (read only). Used by
// `npm run mutes` and the weekly summary; the tag itself is the only record of an exemption, so
// this also lists exemptions made by hand or from before exemptions expired.
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { EXEMPTED_BY_TAG, EXEMPT_REASON_TAG, exemptionActive, parseExemption } from "../shared/exemption";
import type { ReadSession } from "./detectors";

export interface ExemptionEntry {
  accountId: string;
  region: string;
  groupId: string;
  groupName?: string;
  /** slack-<user id>, or "unknown" for a tag from before exemptions expired. */
  by: string;
  why: string;
  /** ISO 8601; absent for a tag from before exemptions expired (the daily check gives it one). */
  expiresAt?: string;
}

export async function listExemptions(
  session: ReadSession,
  accountId: string,
  region: string,
  tagKey: string,
  nowMs: number,
  abortSignal?: AbortSignal,
): Promise<ExemptionEntry[]> {
  const ec2 = new EC2Client({ region, credentials: session.credentials });
  const out: ExemptionEntry[] = [];
  try {
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: "tag-key", Values: [tagKey] }], NextToken }),
        { abortSignal },
      );
      for (const g of page.SecurityGroups ?? []) {
        const tag = (key: string) => g.Tags?.find((t) => t.Key === key)?.Value;
        const parsed = parseExemption(tag(tagKey));
        if (!g.GroupId || !exemptionActive(parsed, nowMs)) continue;
        out.push({
          accountId,
          region,
          groupId: g.GroupId,
          ...(g.GroupName ? { groupName: g.GroupName } : {}),
          ...(parsed.kind === "expiring"
            ? { by: parsed.exemption.by, why: parsed.exemption.why, expiresAt: parsed.exemption.expiresAt }
            : {
                by: tag(EXEMPTED_BY_TAG) ?? "unknown",
                why: tag(EXEMPT_REASON_TAG) ?? "exempted before exemptions expired",
              }),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  } finally {
    ec2.destroy();
  }
  return out.sort(byExpiry);
}

/** Soonest expiry first; those without one (not yet stamped) last; then by group. */
export function byExpiry(a: ExemptionEntry, b: ExemptionEntry): number {
  const ka = a.expiresAt ?? "\uffff";
  const kb = b.expiresAt ?? "\uffff";
  if (ka !== kb) return ka < kb ? -1 : 1;
  const ga = `${a.accountId} ${a.region} ${a.groupId}`;
  const gb = `${b.accountId} ${b.region} ${b.groupId}`;
  return ga < gb ? -1 : ga > gb ? 1 : 0;
}
