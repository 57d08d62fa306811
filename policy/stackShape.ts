// Stack-level shape of the two kinds of stack (hub and spoke). A stack is a spoke when it
// holds a `security-guard:spoke:Spoke` component and the hub when it holds `security-guard:hub:Hub`.
// Configured regions are the `region` of the stack's AWS providers (one per region).
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "./lib/config";
import { FORWARDED_KIND_LABELS, ForwardedKind, forwardedKinds, parsePattern } from "./lib/eventPatterns";
import { configuredRegions, providerAccounts, regionOf } from "./lib/regions";
import { dependsOn, ofType, PlainResource } from "./lib/stack";
import { T } from "./lib/types";
import { block, isRecord, isUnknown, nonEmptyString } from "./lib/values";

/** IAM is global: its CloudTrail events reach EventBridge only in us-east-1. */
export const IAM_EVENTS_REGION = "us-east-1";

const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/[^/]+$/;

export interface SpokeShapeConfig {
  hubRegion: string;
  regionsWithExistingRecorder: string[];
}

/** Is `r` in `region`? A resource whose region is unknown during preview cannot be judged: yes. */
function inRegion(r: PlainResource, region: string): boolean {
  const reg = regionOf(r.props, r.resource.provider);
  return isUnknown(reg) || reg === region;
}

function targetsOf(rule: PlainResource, targets: PlainResource[]): PlainResource[] {
  const name = rule.props.name;
  const region = regionOf(rule.props, rule.resource.provider);
  return targets.filter((t) => {
    if (dependsOn(t.resource, rule.resource, "rule")) return true;
    if (typeof name !== "string" || t.props.rule !== name) return false;
    const tRegion = regionOf(t.props, t.resource.provider);
    return typeof tRegion !== "string" || typeof region !== "string" || tRegion === region;
  });
}

/** Why a target does not forward to the hub bus, or undefined when it does (or cannot be judged). */
function forwardingProblem(target: PlainResource, hubRegion: string): string | undefined {
  const arn = target.props.arn;
  if (isUnknown(arn)) return undefined;
  const m = typeof arn === "string" ? EVENT_BUS_ARN.exec(arn) : null;
  if (!m) return `target ${target.resource.name} (${String(arn)}) is not an event bus ARN`;
  if (m[1] !== hubRegion)
    return `target ${target.resource.name} sends to ${m[1]}, not the hub bus in ${hubRegion}`;
  if (providerAccounts(target.resource.provider).includes(m[2])) {
    return `target ${target.resource.name} sends to a bus in this spoke's own account ${m[2]}`;
  }
  const role = target.props.roleArn;
  if (!isUnknown(role) && !nonEmptyString(role)) {
    return `target ${target.resource.name} has no roleArn (cross-account bus targets need one)`;
  }
  return undefined;
}

interface ClassifiedRule {
  rule: PlainResource;
  kinds: Set<ForwardedKind> | "unknown";
  targets: PlainResource[];
}

