// Which ingress permissions open SSH to the world, decided from EC2's own description of the
// group (never from the triggering event). SSH is TCP port 22; protocol -1 means every protocol
// and port (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
import type { IpPermission, SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { RevokedPermission } from "../shared/remediationReport";

export const SSH_PORT = 22;
export const WORLD_IPV4 = "0.0.0.0/0";
export const WORLD_IPV6 = "::/0";

export function isWorldCidr(cidr: unknown): boolean {
  return cidr === WORLD_IPV4 || cidr === WORLD_IPV6;
}

/**
 * True when a permission of this protocol and port range lets TCP port 22 through.
 * "6" is TCP's protocol number, which the API also accepts. Missing ports on TCP are treated as
 * covering port 22 (fail towards checking, since the group is re-described before any change).
 */
export function coversSsh(ipProtocol: unknown, fromPort: unknown, toPort: unknown): boolean {
  const proto = String(ipProtocol ?? "").toLowerCase();
  if (proto === "-1" || proto === "all") return true;
  if (proto !== "tcp" && proto !== "6") return false;
  const from = toPortNumber(fromPort);
  const to = toPortNumber(toPort);
  if (from === undefined || to === undefined) return true;
  return from <= SSH_PORT && SSH_PORT <= to;
}

function toPortNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The offending part of each permission: its world CIDRs only, other CIDRs left out. */
export function findOffendingPermissions(permissions: IpPermission[] | undefined): RevokedPermission[] {
  const found: RevokedPermission[] = [];
  for (const p of permissions ?? []) {
    if (!coversSsh(p.IpProtocol, p.FromPort, p.ToPort)) continue;
    const cidrs = [
      ...(p.IpRanges ?? []).map((r) => r.CidrIp).filter(isWorldCidr),
      ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6).filter(isWorldCidr),
    ] as string[];
    if (cidrs.length === 0) continue;
    const entry: RevokedPermission = { ipProtocol: p.IpProtocol ?? "", cidrs };
    if (p.FromPort !== undefined) entry.fromPort = p.FromPort;
    if (p.ToPort !== undefined) entry.toPort = p.ToPort;
    found.push(entry);
  }
  return found;
}

/** The exact IpPermission that revokes one world CIDR of one permission, and nothing else. */
export function revokeRequestFor(p: RevokedPermission, cidr: string): IpPermission {
  const perm: IpPermission = { IpProtocol: p.ipProtocol };
  if (p.fromPort !== undefined) perm.FromPort = p.fromPort;
  if (p.toPort !== undefined) perm.ToPort = p.toPort;
  if (cidr.includes(":")) perm.Ipv6Ranges = [{ CidrIpv6: cidr }];
  else perm.IpRanges = [{ CidrIp: cidr }];
  return perm;
}

/** Attaches the ids of matching ingress rules (DescribeSecurityGroupRules), when EC2 gave any. */
export function withRuleIds(perms: RevokedPermission[], rules: SecurityGroupRule[]): RevokedPermission[] {
  // EC2 reports "no port" as -1 in rules but leaves ports out of IpPermissions for protocol -1.
  const port = (v: number | undefined) => (v === undefined ? -1 : v);
  return perms.map((p) => {
    const ids = rules
      .filter(
        (r) =>
          r.IsEgress === false &&
          r.IpProtocol === p.ipProtocol &&
          port(r.FromPort) === port(p.fromPort) &&
          port(r.ToPort) === port(p.toPort) &&
          p.cidrs.includes((r.CidrIpv4 ?? r.CidrIpv6) as string),
      )
      .map((r) => r.SecurityGroupRuleId as string)
      .filter(Boolean)
      .sort();
    return ids.length > 0 ? { ...p, ruleIds: ids } : { ...p };
  });
}

/** "TCP port 22 from 0.0.0.0/0, ::/0", "TCP ports 0-65535 from 0.0.0.0/0", "all traffic from ::/0". */
export function describePermission(p: RevokedPermission): string {
  let what: string;
  if (p.ipProtocol === "-1") what = "all traffic";
  else if (p.fromPort === undefined || p.toPort === undefined)
    what = `${p.ipProtocol.toUpperCase()} (all ports)`;
  else if (p.fromPort === p.toPort) what = `${p.ipProtocol.toUpperCase()} port ${p.fromPort}`;
  else what = `${p.ipProtocol.toUpperCase()} ports ${p.fromPort}-${p.toPort}`;
  return `${what} from ${p.cidrs.join(", ")}`;
}

export function describePermissions(perms: RevokedPermission[]): string {
  return perms.map(describePermission).join("; ");
}
