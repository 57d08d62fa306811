// The IAM documents one evaluated stack declares, extracted from what the mock runtime recorded
// (policy documents arrive as JSON strings in props.policy / props.assumeRolePolicy). Small plain
// data, so a caller evaluating many stacks can keep these and drop the resources.
import { MockedResource } from "../mockRuntime";

export interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, unknown>>;
}

export interface RoleDocuments {
  name: string;
  arn: string;
  trust: PolicyDocument;
  /** Inline policies (aws:iam/rolePolicy:RolePolicy and the role's inlinePolicies). */
  inline: Array<{ name: string; policy: PolicyDocument }>;
  /** Managed policy ARNs attached to the role: their contents are not part of the program. */
  managed: string[];
}

export interface StackDocuments {
  stack: string;
  accountId: string;
  region: string;
  roles: Record<string, RoleDocuments>;
  /** Resource policies by the ARN of the resource they govern. */
  busPolicies: Record<string, PolicyDocument>;
  topicPolicies: Record<string, PolicyDocument>;
  keyPolicies: Record<string, PolicyDocument>;
  /** Rule ARNs by resource name (the topic policy of the hub names the notify rule's ARN). */
  ruleArns: Record<string, string>;
}

const T = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  bus: "aws:cloudwatch/eventBus:EventBus",
  busPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  key: "aws:kms/key:Key",
  rule: "aws:cloudwatch/eventRule:EventRule",
} as const;

/** Parses a policy document prop, naming the resource and prop when it is not one. */
export function parseDocument(value: unknown, where: string): PolicyDocument {
  const doc = typeof value === "string" ? safeJson(value, where) : value;
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as PolicyDocument).Statement)) {
    throw new Error(
      `${where}: not a policy document (expected an object with a Statement list): ${String(value).slice(0, 120)}`,
    );
  }
  return doc as PolicyDocument;
}

function safeJson(s: string, where: string): unknown {
  try {
    return JSON.parse(s);
  } catch (err) {
    throw new Error(`${where}: policy document is not JSON (${(err as Error).message})`);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function collectDocuments(stack: string, resources: MockedResource[]): StackDocuments {
  const aws = resources.filter((r) => r.type.startsWith("aws:"));
  const accountId = aws.find((r) => r.accountId)?.accountId ?? "";
  const region = aws.find((r) => r.region)?.region ?? "";
  const out: StackDocuments = {
    stack,
    accountId,
    region,
    roles: {},
    busPolicies: {},
    topicPolicies: {},
    keyPolicies: {},
    ruleArns: {},
  };
  // Role policies name their role by id or name; the mock's id is "<physical name>-id".
  const roleByRef = new Map<string, RoleDocuments>();
  for (const r of resources.filter((x) => x.type === T.role)) {
    const name = String(r.state.name);
    const role: RoleDocuments = {
      name,
      arn: String(r.state.arn),
      trust: parseDocument(r.props.assumeRolePolicy, `${stack} ${r.name} assumeRolePolicy`),
      inline: [],
      managed: [],
    };
    const inlinePolicies = Array.isArray(r.props.inlinePolicies) ? r.props.inlinePolicies : [];
    inlinePolicies.forEach((p: Record<string, unknown>, i) =>
      role.inline.push({
        name: str(p.name) ?? `${r.name}-inline-${i}`,
        policy: parseDocument(p.policy, `${stack} ${r.name} inlinePolicies[${i}]`),
      }),
    );
    out.roles[name] = role;
    roleByRef.set(name, role);
    roleByRef.set(r.id, role);
  }
  const roleOf = (r: MockedResource): RoleDocuments => {
    const role = roleByRef.get(String(r.props.role));
    if (!role)
      throw new Error(`${stack} ${r.name}: role "${String(r.props.role)}" is not a role of this stack`);
    return role;
  };
  for (const r of resources) {
    if (r.type === T.rolePolicy)
      roleOf(r).inline.push({
        name: r.name,
        policy: parseDocument(r.props.policy, `${stack} ${r.name} policy`),
      });
    if (r.type === T.attachment) roleOf(r).managed.push(String(r.props.policyArn));
    if (r.type === T.topicPolicy)
      out.topicPolicies[String(r.props.arn)] = parseDocument(r.props.policy, `${stack} ${r.name} policy`);
    if (r.type === T.key && r.props.policy !== undefined)
      out.keyPolicies[String(r.state.arn)] = parseDocument(r.props.policy, `${stack} ${r.name} policy`);
    if (r.type === T.rule) out.ruleArns[r.name] = String(r.state.arn);
  }
  const busArns = new Map(
    resources.filter((r) => r.type === T.bus).map((r) => [String(r.state.name), String(r.state.arn)]),
  );
  for (const r of resources.filter((x) => x.type === T.busPolicy)) {
    const busName = String(r.props.eventBusName ?? "default");
    const arn = busArns.get(busName) ?? `arn:aws:events:${r.region}:${r.accountId}:event-bus/${busName}`;
    out.busPolicies[arn] = parseDocument(r.props.policy, `${stack} ${r.name} policy`);
  }
  return out;
}