export const spokeStackShape: StackValidationPolicy = {
  name: "spoke-stack-shape",
  description:
    "A spoke has, in every configured region, a Config recorder and delivery channel, the restricted-ssh rule and rules forwarding security-group calls, Config compliance changes, alarm state changes, the CIS monitoring calls, root activity and GuardDuty, Security Hub and Access Analyzer findings to the hub bus; in us-east-1 also console sign-ins and Organizations changes; console sign-ins in each region a SignInRegion component declares; and exactly one IAM forwarding rule, in us-east-1.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      hubRegion: {
        type: "string",
        default: "us-east-1",
        description: "Region of the hub's central event bus.",
      },
      regionsWithExistingRecorder: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Regions where the account already has a Config recorder and delivery channel (e.g. Control Tower), so the spoke does not create them. AWS allows one recorder per account and region.",
      },
    },
  },
  validateStack: (args, report) => {
    const spoke = args.resources.find((r) => r.type === T.spokeComponent);
    if (!spoke) return args.notApplicable("Not a spoke stack (no security-guard:spoke:Spoke component)");
    const config = configWithDefaults<SpokeShapeConfig>(spokeStackShape.configSchema, args.getConfig());
    const regions = configuredRegions(args.resources);
    if (regions.length === 0) {
      report("The spoke has no AWS provider with a region, so no region is configured.", spoke.urn);
      return;
    }
    const recorders = ofType(args.resources, T.configRecorder);
    const channels = ofType(args.resources, T.configDeliveryChannel);
    const sshRules = ofType(args.resources, T.configRule).filter((r) => {
      const source = block(r.props.source);
      if (isUnknown(source)) return true;
      if (!isRecord(source)) return false;
      return (
        (isUnknown(source.owner) || source.owner === "AWS") &&
        (isUnknown(source.sourceIdentifier) || source.sourceIdentifier === "INCOMING_SSH_DISABLED")
      );
    });
    const targets = ofType(args.resources, T.eventTarget);
    const rules: ClassifiedRule[] = ofType(args.resources, T.eventRule).map((rule) => {
      const pattern = parsePattern(rule.props.eventPattern);
      return {
        rule,
        kinds:
          pattern === "unknown" ? "unknown" : pattern ? forwardedKinds(pattern) : new Set<ForwardedKind>(),
        targets: targetsOf(rule, targets),
      };
    });
    const problemsOf = (r: ClassifiedRule): string[] => {
      if (r.targets.length === 0) return [`rule ${r.rule.resource.name} has no target`];
      const problems = r.targets.map((t) => forwardingProblem(t, config.hubRegion));
      return problems.some((p) => p === undefined) ? [] : (problems as string[]);
    };

    // Our SpokeRegion component declares (as its inputs) a region where the account's existing
    // recorder is used (stack config createRecorder: false); other programs use the policy config.
    const declaredExisting = new Set(
      args.resources
        .filter((r) => r.type === "security-guard:spoke:SpokeRegion" && r.props.createRecorder === false)
        .map((r) => String(r.props.region)),
    );
    // Our SignInRegion component declares a region the spoke covers only because CloudTrail records
    // IAM users' console sign-ins there: it needs the sign-in rule and nothing else.
    const signInOnly = new Set(
      args.resources
        .filter((r) => r.type === "security-guard:spoke:SignInRegion")
        .map((r) => String(r.props.region)),
    );
    const forwards = (region: string, kinds: ForwardedKind[]) => {
      for (const kind of kinds) {
        const candidates = rules.filter(
          (r) => inRegion(r.rule, region) && (r.kinds === "unknown" || r.kinds.has(kind)),
        );
        if (candidates.length === 0) {
          report(`Region ${region}: no EventBridge rule forwards ${FORWARDED_KIND_LABELS[kind]}.`, spoke.urn);
          continue;
        }
        const problems = candidates.map(problemsOf);
        if (problems.every((p) => p.length > 0)) {
          report(
            `Region ${region}: no rule forwards ${FORWARDED_KIND_LABELS[kind]} to the hub bus: ${problems.flat().join("; ")}.`,
            candidates[0].rule.resource.urn,
          );
        }
      }
    };
    for (const region of regions.filter((r) => signInOnly.has(r))) forwards(region, ["signin"]);
    for (const region of regions.filter((r) => !signInOnly.has(r))) {
      const existing = config.regionsWithExistingRecorder.includes(region) || declaredExisting.has(region);
      if (!existing && !recorders.some((r) => inRegion(r, region))) {
        report(`Region ${region}: no AWS Config recorder (aws:cfg/recorder:Recorder).`, spoke.urn);
      }
      if (!existing && !channels.some((r) => inRegion(r, region))) {
        report(
          `Region ${region}: no AWS Config delivery channel (aws:cfg/deliveryChannel:DeliveryChannel).`,
          spoke.urn,
        );
      }
      if (!sshRules.some((r) => inRegion(r, region))) {
        report(
          `Region ${region}: no AWS Config rule with source INCOMING_SSH_DISABLED (restricted-ssh).`,
          spoke.urn,
        );
      }
      const kinds: ForwardedKind[] = [
        "sg",
        "config",
        "alarm",
        "cis",
        "root",
        "guardduty",
        "securityhub",
        "accessanalyzer",
      ];
      // Organizations is global: its events are recorded in us-east-1 only. Console sign-ins are
      // recorded in us-east-1 (root, the global endpoint) and in the sign-in endpoint's Region.
      if (region === IAM_EVENTS_REGION) kinds.push("signin", "organizations");
      forwards(region, kinds);
    }

    const iamRules = rules.filter((r) => r.kinds !== "unknown" && r.kinds.has("iam"));
    if (iamRules.length === 0) {
      report(`No EventBridge rule forwards ${FORWARDED_KIND_LABELS.iam} in ${IAM_EVENTS_REGION}.`, spoke.urn);
    } else if (iamRules.length > 1) {
      report(
        `${iamRules.length} IAM forwarding rules (${iamRules.map((r) => r.rule.resource.name).join(", ")}); expected exactly one, in ${IAM_EVENTS_REGION}.`,
        spoke.urn,
      );
    }
    for (const r of iamRules) {
      const region = regionOf(r.rule.props, r.rule.resource.provider);
      if (typeof region === "string" && region !== IAM_EVENTS_REGION) {
        report(
          `IAM forwarding rule ${r.rule.resource.name} is in ${region}; IAM events reach EventBridge only in ${IAM_EVENTS_REGION}.`,
          r.rule.resource.urn,
        );
      }
      const problems = problemsOf(r);
      if (problems.length > 0) report(`IAM forwarding rule: ${problems.join("; ")}.`, r.rule.resource.urn);
    }
  },
};

