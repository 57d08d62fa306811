// No SSH from the whole internet, on every way Pulumi can express an ingress rule: inline
// `ingress` blocks of aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule (type "ingress") and
// aws.vpc.SecurityGroupIngressRule. Public packs only check the first. Protocol "-1" means all
// traffic (all ports): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { isUnknown, list } from "./lib/values";
import { configWithDefaults } from "./lib/config";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr, worldPrefixesProblems } from "./world";

export { isWorldCidr };

export const SSH_PORT = 22;

interface Permission {
  where: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  cidrs: unknown[];
}

/** Does the rule allow TCP/22? Unknown parts count as "cannot judge" (false). */
export function coversSsh(protocol: unknown, fromPort: unknown, toPort: unknown): boolean {
  if (isUnknown(protocol) || protocol === undefined || protocol === null) return false;
  const p = String(protocol).toLowerCase();
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
  if (isUnknown(fromPort) || isUnknown(toPort)) return false;
  // The vpc rule API treats absent ports on TCP as invalid; the EC2 API uses -1 for "all".
  const from = fromPort === undefined || fromPort === null ? -1 : Number(fromPort);
  const to = toPort === undefined || toPort === null ? -1 : Number(toPort);
  if (from === -1 && to === -1) return true;
  return from <= SSH_PORT && SSH_PORT <= to;
}

function permissions(type: string, props: Record<string, unknown>): Permission[] {
  const cidrList = (...vs: unknown[]): unknown[] => {
    const out: unknown[] = [];
    for (const v of vs) {
      const l = list(v);
      if (Array.isArray(l)) out.push(...l);
    }
    return out;
  };
  if (type === T.securityGroup) {
    const ingress = list(props.ingress);
    if (!Array.isArray(ingress)) return [];
    return ingress.map((rule, i) => {
      const r = (rule ?? {}) as Record<string, unknown>;
      return {
        where: `ingress[${i}]`,
        protocol: r.protocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
        cidrs: cidrList(r.cidrBlocks, r.ipv6CidrBlocks),
      };
    });
  }
  if (type === T.securityGroupRule) {
    if (props.type !== "ingress") return [];
    return [
      {
        where: "rule",
        protocol: props.protocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        cidrs: cidrList(props.cidrBlocks, props.ipv6CidrBlocks),
      },
    ];
  }
  return [
    {
      where: "rule",
      protocol: props.ipProtocol,
      fromPort: props.fromPort,
      toPort: props.toPort,
      cidrs: cidrList(props.cidrIpv4, props.cidrIpv6),
    },
  ];
}

export const noPublicSshIngress: ResourceValidationPolicy = {
  name: "no-public-ssh-ingress",
  description:
    "Security groups must not allow SSH (TCP 22, or all traffic) from the world: a public range at most worldPrefixes wide, or one covering 2000::/3.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Restrict the source to known CIDR ranges or a security group, or use SSM Session Manager.",
  configSchema: {
    properties: {
      worldPrefixes: {
        type: "object",
        properties: {
          ipv4: { type: "integer", minimum: 0, maximum: 32 },
          ipv6: { type: "integer", minimum: 0, maximum: 128 },
        },
        additionalProperties: false,
        default: { ...DEFAULT_WORLD_PREFIXES },
        description:
          "Longest prefix, per family, of a source that counts as the world (the hub stack's worldPrefixes; keep them equal).",
      },
    },
  },
  validateResource: validateTypes(
    [T.securityGroup, T.securityGroupRule, T.vpcIngressRule],
    (props, args, report) => {
      const config = configWithDefaults<{ worldPrefixes: Partial<WorldPrefixes> }>(
        noPublicSshIngress.configSchema,
        args.getConfig(),
      );
      const problems = worldPrefixesProblems(config.worldPrefixes);
      if (problems.length) throw new Error(`no-public-ssh-ingress config: ${problems.join("; ")}`);
      const limits = { ...DEFAULT_WORLD_PREFIXES, ...config.worldPrefixes };
      for (const perm of permissions(args.type, props)) {
        if (!coversSsh(perm.protocol, perm.fromPort, perm.toPort)) continue;
        const world = perm.cidrs.filter((c) => isWorldCidr(c, limits));
        if (world.length === 0) continue;
        const ports =
          String(perm.protocol) === "-1" || String(perm.protocol).toLowerCase() === "all"
            ? "all traffic"
            : `TCP ${String(perm.fromPort)}-${String(perm.toPort)}`;
        report(`${args.type} ${perm.where} opens SSH (${ports}) to ${world.join(", ")}.`);
      }
    },
  ),
};
