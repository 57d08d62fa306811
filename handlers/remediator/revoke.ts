// Step: revoke each world CIDR of each offending permission on its own: an exact match leaves other
// CIDRs of the same permission alone, and a rule someone already removed is simply skipped.
import { EC2Client, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { errorCode, errorText } from "../shared/errors";
import type { RevokedPermission } from "../shared/remediationReport";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import { describePermissions, revokeRequestFor } from "./permissions";

/** What was really revoked (possibly nothing), or "group-gone" when the group was deleted meanwhile. */
export async function revokeAll(
  ec2: EC2Client,
  ctx: StepContext,
  perms: RevokedPermission[],
): Promise<RevokedPermission[] | "group-gone"> {
  const revoked: RevokedPermission[] = [];
  for (const p of perms) {
    const done: string[] = [];
    for (const cidr of p.cidrs) {
      const outcome = await revokeOne(ec2, ctx, p, cidr).catch((err) => {
        throw remediationError(
          "revoke",
          ctx.target,
          `RevokeSecurityGroupIngress ${describePermissions([{ ...p, cidrs: [cidr] }])}: ${errorText(err)}`,
          err,
        );
      });
      if (outcome === "group-gone") return "group-gone";
      if (outcome === "revoked") done.push(cidr);
    }
    if (done.length > 0) revoked.push({ ...p, cidrs: done });
  }
  return revoked;
}

/** "revoked", "absent" (already gone: idempotent success) or "group-gone". */
async function revokeOne(
  ec2: EC2Client,
  ctx: StepContext,
  p: RevokedPermission,
  cidr: string,
): Promise<"revoked" | "absent" | "group-gone"> {
  try {
    const out = await ctx.call("revoke", () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: ctx.target.groupId,
          IpPermissions: [revokeRequestFor(p, cidr)],
        }),
      ),
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
