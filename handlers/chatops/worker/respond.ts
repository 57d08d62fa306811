// Step 5, respond: the final reply through response_url, and the one log line per command (user,
// account, region, command, outcome, whether the reply reached Slack).
import { log } from "../../shared/log";
import { CommandResult, Outcome } from "./context";
import { Responder } from "./responder";

export async function respondStep(
  result: CommandResult,
  responder: Responder,
  logFields: Record<string, unknown>,
  durationMs: () => number,
): Promise<{ outcome: Outcome; command?: string }> {
  await responder.final(result.text);
  const level =
    result.outcome === "aws-error" || result.outcome === "unanswered"
      ? "error"
      : result.outcome === "ok"
        ? "info"
        : "warn";
  log(level, "chatops command", {
    ...logFields,
    outcome: result.outcome,
    delivered: responder.failures.length === 0,
    durationMs: durationMs(),
    ...(result.outcome === "ok" ? {} : { reply: result.text }),
  });
  return { outcome: result.outcome, command: logFields.command as string | undefined };
}