function busMatches(policy: PlainResource, bus: PlainResource): boolean {
  if (dependsOn(policy.resource, bus.resource, "eventBusName")) return true;
  const ref = policy.props.eventBusName;
  if (isUnknown(ref)) return true;
  const name = bus.props.name;
  if (typeof ref !== "string" || typeof name !== "string") return false;
  return ref === name || ref.endsWith(`:event-bus/${name}`);
}

export const hubStackShape: StackValidationPolicy = {
  name: "hub-stack-shape",
  description:
    "The hub has a Config aggregator, the central event bus in the hub region, and an event bus policy on it (size limits: resource-policy-size-limits).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      hubRegion: { type: "string", default: "us-east-1", description: "Region of the central event bus." },
    },
  },
  validateStack: (args, report) => {
    const hub: PolicyResource | undefined = args.resources.find((r) => r.type === T.hubComponent);
    if (!hub) return args.notApplicable("Not a hub stack (no security-guard:hub:Hub component)");
    const { hubRegion } = configWithDefaults<{ hubRegion: string }>(
      hubStackShape.configSchema,
      args.getConfig(),
    );
    // Our Hub component declares (as its input) an aggregator turned off on purpose (stack config
    // aggregator: none, until Config delegation is done).
    const aggregatorOff = hub.props.aggregator === "none";
    if (!aggregatorOff && ofType(args.resources, T.configAggregator).length === 0) {
      report(
        "The hub has no AWS Config aggregator (aws:cfg/configurationAggregator:ConfigurationAggregator).",
        hub.urn,
      );
    }
    const buses = ofType(args.resources, T.eventBus).filter((b) => inRegion(b, hubRegion));
    if (buses.length === 0) {
      report(`The hub has no event bus (aws:cloudwatch/eventBus:EventBus) in ${hubRegion}.`, hub.urn);
      return;
    }
    const policies = ofType(args.resources, T.eventBusPolicy);
    if (!buses.some((bus) => policies.some((p) => busMatches(p, bus)))) {
      report(
        `The hub's event bus ${buses.map((b) => String(b.props.name ?? b.resource.name)).join(", ")} has no event bus policy (aws:cloudwatch/eventBusPolicy:EventBusPolicy), so spokes cannot put events.`,
        hub.urn,
      );
    }
  },
};
