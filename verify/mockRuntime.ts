// Runs the Pulumi program under the Pulumi mock runtime (no engine, no cloud credentials) and
// records every registered resource with its inputs, parent, provider and dependencies: what the
// real engine would send to the providers and to a CrossGuard policy pack during `pulumi preview`.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
// The mock monitor does not pass parent/dependencies/ignoreChanges/aliases to `newResource`; we read
// them from the register request itself (internal module of @pulumi/pulumi, pinned in package.json).

const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");

const rpc = require("@pulumi/pulumi/runtime/rpc");

const settings = require("@pulumi/pulumi/runtime/settings");

const state = require("@pulumi/pulumi/runtime/state");

export const PROJECT = "security-guard";

export interface MockedResource {
  type: string;
  name: string;
  urn: string;
  id: string;
  /** Inputs as the provider would receive them (secrets unwrapped, see secretPaths). */
  props: Record<string, unknown>;
  /** Top-level input names whose value was a secret. */
  secretProps: string[];
  custom: boolean;
  parent?: string;
  /** URN of the provider resource managing this one ("" or undefined: the default provider). */
  provider?: string;
  dependencies: string[];
  opts: { ignoreChanges: string[]; protect: boolean; aliases: Array<Record<string, unknown>> };
  /** Outputs the mock returned. */
  state: Record<string, unknown>;
  /** Region and account the resource lands in (from its provider or its own `region`). */
  region?: string;
  accountId?: string;
  /** The raw (un-unwrapped) inputs, e.g. the Lambda `code` archive. */
  rawInputs: Record<string, unknown>;
}

export interface EvaluateOptions<T> {
  stack: string;
  /** Pulumi project name (default: this project's). */
  project?: string;
  /** Full config keys ("security-guard:role") to string values, as Pulumi passes them. */
  config: Record<string, string>;
  secretKeys?: string[];
  /** Outputs of other stacks, by fully qualified name, for StackReferences. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  program: () => T;
  preview?: boolean;
}

export interface Evaluation<T> {
  resources: MockedResource[];
  result: T;
  /** `result` with every Output resolved. */
  outputs: unknown;
}

const SECRET_SIG = rpc.specialSecretSig;
const SIG_KEY = rpc.specialSigKey;

function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
    if (Object.getPrototypeOf(o) !== Object.prototype) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = unwrapSecrets(x);
    return out;
  }
  return v;
}

function shortHash(s: string): string {
  return crypto.createHash("sha1").update(s).digest("hex").slice(0, 7);
}

/** Plausible outputs for the resource types we use, so ARNs flow into policies as they would. */
function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
  account: string,
) {
  const partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws";
  const physical = (inputs.name as string) ?? `${name}-${shortHash(name)}`;
  const a = (svc: string, res: string, r = region) => `arn:${partition}:${svc}:${r}:${account}:${res}`;
  const state: Record<string, unknown> = { ...inputs, name: physical };
  switch (type) {
    case "aws:iam/role:Role":
      state.arn = `arn:${partition}:iam::${account}:role/${physical}`;
      state.uniqueId = `AROA${shortHash(physical).toUpperCase()}`;
      break;
    case "aws:sns/topic:Topic":
      state.arn = a("sns", physical);
      break;
    case "aws:sqs/queue:Queue":
      state.arn = a("sqs", physical);
      state.url = `https://sqs.${region}.amazonaws.com/${account}/${physical}`;
      break;
    case "aws:cloudwatch/eventBus:EventBus":
      state.arn = a("events", `event-bus/${physical}`);
      break;
    case "aws:cloudwatch/eventRule:EventRule": {
      const bus = inputs.eventBusName && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : "";
      state.arn = a("events", `rule/${bus}${physical}`);
      break;
    }
    case "aws:lambda/function:Function":
      state.arn = a("lambda", `function:${physical}`);
      state.invokeArn = `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
      break;
    case "aws:kms/key:Key": {
      const keyId = `mock-${shortHash(name)}`;
      state.keyId = keyId;
      state.arn = a("kms", `key/${keyId}`);
      break;
    }
    case "aws:kms/ciphertext:Ciphertext":
      // Never the plaintext: a marker of what would be encrypted for which function.
      state.ciphertextBlob = Buffer.from(`mock-ciphertext:${JSON.stringify(inputs.context ?? {})}`).toString(
        "base64",
      );
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      state.arn = a("logs", `log-group:${physical}`);
      break;
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string) ?? physical;
      state.bucket = bucket;
      state.arn = `arn:${partition}:s3:::${bucket}`;
      break;
    }
    case "aws:dynamodb/table:Table":
      state.arn = a("dynamodb", `table/${physical}`);
      break;
    case "aws:apigatewayv2/api:Api":
      state.apiEndpoint = `https://${shortHash(name)}.execute-api.${region}.amazonaws.com`;
      state.executionArn = a("execute-api", shortHash(name));
      break;
    case "aws:apigatewayv2/stage:Stage":
      state.invokeUrl = `https://mock.execute-api.${region}.amazonaws.com/`;
      break;
    default:
      if (type.startsWith("aws:")) state.arn = a(type.split(":")[1].split("/")[0], physical);
  }
  return { id: `${physical}-id`, state };
}

/** Provider inputs reach the provider JSON-encoded when they are not strings. */
function providerAccount(inputs: Record<string, unknown>): string | undefined {
  let allowed = inputs.allowedAccountIds;
  if (typeof allowed === "string") allowed = JSON.parse(allowed);
  return Array.isArray(allowed) ? String(allowed[0]) : undefined;
}

interface ProviderInfo {
  region: string;
  accountId: string;
}

