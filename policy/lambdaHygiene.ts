// Every Lambda function: somewhere for failed async invocations to go (dead-letter queue or
// on-failure destination), a log group with retention (otherwise Lambda creates one that keeps logs
// forever), and a pinned runtime (a CallbackFunction without `runtime` follows @pulumi/aws's default
// and changes runtime on a provider upgrade).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "./lib/config";
import { blockDates, judgingDate, runtimeVerdict } from "./lambdaRuntimes";
import { regionOf } from "./lib/regions";
import { dependsOn, ofType, PlainResource } from "./lib/stack";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { block, isRecord, isUnknown, nonEmptyString } from "./lib/values";

function functionName(fn: PlainResource): string | undefined | "unknown" {
  const n = fn.props.name;
  if (isUnknown(n)) return "unknown";
  return nonEmptyString(n) ? n : undefined;
}

/** functionName of an invoke config may be a name, an ARN, or a qualified ARN. */
function namesFunction(ref: string, name: string): boolean {
  if (ref === name) return true;
  const m = /:function:([^:]+)(:[^:]+)?$/.exec(ref);
  return !!m && m[1] === name;
}

export const lambdaHasFailureDestination: StackValidationPolicy = {
  name: "lambda-has-failure-destination",
  description: "Every Lambda function needs a dead-letter queue or an on-failure destination.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set deadLetterConfig.targetArn, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.",
  validateStack: (args, report) => {
    const functions = ofType(args.resources, T.lambdaFunction);
    if (functions.length === 0) return args.notApplicable("No Lambda functions in the stack");
    const configs = ofType(args.resources, T.lambdaEventInvokeConfig).map((c) => {
      const dest = block(c.props.destinationConfig);
      const onFailure = isRecord(dest) ? block(dest.onFailure) : dest;
      const destination = isRecord(onFailure) ? onFailure.destination : onFailure;
      return { config: c, destination, functionName: c.props.functionName };
    });
    for (const fn of functions) {
      const dlq = block(fn.props.deadLetterConfig);
      if (isUnknown(dlq)) continue;
      const target = isRecord(dlq) ? dlq.targetArn : undefined;
      if (isUnknown(target) || nonEmptyString(target)) continue;
      const name = functionName(fn);
      const mine = configs.filter(
        (c) =>
          dependsOn(c.config.resource, fn.resource, "functionName") ||
          (typeof c.functionName === "string" &&
            typeof name === "string" &&
            namesFunction(c.functionName, name)),
      );
      if (mine.some((c) => isUnknown(c.destination) || nonEmptyString(c.destination))) continue;
      // An invoke config we cannot tie to a function yet might be this function's: cannot judge.
      if (
        configs.some(
          (c) => isUnknown(c.functionName) && !isUnknown(c.destination) && nonEmptyString(c.destination),
        )
      )
        continue;
      report(
        `Lambda function ${name === undefined ? fn.resource.name : name} has no deadLetterConfig.targetArn and no FunctionEventInvokeConfig with destinationConfig.onFailure.destination.`,
        fn.resource.urn,
      );
    }
  },
};

export const lambdaLogGroupRetention: StackValidationPolicy = {
  name: "lambda-log-group-retention",
  description:
    "Every Lambda function needs its log group (/aws/lambda/<function name>) declared in the stack with retentionInDays > 0.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps:
    "Declare aws.cloudwatch.LogGroup named /aws/lambda/<function name> with retentionInDays, in the function's region.",
  validateStack: (args, report) => {
    const functions = ofType(args.resources, T.lambdaFunction);
    if (functions.length === 0) return args.notApplicable("No Lambda functions in the stack");
    const groups = ofType(args.resources, T.logGroup);
    const someGroupNameUnknown = groups.some((g) => isUnknown(g.props.name));
    for (const fn of functions) {
      const name = functionName(fn);
      if (name === "unknown") continue;
      if (name === undefined) {
        report(
          `Lambda function ${fn.resource.name} has no explicit name, so its log group cannot be declared.`,
          fn.resource.urn,
        );
        continue;
      }
      const logging = block(fn.props.loggingConfig);
      if (isUnknown(logging)) continue;
      const custom = isRecord(logging) ? logging.logGroup : undefined;
      if (isUnknown(custom)) continue;
      const groupName = nonEmptyString(custom) ? custom : `/aws/lambda/${name}`;
      const fnRegion = regionOf(fn.props, fn.resource.provider);
      const candidates = groups.filter((g) => {
        if (g.props.name !== groupName) return false;
        const gRegion = regionOf(g.props, g.resource.provider);
        return typeof gRegion !== "string" || typeof fnRegion !== "string" || gRegion === fnRegion;
      });
      if (candidates.length === 0) {
        if (!someGroupNameUnknown) {
          report(`Lambda function ${name} has no log group ${groupName} in the stack.`, fn.resource.urn);
        }
        continue;
      }
      for (const g of candidates) {
        const days = g.props.retentionInDays;
        if (isUnknown(days)) continue;
        if (typeof days !== "number" || !(days > 0)) {
          report(
            `Log group ${groupName} of Lambda function ${name} has no retentionInDays (logs never expire).`,
            g.resource.urn,
          );
        }
      }
    }
  },
};

