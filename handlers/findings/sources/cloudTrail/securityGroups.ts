// Security-group changes from CloudTrail request parameters. EC2 logs lists as `{ items: [...] }`
// (ipPermissions.items[].ipRanges.items[].cidrIp, ipv6Ranges.items[].cidrIpv6,
// prefixListIds.items[].prefixListId, groups.items[].groupId); the API's flat form (cidrIp,
// ipProtocol, fromPort, toPort) is recorded at the top level; ModifySecurityGroupRules uses the API's
// PascalCase request shape (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html).
import * as v from "valibot";
import type { Evidence, RuleChange, WorldPermission } from "../../model";
import { Json, number, object, own, parseLenient, text } from "../../parse";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "../../../shared/world";

/** EC2 API calls that change security groups. */
export const SECURITY_GROUP_EVENTS = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  "CreateSecurityGroup",
  "DeleteSecurityGroup",
  "UpdateSecurityGroupRuleDescriptionsIngress",
  "UpdateSecurityGroupRuleDescriptionsEgress",
];

/** CloudTrail's `{ items: [...] }` list, or a bare array (some SDK-shaped events). */
function items<T extends v.GenericSchema>(item: T) {
  return v.optional(
    v.union([v.array(item), v.object({ items: v.optional(v.nullable(v.array(item))) })], "{items: [...]}"),
  );
}

function listOf<T>(value: T[] | { items?: T[] | null } | undefined): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : (value.items ?? []);
}

