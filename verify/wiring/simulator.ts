// Thin wrapper over @cloud-copilot/iam-simulate (AGPL, devDependency only).
//
// Known limitation of iam-simulate 0.1.173, worked around here: runSimulation keeps a request
// context key only if the action's catalog lists it, matching variable keys only when the variable
// follows a "/" (aws:PrincipalTag/x). KMS encryption-context keys are "kms:EncryptionContext:<key>"
// (catalog entry "kms:EncryptionContext:${EncryptionContextKey}"), so they are dropped and every
// condition on them fails as if the key were absent. For exactly such keys we evaluate the same,
// already validated, simulation with the library's core engine, which uses the context as given.
import * as path from "path";
import { allowedContextKeysForRequest, runSimulation } from "@cloud-copilot/iam-simulate";
import type { RequestAnalysis, Simulation } from "@cloud-copilot/iam-simulate";

export interface SimulationOutcome {
  /** Validation errors (unknown action, malformed policy or ARN): the request was not evaluated. */
  error?: string;
  analyses: RequestAnalysis[];
  result?: RequestAnalysis["result"];
  notes: string[];
}

function variableKeyPattern(catalogKey: string): RegExp | undefined {
  if (!catalogKey.includes("${")) return undefined;
  const body = catalogKey
    .split(/\$\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    // A variable may itself hold ":" (kms:EncryptionContext:aws:sns:topicArn), never a "/".
    .join("[^/]+");
  return new RegExp(`^${body}$`, "i");
}

/** Context keys the simulator dropped although the action's catalog entry names them through a ":" variable. */
async function droppedVariableKeys(sim: Simulation, ignored: string[]): Promise<string[]> {
  if (ignored.length === 0) return [];
  const [service, action] = sim.request.action.split(":");
  const allowed = await allowedContextKeysForRequest(
    service,
    action,
    sim.request.resource.resource,
    false,
    undefined,
  );
  const patterns = allowed.map(variableKeyPattern).filter((p): p is RegExp => !!p);
  return ignored.filter((k) => patterns.some((p) => p.test(k)));
}

type CoreEngine = { authorize(request: unknown): RequestAnalysis };
type Loader = { loadPolicy(policy: unknown, meta?: { name?: string }): unknown };
type RequestModules = {
  RequestContextImpl: new (ctx: Record<string, string | string[]>) => unknown;
  AwsRequestImpl: new (principal: unknown, resource: unknown, action: string, ctx: unknown) => unknown;
};

/** The library's core engine (what its runUnsafeSimulation calls), returning the full analysis. */
function analyseUnfiltered(sim: Simulation): RequestAnalysis {
  // Internal modules of the pinned package, reached by file path (its "exports" map hides them).
  const dist = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
  const core = require(path.join(dist, "core_engine", "CoreSimulatorEngine.js")) as CoreEngine;
  const { RequestContextImpl } = require(path.join(dist, "requestContext.js")) as RequestModules;
  const { AwsRequestImpl } = require(path.join(dist, "request", "request.js")) as RequestModules;
  const { DiscoveryContextKeyConstraints } = require(
    path.join(dist, "context_keys", "discoveryContextKeyConstraints.js"),
  );
  const { loadPolicy } = require(require.resolve("@cloud-copilot/iam-policy", { paths: [dist] })) as Loader;
  const request = new AwsRequestImpl(
    sim.request.principal,
    { resource: sim.request.resource.resource, accountId: sim.request.resource.accountId },
    sim.request.action,
    new RequestContextImpl(sim.request.contextVariables),
  );
  return core.authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: sim.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: sim.resourcePolicy ? loadPolicy(sim.resourcePolicy, { name: "resource" }) : undefined,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: "Strict",
      discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
}

export async function simulate(sim: Simulation): Promise<SimulationOutcome> {
  const response = await runSimulation(sim, { simulationMode: "Strict" });
  if (response.resultType === "error") {
    return {
      error: `${response.errors.message}: ${JSON.stringify(response.errors)}`,
      analyses: [],
      notes: [],
    };
  }
  const results = response.resultType === "single" ? [response.result] : response.results;
  const ignored = [...new Set(results.flatMap((r) => r.ignoredContextKeys ?? []))];
  const dropped = await droppedVariableKeys(sim, ignored);
  const notApplicable = ignored.filter((k) => !dropped.includes(k));
  const notes =
    notApplicable.length > 0
      ? [`context keys not applicable to ${sim.request.action}, ignored: ${notApplicable.join(", ")}`]
      : [];
  if (dropped.length > 0 && response.resultType === "single") {
    const analysis = analyseUnfiltered(sim);
    notes.push(
      `${dropped.join(", ")} evaluated by the core engine (runSimulation drops "<service>:<name>:<variable>" keys)`,
    );
    return { analyses: [analysis], result: analysis.result, notes };
  }
  return { analyses: results.map((r) => r.analysis), result: response.overallResult, notes };
}
