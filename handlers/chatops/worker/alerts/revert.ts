// Revert: revokes exactly the world-open ingress the alert's event added, as far as it is still
// there. The group is read from EC2 first (the button's value only says what to look for): a
// permission the group no longer has is reported as already gone, an exempt group (the
// remediation's tag) is left open, and in dry-run (everywhere, or for the account) nothing
// changes and the reply says what would have been revoked. Each permission is revoked on its own
// (one protocol, port range and world CIDR), so nothing else in the group is touched
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html).
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  IpPermission,
  RevokeSecurityGroupIngressCommand,
  SecurityGroup,
} from "@aws-sdk/client-ec2";
import { errorCode } from "../../../shared/errors";
import { exemptionActive, parseExemption } from "../../../shared/exemption";
import { describeWorldPermission, WorldPermission } from "../../../shared/alertActions";
import { ActionContext, ActionResult } from "./context";

/** The remediator's rule: an unexpired exemption (see shared/exemption.ts). */
export function isExemptGroup(group: SecurityGroup, tagKey: string, nowMs = Date.now()): boolean {
  const tag = (group.Tags ?? []).find((t) => t.Key === tagKey);
  return tag !== undefined && exemptionActive(parseExemption(tag.Value), nowMs);
}

const norm = (p: string | undefined): string => {
  const v = (p ?? "").toLowerCase();
  return ({ "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" } as Record<string, string>)[v] ?? v;
};

/** The group's permission that holds `want` (same protocol, ports and world CIDR), if any. */
export function findPermission(group: SecurityGroup, want: WorldPermission): IpPermission | undefined {
  return (group.IpPermissions ?? []).find((p) => {
    if (norm(p.IpProtocol) !== norm(want.protocol)) return false;
    if (want.protocol !== "-1") {
      const from = want.fromPort ?? -1;
      const to = want.toPort ?? from;
      if ((p.FromPort ?? -1) !== from || (p.ToPort ?? -1) !== to) return false;
    }
    return want.cidr.includes(":")
      ? (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === want.cidr)
      : (p.IpRanges ?? []).some((r) => r.CidrIp === want.cidr);
  });
}

function revokeRequest(found: IpPermission, want: WorldPermission): IpPermission {
  return {
    IpProtocol: found.IpProtocol,
    ...(found.FromPort !== undefined ? { FromPort: found.FromPort } : {}),
    ...(found.ToPort !== undefined ? { ToPort: found.ToPort } : {}),
    ...(want.cidr.includes(":")
      ? { Ipv6Ranges: [{ CidrIpv6: want.cidr }] }
      : { IpRanges: [{ CidrIp: want.cidr }] }),
  };
}

export async function revertChange(ctx: ActionContext): Promise<ActionResult> {
  const { ref, settings } = ctx;
  const groupId = ref.groupId;
  if (!groupId) return { outcome: "not-applicable", text: "Revert applies to security-group alerts only." };
  const where = `\`${groupId}\` in ${ctx.accountLabel} ${ref.region}`;
  if (ref.permissions.length === 0)
    return {
      outcome: "not-applicable",
      text: `This event added no world-open ingress to revert on ${where}.`,
    };
  const ec2 = new EC2Client({ region: ref.region, credentials: ctx.credentials });
  try {
    let group: SecurityGroup | undefined;
    try {
      const out = await ctx.call("EC2 DescribeSecurityGroups", (abortSignal) =>
        ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }), { abortSignal }),
      );
      group = out.SecurityGroups?.[0];
    } catch (err) {
      if (errorCode(err) !== "InvalidGroup.NotFound") throw err;
    }
    if (!group) return { outcome: "not-found", text: `Nothing to revert: ${where} no longer exists.` };
    const present = ref.permissions.filter((p) => findPermission(group!, p));
    const gone = ref.permissions.filter((p) => !present.includes(p));
    const list = (ps: WorldPermission[]) => ps.map(describeWorldPermission).join(", ");
    const goneNote = gone.length ? ` Already gone: ${list(gone)}.` : "";
    if (present.length === 0)
      return {
        outcome: "not-applicable",
        text: `Nothing to revert on ${where}: ${list(gone)} is already gone.`,
      };
    if (isExemptGroup(group, settings.exemptTagKey, ctx.now())) {
      return {
        outcome: "not-applicable",
        text: `Not reverted: ${where} is exempt (tag \`${settings.exemptTagKey}\`); left open: ${list(present)}.`,
      };
    }
    const dryRun = settings.dryRun
      ? "dry-run is on"
      : settings.dryRunAccounts.includes(ref.accountId)
        ? `account ${ref.accountId} is in dry-run`
        : "";
    if (dryRun) {
      return {
        outcome: "dry-run",
        text: `Dry-run (${dryRun}): would revoke ${list(present)} on ${where}.${goneNote}`,
      };
    }
    const revoked: WorldPermission[] = [];
    for (const want of present) {
      const found = findPermission(group, want)!;
      try {
        await ctx.call("EC2 RevokeSecurityGroupIngress", (abortSignal) =>
          ec2.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: groupId,
              IpPermissions: [revokeRequest(found, want)],
            }),
            { abortSignal },
          ),
        );
        revoked.push(want);
      } catch (err) {
        if (errorCode(err) === "InvalidPermission.NotFound") gone.push(want);
        else throw err;
      }
    }
    const goneAfter = gone.length ? ` Already gone: ${list(gone)}.` : "";
    return {
      outcome: "ok",
      text: revoked.length
        ? `Reverted: revoked ${list(revoked)} on ${where}.${goneAfter}`
        : `Nothing to revert on ${where}:${goneAfter}`,
      done: revoked.length > 0,
      permissions: revoked,
    };
  } finally {
    ec2.destroy();
  }
}
