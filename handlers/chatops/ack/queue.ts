// Step 4, queue: hands the command to the worker through the SNS topic. The answer says whether it
// is on its way or that nothing was run.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { ChatCommand, describeCommand, SlashCommandMessage } from "../shared/command";
import { AckResponse, ephemeral } from "./reply";
import { CommandForm } from "./parse";

// Budget for the SNS publish so the whole answer stays under Slack's 3 s.
const SNS_TIMEOUTS = { connectionTimeout: 1000, requestTimeout: 1000 };

/** One SNS client per container, for the topic's region. */
export interface SnsClients {
  sns?: SNSClient;
  region?: string;
}

function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[2] === "sns" ? parts[3] : undefined;
}

function snsFor(clients: SnsClients, topicArn: string, defaultRegion: string | undefined): SNSClient {
  const region = regionOfArn(topicArn) ?? defaultRegion;
  if (!clients.sns || clients.region !== region) {
    clients.sns = new SNSClient({ region, maxAttempts: 2, requestHandler: SNS_TIMEOUTS });
    clients.region = region;
  }
  return clients.sns;
}

export function commandMessage(form: CommandForm, nowMs: number): SlashCommandMessage {
  return {
    version: 1,
    receivedAt: new Date(nowMs).toISOString(),
    userId: form.userId,
    userName: form.userName ?? "",
    teamId: form.teamId,
    channelId: form.channelId,
    command: form.command,
    text: form.text,
    responseUrl: form.responseUrl,
  };
}

export async function queueCommand(args: {
  form: CommandForm;
  command: ChatCommand;
  message: SlashCommandMessage;
  topicArn: string | undefined;
  clients: SnsClients;
  defaultRegion: string | undefined;
  eventId: string | undefined;
}): Promise<AckResponse> {
  const { form, command, topicArn } = args;
  try {
    if (!topicArn) throw new Error("COMMAND_TOPIC_ARN is not set");
    const out = await snsFor(args.clients, topicArn, args.defaultRegion).send(
      new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(args.message) }),
    );
    log("info", "chatops ack: command queued", {
      ...form.logFields,
      outcome: "queued",
      messageId: out.MessageId,
    });
  } catch (err) {
    log("error", "chatops ack: could not queue command", {
      ...form.logFields,
      outcome: "error",
      error: errorText(err),
    });
    return ephemeral(
      `Sorry, \`${describeCommand(command)}\` could not be handed to the worker; nothing was run. ` +
        `Please try again (request id ${args.eventId ?? "unknown"}).`,
    );
  }
  return ephemeral(`Working on \`${describeCommand(command)}\`…`);
}
