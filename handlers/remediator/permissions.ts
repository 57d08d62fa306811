// Which ingress permissions open SSH to the world, decided from EC2's own description of the
// group (never from the triggering event). SSH is TCP port 22; protocol -1 means every protocol
// and port (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
// A source opens SSH to the world when it is the world by ../shared/world (0.0.0.0/1, 2000::/3,
// anything at most the configured prefix that is not private space), a managed prefix list holding
// such a range, or one of several sources whose union is a whole address family (0.0.0.0/2 + ...):
// then every public source of that family on a permission covering port 22 is part of the grant,
// since none of them can be told apart as the legitimate one.
import type { IpPermission, SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { RevokedPermission } from "../shared/remediationReport";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldRange } from "../shared/world";
import { Family, Range, coversFamily, isPrivate, parseCidr } from "./cidr";

export const SSH_PORT = 22;
export { isWorldCidr } from "../shared/world";

/** One source of an ingress permission, with the description EC2 keeps for it. */
export type Source =
  | { kind: "cidr"; family: Family; cidr: string; description?: string }
  | { kind: "prefix-list"; id: string; description?: string };

/** The world-open sources of one permission. */
export interface Offending {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  sources: Source[];
}

/** Entries (CIDRs) of each managed prefix list, by id. */
export type PrefixLists = ReadonlyMap<string, string[]>;

/**
 * True when a permission of this protocol and port range lets TCP port 22 through.
 * "6" is TCP's protocol number, which the API also accepts. Missing ports on TCP are treated as
 * covering port 22 (fail towards checking, since the group is re-described before any change).
 */
