// Runs the pack's policies without the Pulumi engine, over resources recorded by a mock runtime,
// building the same argument objects @pulumi/policy's analyzer server (server.js) builds:
// ResourceValidationArgs per resource (props behind the SDK's unknown-checking proxy, provider,
// options, isType/asType, getConfig, notApplicable), then StackValidationArgs with PolicyResources
// linked by parent, provider and dependencies. Differences from the engine, on purpose:
// - getConfig() returns schema defaults merged with the given config (the CLI fills defaults too);
// - config is checked against each policy's schema for the top-level property types only.
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { configWithDefaults } from "../../policy/lib/config";
import { PACK_ENFORCEMENT_LEVEL, policies as packPolicies } from "../../policy/policies";

// Deep import: the package index also loads the gRPC server (~1 s). Not in the public typings.
const sdkProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(v: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};

export interface OfflineResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** URN of the parent resource. */
  parent?: string;
  /** URN of the provider resource (a resource of type `pulumi:providers:aws` in the same list). */
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  opts?: { ignoreChanges?: string[]; protect?: boolean };
}

export type ViolationLevel = "advisory" | "mandatory";

export interface Violation {
  policy: string;
  level: ViolationLevel;
  urn?: string;
  type?: string;
  name?: string;
  message: string;
}

export type OfflineEnforcementLevel = "advisory" | "mandatory" | "disabled";

export interface OfflineOptions {
  /** Per-policy level, overriding the policy's own (as `pulumi preview --policy-pack-config` does). */
  enforcementLevels?: Record<string, OfflineEnforcementLevel>;
  /** Per-policy config (may also carry `enforcementLevel`, like a policy-pack config file). */
  config?: Record<string, Record<string, unknown>>;
  /** Policies to run instead of the pack's (for testing the runner itself). */
  policies?: Policies;
  stackTags?: Record<string, string>;
}

