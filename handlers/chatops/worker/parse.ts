// Step 1, parse: the command text, parsed again by the same parser as the ack's so both agree.
import {
  ChatCommand,
  describeCommand,
  helpText,
  parseCommandText,
  SlashCommandMessage,
} from "../shared/command";
import { shown } from "../shared/text";
import { Step, stop } from "./steps";

/** The command, or the final reply for help and malformed text. `logFields.command` is set. */
export function parseStep(msg: SlashCommandMessage, logFields: Record<string, unknown>): Step<ChatCommand> {
  const parsed = parseCommandText(msg.text);
  if (!parsed.ok) {
    logFields.command = msg.text;
    return stop("invalid", `Sorry, ${parsed.error}\n\n${helpText(shown(msg.command))}`);
  }
  logFields.command = describeCommand(parsed.command);
  if (parsed.command.kind === "help") return stop("ok", helpText(shown(msg.command)));
  return { ok: true, value: parsed.command };
}