export function coversSsh(ipProtocol: unknown, fromPort: unknown, toPort: unknown): boolean {
  const proto = typeof ipProtocol === "string" || typeof ipProtocol === "number" ? String(ipProtocol) : "";
  const p = proto.toLowerCase();
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
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

function sourcesOf(p: IpPermission): Source[] {
  const out: Source[] = [];
  const d = (description: string | undefined) => (description ? { description } : {});
  for (const r of p.IpRanges ?? [])
    if (r.CidrIp) out.push({ kind: "cidr", family: "ipv4", cidr: r.CidrIp, ...d(r.Description) });
  for (const r of p.Ipv6Ranges ?? [])
    if (r.CidrIpv6) out.push({ kind: "cidr", family: "ipv6", cidr: r.CidrIpv6, ...d(r.Description) });
  for (const r of p.PrefixListIds ?? [])
    if (r.PrefixListId) out.push({ kind: "prefix-list", id: r.PrefixListId, ...d(r.Description) });
  return out;
}

/** The address ranges a source admits (a prefix list's entries; nothing for an unknown list). */
export function rangesOf(s: Source, lists: PrefixLists): Range[] {
  const cidrs = s.kind === "cidr" ? [s.cidr] : (lists.get(s.id) ?? []);
  return cidrs.map(parseCidr).filter((r): r is Range => r !== undefined);
}

/** Ids of the prefix lists on permissions covering port 22: the ones to resolve before deciding. */
export function prefixListsToResolve(permissions: IpPermission[] | undefined): string[] {
  const ids = new Set<string>();
  for (const p of permissions ?? []) {
    if (!coversSsh(p.IpProtocol, p.FromPort, p.ToPort)) continue;
    for (const s of sourcesOf(p)) if (s.kind === "prefix-list") ids.add(s.id);
  }
  return [...ids].sort();
}

/** The offending part of each permission: its world-open sources only, other sources left out. */
export function findOffending(
  permissions: IpPermission[] | undefined,
  lists: PrefixLists,
  world: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): Offending[] {
  const ssh = (permissions ?? []).filter((p) => coversSsh(p.IpProtocol, p.FromPort, p.ToPort));
  // Ranges of every source that is not by itself the world: do they add up to a whole family?
  const partial = ssh
    .flatMap((p) => sourcesOf(p).flatMap((s) => rangesOf(s, lists)))
    .filter((r) => !isWorldRange(r, world));
  const covered = { ipv4: coversFamily(partial, "ipv4"), ipv6: coversFamily(partial, "ipv6") };
  const offends = (s: Source) =>
    rangesOf(s, lists).some((r) => isWorldRange(r, world) || (covered[r.family] && !isPrivate(r)));
  const found: Offending[] = [];
  for (const p of ssh) {
    const sources = sourcesOf(p).filter(offends);
    if (sources.length === 0) continue;
    const entry: Offending = { ipProtocol: p.IpProtocol ?? "", sources };
    if (p.FromPort !== undefined) entry.fromPort = p.FromPort;
    if (p.ToPort !== undefined) entry.toPort = p.ToPort;
    found.push(entry);
  }
  return found;
}

/** The report's view of a permission: its CIDRs and prefix list ids. */
export function reported(o: {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  sources: Source[];
}): RevokedPermission {
  const entry: RevokedPermission = {
    ipProtocol: o.ipProtocol,
    cidrs: o.sources.flatMap((s) => (s.kind === "cidr" ? [s.cidr] : [])),
  };
  if (o.fromPort !== undefined) entry.fromPort = o.fromPort;
  if (o.toPort !== undefined) entry.toPort = o.toPort;
  const lists = o.sources.flatMap((s) => (s.kind === "prefix-list" ? [s.id] : []));
  if (lists.length > 0) entry.prefixListIds = lists;
  return entry;
}

/** Kept for callers that only need the report's view (the triggers, the tests). */
export function findOffendingPermissions(
  permissions: IpPermission[] | undefined,
  lists: PrefixLists = new Map(),
  world: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): RevokedPermission[] {
  return findOffending(permissions, lists, world).map(reported);
}

/** The exact IpPermission naming one source of a protocol and port range, and nothing else. */
export function requestFor(
  p: { ipProtocol: string; fromPort?: number; toPort?: number },
  s: Source,
  withDescription = false,
): IpPermission {
  const perm: IpPermission = { IpProtocol: p.ipProtocol };
  if (p.fromPort !== undefined) perm.FromPort = p.fromPort;
  if (p.toPort !== undefined) perm.ToPort = p.toPort;
  const d = withDescription && s.description ? { Description: s.description } : {};
  if (s.kind === "prefix-list") perm.PrefixListIds = [{ PrefixListId: s.id, ...d }];
  else if (s.family === "ipv6") perm.Ipv6Ranges = [{ CidrIpv6: s.cidr, ...d }];
  else perm.IpRanges = [{ CidrIp: s.cidr, ...d }];
  return perm;
}

/** The exact IpPermission that revokes one world CIDR of one permission, and nothing else. */
export function revokeRequestFor(p: RevokedPermission, cidr: string): IpPermission {
  const family: Family = cidr.includes(":") ? "ipv6" : "ipv4";
  return requestFor(p, { kind: "cidr", family, cidr });
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
          (p.cidrs.includes((r.CidrIpv4 ?? r.CidrIpv6) as string) ||
            (r.PrefixListId !== undefined && (p.prefixListIds ?? []).includes(r.PrefixListId))),
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
  const proto = String(p.ipProtocol);
  if (proto === "-1") what = "all traffic";
  else if (p.fromPort === undefined || p.toPort === undefined) what = `${proto.toUpperCase()} (all ports)`;
  else if (proto === "icmp" || proto === "58" || proto === "icmpv6")
    what = proto === "icmp" ? "ICMP" : "ICMPv6";
  else if (p.fromPort === p.toPort) what = `${proto.toUpperCase()} port ${p.fromPort}`;
  else what = `${proto.toUpperCase()} ports ${p.fromPort}-${p.toPort}`;
  const from = [...p.cidrs, ...(p.prefixListIds ?? []).map((id) => `prefix list ${id}`)];
  return `${what} from ${from.join(", ")}`;
}

export function describePermissions(perms: RevokedPermission[]): string {
  return perms.map(describePermission).join("; ");
}