export interface RuntimePinnedConfig {
  allowedRuntimes: string[];
  asOf?: string;
}

const AS_OF = {
  type: "string",
  description:
    "Judge deprecation dates as of this ISO date instead of today (reproducible CI runs; leave unset).",
} as const;

export const lambdaRuntimePinned: ResourceValidationPolicy = {
  name: "lambda-runtime-pinned",
  description:
    "Every Lambda function sets an explicit, allowed runtime that AWS has not deprecated and that is not ignored by ignoreChanges.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Pass `runtime` explicitly to the function or CallbackFunction: a Node.js runtime AWS still supports (see the runtime table in policy/lambdaRuntimes.ts).",
  configSchema: {
    properties: {
      allowedRuntimes: {
        type: "array",
        items: { type: "string" },
        default: ["nodejs22.x", "nodejs24.x"],
        description: "Runtimes functions may use (a deprecated one is refused even when listed).",
      },
      asOf: AS_OF,
    },
  },
  validateResource: validateTypes([T.lambdaFunction], (props, args, report) => {
    const { allowedRuntimes, asOf } = configWithDefaults<RuntimePinnedConfig>(
      lambdaRuntimePinned.configSchema,
      args.getConfig(),
    );
    if (props.packageType === "Image") return; // container images carry their own runtime
    // CallbackFunction adds ignoreChanges: ["runtime"] when the caller passed no runtime.
    if ((args.opts?.ignoreChanges ?? []).includes("runtime")) {
      report("runtime is listed in ignoreChanges, so it is not pinned (pass runtime explicitly).");
      return;
    }
    const runtime = props.runtime;
    if (isUnknown(runtime)) return;
    if (!nonEmptyString(runtime)) {
      report("runtime is not set.");
      return;
    }
    const verdict = runtimeVerdict(runtime, judgingDate(asOf), 0);
    if (verdict.kind === "deprecated") {
      report(
        `runtime ${runtime} was deprecated by AWS Lambda on ${verdict.dates.deprecation}${blockDates(verdict.dates)}: use ${verdict.newest}.`,
      );
    } else if (!allowedRuntimes.includes(runtime)) {
      report(`runtime ${runtime} is not one of the allowed runtimes (${allowedRuntimes.join(", ")}).`);
    }
  }),
};

export interface RuntimeDeprecationConfig {
  warnDays: number;
  asOf?: string;
}

export const lambdaRuntimeDeprecationSoon: ResourceValidationPolicy = {
  name: "lambda-runtime-deprecation-soon",
  description: "A Lambda function's runtime is not deprecated by AWS within the next months.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Move the function to the newest Node.js runtime before AWS deprecates its current one (functions keep running, but get no security patches, then cannot be updated).",
  configSchema: {
    properties: {
      warnDays: {
        type: "integer",
        minimum: 1,
        default: 120,
        description: "Warn this many days before the runtime's deprecation date.",
      },
      asOf: AS_OF,
    },
  },
  validateResource: validateTypes([T.lambdaFunction], (props, args, report) => {
    const { warnDays, asOf } = configWithDefaults<RuntimeDeprecationConfig>(
      lambdaRuntimeDeprecationSoon.configSchema,
      args.getConfig(),
    );
    if (props.packageType === "Image" || !nonEmptyString(props.runtime)) return;
    const verdict = runtimeVerdict(props.runtime, judgingDate(asOf), warnDays);
    if (verdict.kind === "deprecating") {
      report(
        `runtime ${props.runtime} is deprecated by AWS Lambda on ${verdict.dates.deprecation}, in ${verdict.days} days${blockDates(verdict.dates)}: move to ${verdict.newest}.`,
      );
    }
  }),
};
