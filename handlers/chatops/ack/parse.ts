// Step 2, parse: the verified form body (the fields Slack documents for a slash command), then the
// command text. help and malformed commands are answered by the ack itself.
import { log } from "../../shared/log";
import { ChatCommand, helpText, parseCommandText } from "../shared/command";
import { ephemeral, plainText, Step } from "./reply";

export interface CommandForm {
  userId: string;
  userName?: string;
  teamId: string;
  channelId: string;
  command: string;
  text: string;
  responseUrl: string;
  /** What every log line of this request carries. */
  logFields: Record<string, unknown>;
}

const REQUIRED = ["user_id", "team_id", "channel_id", "command", "response_url"];

export function parseForm(rawBody: Buffer, eventId: string | undefined): Step<CommandForm> {
  const form = new URLSearchParams(rawBody.toString("utf8"));
  // Slack checks the certificate of a slash command URL with ssl_check=1; it wants a 200.
  if (form.get("ssl_check") === "1") return { ok: false, answer: { statusCode: 200, body: "" } };
  const missing = REQUIRED.filter((k) => !form.get(k));
  if (missing.length) {
    log("warn", "chatops ack: form fields missing", { eventId, missing });
    return { ok: false, answer: plainText(400, `missing form fields: ${missing.join(", ")}`) };
  }
  const command = form.get("command")!;
  const text = form.get("text") ?? "";
  const userId = form.get("user_id")!;
  const userName = form.get("user_name") ?? undefined;
  return {
    ok: true,
    value: {
      userId,
      userName,
      teamId: form.get("team_id")!,
      channelId: form.get("channel_id")!,
      command,
      text,
      responseUrl: form.get("response_url")!,
      logFields: { eventId, userId, userName: form.get("user_name"), command, text },
    },
  };
}

/** The command to hand to the worker; help and malformed text end here with their answer. */
export function parseCommand(form: CommandForm): Step<ChatCommand> {
  const parsed = parseCommandText(form.text);
  if (!parsed.ok) {
    log("info", "chatops ack: malformed command", {
      ...form.logFields,
      outcome: "invalid",
      error: parsed.error,
    });
    return { ok: false, answer: ephemeral(`Sorry, ${parsed.error}\n\n${helpText(form.command)}`) };
  }
  if (parsed.command.kind === "help") {
    log("info", "chatops ack: help", { ...form.logFields, outcome: "help" });
    return { ok: false, answer: ephemeral(helpText(form.command)) };
  }
  return { ok: true, value: parsed.command };
}
