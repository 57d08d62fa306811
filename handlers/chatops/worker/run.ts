// One command, as named steps: parse -> authorize -> assume role -> act -> respond. Every path
// ends in respond, so every accepted command gets a final reply and one log line.
import { RunCall } from "../../shared/deadline";
import { SlashCommandMessage } from "../shared/command";
import { actStep } from "./act";
import { assumeStep } from "./assume";
import { authorizeStep } from "./authorize";
import { ActionLedger, CommandResult, Outcome } from "./context";
import { parseStep } from "./parse";
import { respondStep } from "./respond";
import { Responder } from "./responder";
import { accountLabel, WorkerSettings } from "./settings";

export interface RunDeps {
  settings: WorkerSettings;
  stsRegion: string;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  stateWait: { timeoutMs: number; pollMs: number };
  actions: ActionLedger;
  ec2PageSize?: number;
}

export async function runCommand(
  deps: RunDeps,
  msg: SlashCommandMessage,
  messageId: string,
  responder: Responder,
  logBase: Record<string, unknown>,
  call: RunCall,
): Promise<{ outcome: Outcome; command?: string }> {
  const started = deps.now();
  const fields: Record<string, unknown> = { ...logBase };
  const respond = (result: CommandResult) =>
    respondStep(result, responder, fields, () => deps.now() - started);

  const cmd = parseStep(msg, fields);
  if (!cmd.ok) return respond(cmd.result);
  const target = authorizeStep(deps.settings, msg, cmd.value, fields);
  if (!target.ok) return respond(target.result);
  const credentials = await assumeStep(deps.settings, target.value, msg.userId, deps.stsRegion, call, fields);
  if (!credentials.ok) return respond(credentials.result);
  const result = await actStep(
    cmd.value,
    {
      credentials: credentials.value,
      call,
      account: target.value.account,
      accountLabel: accountLabel(deps.settings, target.value.account),
      region: target.value.region,
      regions: deps.settings.regions,
      responder,
      sleep: deps.sleep,
      now: deps.now,
      stateWait: deps.stateWait,
      messageId,
      actions: deps.actions,
      ec2PageSize: deps.ec2PageSize,
    },
    fields,
  );
  return respond(result);
}