/** Names of the pack's policies, in pack order. */
export function policyNames(): string[] {
  return packPolicies.map((p) => p.name);
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

interface Task {
  policy: ResourceValidationPolicy | StackValidationPolicy;
  /** Runs the validation with the given reporter; may return a promise. */
  run: (report: ReportViolation) => unknown;
  /** Target of violations reported without a urn (resource validations always use their own). */
  resource?: OfflineResource;
}

interface Plan {
  tasks: Task[];
  levelOf: Map<string, ViolationLevel>;
  byUrn: Map<string, OfflineResource>;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

function isResourcePolicy(p: unknown): p is ResourceValidationPolicy {
  const v = (p as ResourceValidationPolicy).validateResource;
  return typeof v === "function" || (Array.isArray(v) && v.every((f) => typeof f === "function"));
}

function isStackPolicy(p: unknown): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

function pulumiTypeOf(obj: unknown): string | undefined {
  const t = (obj as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** server.js isTypeOf: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = pulumiTypeOf(resourceClass);
  if (t) return type === t;
  const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function schemaTypeOk(expected: string, v: unknown): boolean {
  switch (expected) {
    case "array":
      return Array.isArray(v);
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    case "integer":
      return Number.isInteger(v);
    case "null":
      return v === null;
    default:
      return typeof v === expected;
  }
}

function checkConfig(
  policy: string,
  schema: PolicyConfigSchema | undefined,
  given: Record<string, unknown>,
): void {
  const props = schema?.properties ?? {};
  for (const [key, value] of Object.entries(given)) {
    if (key === "enforcementLevel") continue;
    const prop = props[key];
    if (!prop || typeof prop !== "object") {
      throw new Error(
        `Policy config for '${policy}': unknown property '${key}' (known: ${Object.keys(props).join(", ") || "none"})`,
      );
    }
    const types = prop.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    if (types.length > 0 && !types.some((t) => schemaTypeOk(t, value))) {
      throw new Error(
        `Policy config for '${policy}': property '${key}' must be ${types.join(" or ")}, got ${JSON.stringify(value)}`,
      );
    }
    const items = prop.items;
    if (
      Array.isArray(value) &&
      items &&
      typeof items === "object" &&
      !Array.isArray(items) &&
      typeof items.type === "string"
    ) {
      value.forEach((item, i) => {
        if (!schemaTypeOk(items.type as string, item)) {
          throw new Error(
            `Policy config for '${policy}': ${key}[${i}] must be ${String(items.type)}, got ${JSON.stringify(item)}`,
          );
        }
      });
    }
    if (prop.enum && !prop.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
      throw new Error(
        `Policy config for '${policy}': property '${key}' must be one of ${JSON.stringify(prop.enum)}`,
      );
    }
  }
  for (const req of schema?.required ?? []) {
    const defaulted =
      props[req] &&
      typeof props[req] === "object" &&
      (props[req] as { default?: unknown }).default !== undefined;
    if (!(req in given) && !defaulted)
      throw new Error(`Policy config for '${policy}': required property '${req}' is missing`);
  }
}

function checkResources(resources: OfflineResource[]): Map<string, OfflineResource> {
  if (!Array.isArray(resources)) throw new Error("runPoliciesOffline: resources must be an array");
  const byUrn = new Map<string, OfflineResource>();
  resources.forEach((r, i) => {
    for (const field of ["type", "name", "urn"] as const) {
      if (typeof r?.[field] !== "string" || r[field] === "") {
        throw new Error(`runPoliciesOffline: resources[${i}].${field} must be a non-empty string`);
      }
    }
    if (r.props === null || typeof r.props !== "object" || Array.isArray(r.props)) {
      throw new Error(`runPoliciesOffline: resources[${i}] (${r.urn}) props must be an object`);
    }
    if (byUrn.has(r.urn)) throw new Error(`runPoliciesOffline: duplicate urn ${r.urn}`);
    byUrn.set(r.urn, r);
  });
  return byUrn;
}

/**
 * Copies plain objects and arrays so a policy cannot change the caller's data; anything else (assets
 * and archives from a mock runtime, class instances) is passed through, as it cannot be cloned.
 */
function copyData<T>(v: T, depth = 0): T {
  if (depth > 64 || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => copyData(x, depth + 1)) as T;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = copyData(x, depth + 1);
  return out as T;
}

function freezeTags(tags: Record<string, string> | undefined): ReadonlyMap<string, string> {
  return Object.freeze(new Map(Object.entries(tags ?? {})));
}

function plan(resources: OfflineResource[], options: OfflineOptions): Plan {
  const byUrn = checkResources(resources);
  const policies = options.policies ?? packPolicies;
  const names = new Set<string>();
  for (const p of policies) {
    if (p.name === "all") throw new Error('Invalid policy name "all". "all" is a reserved name.');
    if (names.has(p.name)) throw new Error(`Duplicate policy name '${p.name}'`);
    if (p.configSchema?.properties?.enforcementLevel) {
      throw new Error(`Policy '${p.name}': enforcementLevel cannot be explicitly specified in properties.`);
    }
    names.add(p.name);
  }
  for (const [what, map] of [
    ["enforcementLevels", options.enforcementLevels],
    ["config", options.config],
  ] as const) {
    for (const key of Object.keys(map ?? {})) {
      if (!names.has(key))
        throw new Error(
          `runPoliciesOffline: ${what} names unknown policy '${key}' (known: ${[...names].join(", ")})`,
        );
    }
  }

  const stackTags = freezeTags(options.stackTags);
  const levelOf = new Map<string, ViolationLevel>();
  const configOf = new Map<string, Record<string, unknown>>();
  for (const p of policies) {
    const given = options.config?.[p.name] ?? {};
    const level: string =
      options.enforcementLevels?.[p.name] ??
      (given.enforcementLevel as EnforcementLevel | undefined) ??
      p.enforcementLevel ??
      PACK_ENFORCEMENT_LEVEL;
    if (!LEVELS.includes(level)) throw new Error(`Policy '${p.name}': invalid enforcement level '${level}'`);
    checkConfig(p.name, p.configSchema, given);
    configOf.set(p.name, configWithDefaults(p.configSchema, given));
    // server.js: remediation cannot fix a violation it still reports, so remediate counts as mandatory.
    if (level !== "disabled") levelOf.set(p.name, level === "advisory" ? "advisory" : "mandatory");
  }
  const getConfigFor =
    (name: string) =>
    <T extends object>(): T =>
      structuredClone(configOf.get(name)) as T;

  const proxied = (r: OfflineResource) => sdkProxy.unknownCheckingProxy(copyData(r.props));
  const optsOf = (r: OfflineResource): PolicyResourceOptions => ({
    protect: r.opts?.protect ?? false,
    ignoreChanges: [...(r.opts?.ignoreChanges ?? [])],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  });
  const providerOf = (r: OfflineResource): PolicyProviderResource | undefined => {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    return p ? { type: p.type, props: proxied(p), urn: p.urn, name: p.name } : undefined;
  };

  const tasks: Task[] = [];
  // Resource validations, per resource, in pack order (server.js makeAnalyzeRpcFun).
  for (const r of resources) {
    for (const p of policies) {
      if (!levelOf.has(p.name) || !isResourcePolicy(p) || !p.validateResource) continue;
      const validations: ResourceValidation[] = Array.isArray(p.validateResource)
        ? p.validateResource
        : [p.validateResource];
      if (validations.length === 1) {
        const t = pulumiTypeOf(validations[0]);
        if (t && t !== r.type) continue;
      }
      for (const validation of validations) {
        tasks.push({
          policy: p,
          resource: r,
          run: (report) => {
            const props = proxied(r);
            const args: ResourceValidationArgs = {
              type: r.type,
              props,
              urn: r.urn,
              name: r.name,
              opts: optsOf(r),
              stackTags,
              isType: (cls) => isTypeOf(r.type, cls),
              asType: ((cls: unknown) =>
                isTypeOf(r.type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
              getConfig: getConfigFor(p.name),
              notApplicable: throwNotApplicable,
            };
            const provider = providerOf(r);
            if (provider) args.provider = provider;
            return validation(args, report);
          },
        });
      }
    }
  }
  // Stack validations (server.js makeAnalyzeStackRpcFun).
  for (const p of policies) {
    if (!levelOf.has(p.name) || !isStackPolicy(p)) continue;
    const t = pulumiTypeOf(p.validateStack);
    if (t && !resources.some((r) => r.type === t)) continue;
    tasks.push({
      policy: p,
      run: (report) => {
        const policyResources = new Map<string, PolicyResource>();
        for (const r of resources) {
          const props = proxied(r);
          const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: optsOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) =>
              isTypeOf(r.type, cls) ? props : undefined) as PolicyResource["asType"],
          };
          const provider = providerOf(r);
          if (provider) resource.provider = provider;
          policyResources.set(r.urn, resource);
        }
        const lookup = (urns: string[] | undefined) =>
          (urns ?? []).map((u) => policyResources.get(u)).filter((x): x is PolicyResource => !!x);
        for (const r of resources) {
          const pr = policyResources.get(r.urn)!;
          if (r.parent && policyResources.has(r.parent)) pr.parent = policyResources.get(r.parent);
          pr.dependencies = lookup(r.dependencies);
          for (const [k, urns] of Object.entries(r.propertyDependencies ?? {}))
            pr.propertyDependencies[k] = lookup(urns);
        }
        const args: StackValidationArgs = {
          resources: [...policyResources.values()],
          getConfig: getConfigFor(p.name),
          stackTags,
          notApplicable: throwNotApplicable,
        };
        return p.validateStack(args, report);
      },
    });
  }
  return { tasks, levelOf, byUrn };
}

function reporter(task: Task, plan: Plan, out: Violation[]): ReportViolation {
  const level = plan.levelOf.get(task.policy.name)!;
  return (message, urn) => {
    // server.js makeReportViolationFun: the description, then the message on its own line. A
    // resource validation's violation is always about its resource, whatever urn it passes.
    const target = task.resource ?? (urn ? plan.byUrn.get(urn) : undefined);
    out.push({
      policy: task.policy.name,
      level,
      urn: task.resource ? task.resource.urn : urn,
      type: target?.type,
      name: target?.name,
      message: message ? `${task.policy.description}\n${message}` : task.policy.description,
    });
  };
}

function handleError(e: unknown, task: Task, out: Violation[]): void {
  if (e instanceof NotApplicableError) return;
  const where = task.resource ? `resource ${task.resource.urn}` : "the stack";
  if (e instanceof sdkProxy.UnknownValueError) {
    // server.js: a validation that touches an unknown value becomes an advisory note.
    out.push({
      policy: task.policy.name,
      level: "advisory",
      urn: task.resource?.urn,
      type: task.resource?.type,
      name: task.resource?.name,
      message: `can't run policy '${task.policy.name}' during preview: ${(e as Error).message}`,
    });
    return;
  }
  const detail = e instanceof Error ? e.message : String(e);
  throw new Error(`Error validating ${where} with policy '${task.policy.name}': ${detail}`, { cause: e });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as { then?: unknown }).then === "function";
}

/**
 * Runs every enabled policy over `resources` (resource validations first, per resource, then stack
 * validations) and returns the violations. Synchronous: a validation that returns a promise is an
 * error here; use runPoliciesOfflineAsync for packs with async policies.
 */
export function runPoliciesOffline(resources: OfflineResource[], options: OfflineOptions = {}): Violation[] {
  const p = plan(resources, options);
  const out: Violation[] = [];
  for (const task of p.tasks) {
    let result: unknown;
    try {
      result = task.run(reporter(task, p, out));
    } catch (e) {
      handleError(e, task, out);
      continue;
    }
    if (isThenable(result)) {
      Promise.resolve(result).catch(() => undefined); // do not leave a rejection unhandled
      throw new Error(
        `Policy '${task.policy.name}' is asynchronous (returned a Promise); use runPoliciesOfflineAsync`,
      );
    }
  }
  return out;
}

/** Like runPoliciesOffline, awaiting validations that return promises (as the engine does). */
export async function runPoliciesOfflineAsync(
  resources: OfflineResource[],
  options: OfflineOptions = {},
): Promise<Violation[]> {
  const p = plan(resources, options);
  const out: Violation[] = [];
  for (const task of p.tasks) {
    try {
      await Promise.resolve(task.run(reporter(task, p, out)));
    } catch (e) {
      handleError(e, task, out);
    }
  }
  return out;
}