/** Evaluates a program under mocks; resolves when every resource has been registered. */
export async function evaluate<T>(options: EvaluateOptions<T>): Promise<Evaluation<T>> {
  const providersById = new Map<string, ProviderInfo>();
  const resources: MockedResource[] = [];
  // Errors inside mocks surface only as engine log lines; collect them and fail the evaluation.
  const failures: Error[] = [];

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
      if (args.type === "pulumi:pulumi:StackReference") {
        const refName = String(inputs.name ?? args.name);
        const outputs = options.stackOutputs?.[refName];
        if (!outputs) {
          const err = new Error(
            `StackReference "${refName}": no such stack among the evaluated stack configs`,
          );
          failures.push(err);
          throw err;
        }
        return { id: refName, state: { name: refName, outputs, secretOutputNames: [] } };
      }
      if (args.type === "pulumi:providers:aws") {
        const region = String(inputs.region ?? "us-east-1");
        const id = `${args.name}-provider-id`;
        providersById.set(id, { region, accountId: providerAccount(inputs) ?? "000000000000" });
        return { id, state: inputs };
      }
      const providerId = args.provider ? args.provider.split("::").pop()! : "";
      const info = providersById.get(providerId);
      const region = (inputs.region as string) ?? info?.region ?? "us-east-1";
      const account = info?.accountId ?? "000000000000";
      return mockState(args.type, args.name, inputs, region, account);
    },
    call(args) {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
        return { accountId: "000000000000", arn: "arn:aws:iam::000000000000:user/mock", userId: "mock" };
      }
      return {};
    },
  };

  // Capture what the mock monitor leaves out, for this evaluation only.
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    const rawInputs = rpc.deserializeProperties(req.getObject()) as Record<string, unknown>;
    const secretProps = Object.entries(rawInputs)
      .filter(([, v]) => v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG)
      .map(([k]) => k);
    const providerRef: string = req.getProvider();
    const record = {
      type: req.getType() as string,
      name: req.getName() as string,
      custom: req.getCustom() as boolean,
      parent: (req.getParent() as string) || undefined,
      provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : undefined,
      providerId: providerRef ? providerRef.split("::").pop() : undefined,
      dependencies: req.getDependenciesList() as string[],
      opts: {
        ignoreChanges: req.getIgnorechangesList() as string[],
        protect: !!req.getProtect(),
        // Earlier identities the engine maps to this resource, so moving code changes no URN.
        aliases: (req.getAliasesList() as Array<{ toObject(): Record<string, unknown> }>).map((a) =>
          a.toObject(),
        ),
      },
      props: unwrapSecrets(rawInputs) as Record<string, unknown>,
      secretProps,
      rawInputs,
    };
    original.call(this, req, (err: unknown, resp: any) => {
      if (resp) {
        const urn = resp.getUrn() as string;
        const state = resp.getObject()?.toJavaScript?.() ?? {};
        const info = record.providerId ? providersById.get(record.providerId) : undefined;
        const region =
          record.type === "pulumi:providers:aws"
            ? (record.props.region as string)
            : ((record.props.region as string) ?? info?.region);
        const accountId =
          record.type === "pulumi:providers:aws" ? providerAccount(record.props) : info?.accountId;
        const { providerId: _p, ...rest } = record;
        resources.push({ ...rest, urn, id: resp.getId(), state, region, accountId });
      }
      callback(err, resp);
    });
  };

  // A resource whose registration fails (e.g. a Lambda closure that cannot be serialized) rejects
  // outside the program's own promises: the real engine reports it; we must too.
  const onRejection = (reason: unknown) =>
    failures.push(reason instanceof Error ? reason : new Error(String(reason)));
  process.on("unhandledRejection", onRejection);
  // The SDK captures a stack trace for every resource and internal promise; ts-node's source-map
  // support rewrites each one, which was ~28% of plan time (bench/RESULTS.md). Plain V8 traces
  // during evaluation only: 0.41 of the CPU time, measured side by side.
  const savedPrepareStackTrace = Error.prepareStackTrace;
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  // Even plain, those traces were the largest cost left: every internal promise formats a 10-frame
  // trace (kept only to debug promise leaks), and every resource an unbounded one, parsed into the
  // source position the engine shows (mocks ignore it). Neither is needed under mocks: no frames
  // are captured and resources carry no source position during evaluation (errors keep their message).
  const savedStackTraceLimit = Error.stackTraceLimit;
  const debugLeaks = !!process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  if (!debugLeaks) Error.stackTraceLimit = 0;
  const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const savedCallsites = resourceClass.callsites;
  resourceClass.callsites = () => [];
  const errorsBefore = state.getStore().logErrorCount ?? 0;
  try {
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(mocks, options.project ?? PROJECT, options.stack, options.preview ?? true);
    const result = options.program();
    const outputs = await resolve(result);
    // Every registration has been sent by now; wait until the monitor answered all of them.
    await settings.waitForRPCs();
    await new Promise((r) => setImmediate(r));
    if (failures.length > 0) throw failures[0];
    const errorsLogged = (state.getStore().logErrorCount ?? 0) - errorsBefore;
    if (errorsLogged > 0)
      throw new Error(`the program logged ${errorsLogged} error(s) (see "error: [runtime]" above)`);
    return { resources, result, outputs };
  } finally {
    Error.prepareStackTrace = savedPrepareStackTrace;
    Error.stackTraceLimit = savedStackTraceLimit;
    resourceClass.callsites = savedCallsites;
    process.off("unhandledRejection", onRejection);
    MockMonitor.prototype.registerResource = original;
  }
}

/** Resolves every Output inside a value (mocks return known values, so nothing stays unknown). */
export async function resolve(value: unknown): Promise<unknown> {
  const out = pulumi.output(value as pulumi.Input<unknown>);
  return (out as unknown as { promise(): Promise<unknown> }).promise();
}