function schema() {
  const permission = v.object({
    ipProtocol: v.optional(v.union([v.string(), v.number()])),
    fromPort: number(),
    toPort: number(),
    ipRanges: items(v.object({ cidrIp: text() })),
    ipv6Ranges: items(v.object({ cidrIpv6: text() })),
    prefixListIds: items(v.object({ prefixListId: text() })),
    groups: items(v.object({ groupId: text(), groupName: text(), userId: text() })),
  });
  const modified = v.object({
    SecurityGroupRuleId: text(),
    SecurityGroupRule: object({
      IpProtocol: v.optional(v.union([v.string(), v.number()])),
      FromPort: number(),
      ToPort: number(),
      CidrIpv4: text(),
      CidrIpv6: text(),
      PrefixListId: text(),
      ReferencedGroupId: text(),
      Description: text(),
    }),
  });
  return v.object({
    groupId: text(),
    groupName: text(),
    vpcId: text(),
    groupDescription: text(),
    cidrIp: text(),
    cidrIpv6: text(),
    ipProtocol: v.optional(v.union([v.string(), v.number()])),
    fromPort: number(),
    toPort: number(),
    ipPermissions: items(permission),
    securityGroupRuleIds: items(v.object({ securityGroupRuleId: text() })),
    ModifySecurityGroupRulesRequest: object({
      GroupId: text(),
      SecurityGroupRule: v.optional(v.union([v.array(modified), modified])),
    }),
  });
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

/** The protocol as the worker's Revert names it: "tcp", "udp", "icmp", "icmpv6", "-1", or a number. */
function revertProtocol(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const lower = p.toLowerCase();
  return own(PROTOCOL_NAMES, lower) ?? (lower === "all" ? "-1" : lower);
}

const protocolText = (p: string | number | undefined) => (p === undefined ? undefined : String(p));

export interface SecurityGroupChange {
  groupId?: string;
  evidence: Evidence;
  /** World-open ingress an AuthorizeSecurityGroupIngress added (what Revert may take back). */
  added: WorldPermission[];
}

/** What a security-group call changes, read from its request parameters. */
export function securityGroupChange(
  eventName: string,
  params: Json | undefined,
  problems: string[],
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): SecurityGroupChange {
  const p = parseLenient(schema(), params ?? {}, { problems, prefix: "detail.requestParameters" });
  const groupId = p.groupId ?? p.ModifySecurityGroupRulesRequest?.GroupId ?? p.groupName;
  const direction = /Egress$/.test(eventName) ? "egress" : "ingress";
  const rules: RuleChange[] = [];
  const ruleUids: Array<{ direction: string; uid: string }> = [];
  const added: WorldPermission[] = [];
  let worldIngress = false;
  let worldSsh = false;
  const adds = eventName === "AuthorizeSecurityGroupIngress";
  if (eventName === "ModifySecurityGroupRules") {
    // The request names rules by id only, so the direction is not known here: a world CIDR counts as ingress.
    const raw = p.ModifySecurityGroupRulesRequest?.SecurityGroupRule;
    for (const entry of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
      const r = entry.SecurityGroupRule;
      const peers = [r?.CidrIpv4, r?.CidrIpv6, r?.PrefixListId, r?.ReferencedGroupId].filter(
        (x): x is string => x !== undefined,
      );
      const world = peers.some((x) => isWorldCidr(x, limits));
      const protocol = protocolText(r?.IpProtocol);
      rules.push({
        direction: "rule",
        what: describePorts(protocol, r?.FromPort, r?.ToPort),
        peers,
        world,
        ...(entry.SecurityGroupRuleId ? { rule_uid: entry.SecurityGroupRuleId } : {}),
        ...(r?.Description ? { description: r.Description } : {}),
      });
      worldIngress ||= world;
      if (world) worldSsh ||= includesSsh(protocol, r?.FromPort, r?.ToPort);
    }
  } else if (eventName === "CreateSecurityGroup") {
    return {
      groupId,
      evidence: { new_group: { name: p.groupName, vpc: p.vpcId, description: p.groupDescription } },
      added,
    };
  } else {
    const flatCidr = p.cidrIp ?? p.cidrIpv6;
    if (flatCidr) {
      // The API's flat form: one rule at the top level.
      const protocol = protocolText(p.ipProtocol);
      const world = isWorldCidr(flatCidr, limits);
      rules.push({
        direction,
        what: describePorts(protocol, p.fromPort, p.toPort),
        peers: [flatCidr],
        world,
      });
      if (world && direction === "ingress" && eventName.startsWith("Authorize")) {
        worldIngress = true;
        worldSsh ||= includesSsh(protocol, p.fromPort, p.toPort);
      }
      const proto = revertProtocol(protocol);
      if (adds && world && proto)
        added.push({
          protocol: proto,
          fromPort: p.fromPort,
          toPort: p.toPort,
          cidr: flatCidr,
        });
    }
    for (const perm of listOf(p.ipPermissions)) {
      const peers: string[] = [];
      for (const r of listOf(perm.ipRanges)) if (r.cidrIp) peers.push(r.cidrIp);
      for (const r of listOf(perm.ipv6Ranges)) if (r.cidrIpv6) peers.push(r.cidrIpv6);
      for (const r of listOf(perm.prefixListIds)) if (r.prefixListId) peers.push(r.prefixListId);
      for (const r of listOf(perm.groups)) {
        const g = r.groupId ?? r.groupName;
        if (g) peers.push(r.userId ? `${g} (account ${r.userId})` : g);
      }
      const world = peers.some((x) => isWorldCidr(x, limits));
      const protocol = protocolText(perm.ipProtocol);
      rules.push({ direction, what: describePorts(protocol, perm.fromPort, perm.toPort), peers, world });
      if (world && direction === "ingress" && eventName.startsWith("Authorize")) {
        worldIngress = true;
        worldSsh ||= includesSsh(protocol, perm.fromPort, perm.toPort);
      }
      const proto = revertProtocol(protocol);
      if (adds && proto)
        for (const cidr of peers.filter((x) => isWorldCidr(x, limits)))
          added.push({
            protocol: proto,
            fromPort: perm.fromPort,
            toPort: perm.toPort,
            cidr,
          });
    }
    for (const r of listOf(p.securityGroupRuleIds))
      if (r.securityGroupRuleId) ruleUids.push({ direction, uid: r.securityGroupRuleId });
  }
  return {
    groupId,
    evidence: {
      rules,
      ...(ruleUids.length ? { rule_uids: ruleUids } : {}),
      world_ingress: worldIngress,
      world_ssh: worldSsh,
    },
    added,
  };
}
