// Step 3, authorize: this endpoint serves one slash command, and replies go only to Slack's own
// response_url hosts. Who may do what is the worker's decision (it holds the users' access).
import { log } from "../../shared/log";
import { responseUrlProblem } from "../shared/command";
import { shown } from "../shared/text";
import { ephemeral, plainText, Step } from "./reply";
import { CommandForm } from "./parse";

export function authorizeRequest(
  form: CommandForm,
  commandName: string | undefined,
  localRun: boolean,
): Step<void> {
  if (commandName && form.command !== commandName) {
    log("warn", "chatops ack: unexpected command", form.logFields);
    return {
      ok: false,
      answer: ephemeral(`This endpoint serves \`${commandName}\`, not \`${shown(form.command)}\`.`),
    };
  }
  const problem = responseUrlProblem(form.responseUrl, localRun);
  if (problem) {
    log("warn", "chatops ack: bad response_url", { ...form.logFields, problem });
    return { ok: false, answer: plainText(400, problem) };
  }
  return { ok: true, value: undefined };
}
