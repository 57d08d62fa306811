// Evaluates stack config files one after another under the mock runtime (hubs first, so that
// spokes' StackReferences resolve to the hub's real outputs), handing each result to a callback
// and keeping nothing else: memory stays bounded however many stacks there are.
import { CONFIG_NAMESPACE } from "../stacks/configSchema";
import { loadStackConfig, readRawConfig } from "../stacks/loadConfig";
import { runProgram } from "../stacks/program";
import { Evaluation, evaluate } from "./mockRuntime";
import { StackFile } from "./stackFiles";

export interface StackEvaluation {
  stack: StackFile;
  evaluation?: Evaluation<unknown>;
  /** The error that stopped evaluation (config validation, a missing hub, a program bug). */
  error?: Error;
  millis: number;
}

/** Evaluates one stack file. `hubOutputs` maps hub stack name -> its outputs. */
export async function evaluateStackFile(
  stack: StackFile,
  hubOutputs: Map<string, Record<string, unknown>>,
): Promise<StackEvaluation> {
  const started = Date.now();
  const hubRef = stack.config[`${CONFIG_NAMESPACE}:hubStack`];
  const stackOutputs: Record<string, Record<string, unknown>> = {};
  if (hubRef) {
    const outputs = hubOutputs.get(hubRef.split("/").pop()!);
    if (outputs) stackOutputs[hubRef] = outputs;
  }
  try {
    const evaluation = await evaluate({
      stack: stack.stack,
      config: stack.config,
      secretKeys: stack.secretKeys,
      stackOutputs,
      program: () => runProgram(loadStackConfig(readRawConfig(stack.file))),
    });
    if (stack.config[`${CONFIG_NAMESPACE}:role`] === "hub") {
      hubOutputs.set(stack.stack, evaluation.outputs as Record<string, unknown>);
    }
    return { stack, evaluation, millis: Date.now() - started };
  } catch (err) {
    return { stack, error: err as Error, millis: Date.now() - started };
  }
}

/** Evaluates stacks in order (hubs first), calling `onStack` for each; returns nothing it held. */
export async function evaluateStacks(
  stacks: Iterable<StackFile>,
  onStack: (result: StackEvaluation) => Promise<void> | void,
): Promise<void> {
  const hubOutputs = new Map<string, Record<string, unknown>>();
  for (const stack of stacks) await onStack(await evaluateStackFile(stack, hubOutputs));
}
