// Security-group rule summaries from CloudTrail request parameters. EC2 logs lists as
// `{ items: [...] }` (ipPermissions.items[].ipRanges.items[].cidrIp, ipv6Ranges.items[].cidrIpv6,
// prefixListIds.items[].prefixListId, groups.items[].groupId); ModifySecurityGroupRules uses the
// API's PascalCase request shape (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html).
import { Json, Problems, at, isObject, items, num, own, str } from "./read";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "../shared/world";

export interface RuleSummary {
  /** "tcp 22", "all traffic", "udp 1000-2000", "icmp type 8". */
  what: string;
  /** CIDRs, prefix lists and groups the rule names. */
  peers: string[];
  /** True when a peer is the world (0.0.0.0/0, 0.0.0.0/1, 2000::/3: ../shared/world). */
  world: boolean;
  /** The rule lets TCP port 22 through. */
  ssh: boolean;
  ruleId?: string;
  description?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** Protocol and port range as EC2 reports them ("-1" is every protocol; port -1 means any). */
export function describePorts(
  protocol: string | undefined,
  from: number | undefined,
  to: number | undefined,
): string {
  const proto =
    protocol === undefined ? "unknown protocol" : (own(PROTOCOL_NAMES, protocol) ?? protocol.toLowerCase());
  if (proto === "-1" || proto === "all") return "all traffic";
  if (proto === "icmp" || proto === "icmpv6") {
    if (from === undefined || from === -1) return `${proto} (all types)`;
    return `${proto} type ${from}${to !== undefined && to !== -1 ? ` code ${to}` : ""}`;
  }
  if (from === undefined && to === undefined) return `${proto} (all ports)`;
  if (from === -1 || (from === 0 && to === 65535)) return `${proto} (all ports)`;
  if (from === undefined) return `${proto} port ${to}`;
  if (to === undefined || from === to) return `${proto} ${from}`;
  return `${proto} ${from}-${to}`;
}

/** Whether a protocol/port range (as EC2 reports them) includes TCP port 22. */
function includesSsh(
  protocol: string | undefined,
  from: number | undefined,
  to: number | undefined,
): boolean {
  const p = (protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
  if (from === undefined || from === -1) return true;
  const t = to ?? from;
  return from <= 22 && 22 <= t;
}

/** "This opens SSH to the whole internet (2000::/3)." naming the world ranges a change opens. */
export function worldNotice(
  rules: ReadonlyArray<{ world: boolean; peers: string[] }>,
  ssh: boolean,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): string {
  const ranges = new Set(
    rules.flatMap((r) => (r.world ? r.peers.filter((p) => isWorldCidr(p, limits)) : [])),
  );
  const list = ranges.size ? ` (${[...ranges].join(", ")})` : "";
  return `This opens ${ssh ? "SSH" : "ingress"} to the whole internet${list}.`;
}

/** Rules from `ipPermissions` (Authorize/Revoke SecurityGroup Ingress/Egress). */
export function ipPermissionRules(
  requestParameters: unknown,
  problems: Problems,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): RuleSummary[] {
  const rules: RuleSummary[] = [];
  const perms = items(requestParameters, "ipPermissions", problems, "detail.requestParameters.ipPermissions");
  perms.forEach((perm, i) => {
    if (!isObject(perm)) {
      problems.list.push(`detail.requestParameters.ipPermissions.items[${i}] is not an object`);
      return;
    }
    const peers: string[] = [];
    for (const r of items(perm, "ipRanges", problems)) {
      const cidr = str(r, "cidrIp", problems);
      if (cidr) peers.push(cidr);
    }
    for (const r of items(perm, "ipv6Ranges", problems)) {
      const cidr = str(r, "cidrIpv6", problems);
      if (cidr) peers.push(cidr);
    }
    for (const r of items(perm, "prefixListIds", problems)) {
      const pl = str(r, "prefixListId", problems);
      if (pl) peers.push(pl);
    }
    for (const r of items(perm, "groups", problems)) {
      const g = str(r, "groupId", problems) ?? str(r, "groupName", problems);
      const owner = str(r, "userId", problems);
      if (g) peers.push(owner ? `${g} (account ${owner})` : g);
    }
    const [protocol, from, to] = [
      str(perm, "ipProtocol", problems),
      num(perm, "fromPort", problems),
      num(perm, "toPort", problems),
    ];
    rules.push({
      what: describePorts(protocol, from, to),
      peers,
      world: peers.some((p) => isWorldCidr(p, limits)),
      ssh: includesSsh(protocol, from, to),
    });
  });
  return rules;
}

/** Rules from ModifySecurityGroupRules' `ModifySecurityGroupRulesRequest`. */
export function modifiedRules(
  requestParameters: unknown,
  problems: Problems,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): RuleSummary[] {
  const req = at(requestParameters, "ModifySecurityGroupRulesRequest");
  const raw = at(req, "SecurityGroupRule");
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((entry: unknown) => {
    const rule: Json | undefined = isObject(at(entry, "SecurityGroupRule"))
      ? (at(entry, "SecurityGroupRule") as Json)
      : undefined;
    const peers = [
      str(rule, "CidrIpv4", problems),
      str(rule, "CidrIpv6", problems),
      str(rule, "PrefixListId", problems),
      str(rule, "ReferencedGroupId", problems),
    ].filter((p): p is string => p !== undefined);
    const [protocol, from, to] = [
      str(rule, "IpProtocol", problems),
      num(rule, "FromPort", problems),
      num(rule, "ToPort", problems),
    ];
    return {
      what: describePorts(protocol, from, to),
      peers,
      world: peers.some((p) => isWorldCidr(p, limits)),
      ssh: includesSsh(protocol, from, to),
      ruleId: str(entry, "SecurityGroupRuleId", problems),
      description: str(rule, "Description", problems),
    };
  });
}

/** Rule ids from `securityGroupRuleIds` (Revoke* by rule id). */
export function ruleIds(requestParameters: unknown, problems: Problems): string[] {
  return items(requestParameters, "securityGroupRuleIds", problems)
    .map((r) => str(r, "securityGroupRuleId", problems))
    .filter((id): id is string => id !== undefined);
}
