// A spoke reads the hub stack's outputs; they exist only once the hub is deployed. Preflight reads
// them from a file the user passes (no Pulumi service login): either what
// `pulumi stack output --stack hub --json --show-secrets` prints (a flat object), or a state file
// (`pulumi stack export --stack hub`, or the local backend's .pulumi/stacks/<project>/hub.json),
// whose root Stack resource holds the outputs.
import * as fs from "fs";
import { HUB_OUTPUT_NAMES, HubOutputValues } from "../../stacks/hubOutputs";
import { SpokeConfig } from "../../stacks/configSchema";
import { Finding } from "./findings";

type Outputs = Record<string, unknown>;

function stackOutputsOfState(doc: Record<string, unknown>): Outputs | undefined {
  const deployment = (doc.deployment ?? (doc.checkpoint as Outputs | undefined)?.latest) as
    { resources?: Array<{ type?: string; outputs?: Outputs }> } | undefined;
  const root = deployment?.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  return root ? (root.outputs ?? {}) : undefined;
}

/** The outputs in a file of either form; throws naming the file when it is neither. */
export function readHubOutputsFile(file: string): Outputs {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not readable JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new Error(`${file}: expected a JSON object (pulumi stack output --json, or a state file)`);
  const o = doc as Outputs;
  if ("deployment" in o || "checkpoint" in o) {
    const outputs = stackOutputsOfState(o);
    if (!outputs)
      throw new Error(`${file}: a state file without a stack resource (was the hub ever deployed?)`);
    return outputs;
  }
  return o;
}

/** Usable hub outputs for a spoke, or the findings that say why not. */
export function checkHubOutputs(
  config: SpokeConfig,
  file: string | undefined,
): { outputs?: Partial<HubOutputValues>; findings: Finding[] } {
  const stack = config.hubStack.split("/").pop();
  const base = {
    check: "hub-outputs",
    account: config.accountId,
    region: "global",
    resource: config.hubStack,
  };
  const fetch = `pulumi stack output --stack ${stack} --json --show-secrets > hub-outputs.json, then pass --hub-outputs hub-outputs.json`;
  if (!file) {
    return {
      findings: [
        {
          ...base,
          blocks: true,
          message: "the hub's outputs were not given, so this spoke cannot be checked against them",
          fix: fetch,
        },
      ],
    };
  }
  const outputs = readHubOutputsFile(file);
  // "" is a real value (a function turned off); only absent outputs mean an undeployed or older hub.
  const missing = HUB_OUTPUT_NAMES.filter((n) => outputs[n] === undefined || outputs[n] === null);
  const findings: Finding[] = [];
  if (missing.length > 0) {
    findings.push({
      ...base,
      blocks: true,
      message: `the hub stack has no output ${missing.join(", ")}: a spoke preview or up fails until the hub is deployed`,
      fix: `pulumi up --stack ${stack}, then ${fetch}`,
    });
  }
  return { outputs: outputs as Partial<HubOutputValues>, findings };
}

/** Stand-ins for a spoke's evaluation when only names and types matter (not the hub's values). */
export function placeholderHubOutputs(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of HUB_OUTPUT_NAMES)
    out[n] = n === "hubAccountId" ? "000000000000" : `arn:aws:placeholder:${n}`;
  return out;
}
