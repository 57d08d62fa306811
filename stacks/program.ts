// The whole program as a function, so that index.ts, the offline plan and the tests all run the
// same code: load and validate config, then deploy the hub or a spoke.
import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig, loadStackConfig } from "./loadConfig";
import { deployHub } from "./hub";
import { deploySpoke } from "./spoke";

export type ProgramOutputs = Record<string, pulumi.Input<unknown>>;

export function runProgram(loaded: LoadedConfig = loadStackConfig()): ProgramOutputs {
  const { config } = loaded;
  if (config.role === "hub") {
    const hub = deployHub(config, loaded.secrets!);
    return {
      ...hub.outputs,
      slackCommandUrl: hub.slackCommandUrl,
      slackInteractionsUrl: hub.slackInteractionsUrl,
    };
  }
  const spoke = deploySpoke(config);
  return { accountId: spoke.accountId, regions: spoke.regions, forwarderRoleArn: spoke.forwarderRoleArn };
}
