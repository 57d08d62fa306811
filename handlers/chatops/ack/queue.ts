// Step 4, queue: refuses a request already received (Slack signs each request once: the same
// signature and timestamp again is a replay, https://api.slack.com/authentication/verifying-requests-from-slack),
// then hands the command to the worker through the SNS topic. The answer says whether it is on its
// way, or that nothing was run, or (when SNS did not answer in time) that it may not have been.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ENV } from "../../shared/constants";
import { Deadline, isDeadlineExceeded } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { SeenStore } from "../../shared/seenStore";
import { ChatCommand, describeCommand, SlashCommandMessage } from "../shared/command";
import { AckResponse, ephemeral } from "./reply";
import { CommandForm } from "./parse";
import { SlackRequest } from "./request";

/** One SNS client per container, for the topic's region. */
export interface SnsClients {
  sns?: SNSClient;
  region?: string;
}

function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[2] === "sns" ? parts[3] : undefined;
}

export function snsFor(clients: SnsClients, topicArn: string, defaultRegion: string | undefined): SNSClient {
  const region = regionOfArn(topicArn) ?? defaultRegion;
  if (!clients.sns || clients.region !== region) {
    // Bounded by the request's deadline (abort signal), not by the SDK's requestTimeout, which
    // only warns unless throwOnRequestTimeout is set.
    clients.sns = new SNSClient({ region, maxAttempts: 2 });
    clients.region = region;
  }
  return clients.sns;
}

export function commandMessage(form: CommandForm, nowMs: number): SlashCommandMessage {
  return {
    version: 1,
    receivedAt: new Date(nowMs).toISOString(),
    userId: form.userId,
    ...(form.userName ? { userName: form.userName } : {}),
    teamId: form.teamId,
    channelId: form.channelId,
    command: form.command,
    text: form.text,
    responseUrl: form.responseUrl,
  };
}

/** The replay key of a verified request: its timestamp and signature. */
export function requestKey(req: SlackRequest): string {
  return `slack-command:${req.timestamp}:${req.signature}`;
}

export async function queueCommand(args: {
  req: SlackRequest;
  form: CommandForm;
  command: ChatCommand;
  message: SlashCommandMessage;
  topicArn: string | undefined;
  clients: SnsClients;
  defaultRegion: string | undefined;
  seen: SeenStore | undefined;
  /** Seconds until the request's timestamp leaves the accepted window (a replay after that is stale). */
  replayWindowSeconds: number;
  deadline: Deadline;
}): Promise<AckResponse> {
  const { form, command, topicArn, deadline } = args;
  const described = describeCommand(command);
  const requestId = args.req.eventId ?? "unknown";
  const notRun = (err: unknown, why: string): AckResponse => {
    log("error", "chatops ack: command not queued", {
      ...form.logFields,
      outcome: "not-run",
      error: errorText(err),
    });
    return ephemeral(
      `Sorry, \`${described}\` was not run: ${why}. Please try again (request id ${requestId}).`,
    );
  };

  try {
    if (!args.seen) throw new Error(`${ENV.replayTableName} is not set`);
    if (!topicArn) throw new Error(`${ENV.commandTopicArn} is not set`);
    const first = await args.seen.recordOnce(
      requestKey(args.req),
      deadline.run,
      Math.max(1, args.replayWindowSeconds),
    );
    if (!first) {
      log("warn", "chatops ack: replayed request refused", { ...form.logFields, outcome: "replay" });
      return ephemeral(
        `\`${described}\` was already received; this repeat of the same request was not run again.`,
      );
    }
  } catch (err) {
    return notRun(
      err,
      isDeadlineExceeded(err)
        ? `the check for repeated requests did not answer in time (${(err as Error).message})`
        : "it could not be handed to the worker",
    );
  }

  try {
    const out = await deadline.run("SNS Publish", (abortSignal) =>
      snsFor(args.clients, topicArn, args.defaultRegion).send(
        new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(args.message) }),
        { abortSignal },
      ),
    );
    log("info", "chatops ack: command queued", {
      ...form.logFields,
      outcome: "queued",
      messageId: out.MessageId,
    });
  } catch (err) {
    if (isDeadlineExceeded(err)) {
      // The request may have reached SNS before the answer was lost: do not claim nothing ran.
      log("error", "chatops ack: command hand-off unconfirmed", {
        ...form.logFields,
        outcome: "unconfirmed",
        error: errorText(err),
      });
      return ephemeral(
        `Sorry, \`${described}\` could not be confirmed as handed to the worker in time (${(err as Error).message}). ` +
          `If it got through you will get its reply in a moment; otherwise nothing was run (request id ${requestId}).`,
      );
    }
    log("error", "chatops ack: could not queue command", {
      ...form.logFields,
      outcome: "error",
      error: errorText(err),
    });
    return ephemeral(
      `Sorry, \`${described}\` could not be handed to the worker; nothing was run. ` +
        `Please try again (request id ${requestId}).`,
    );
  }
  return ephemeral(`Working on \`${described}\`…`);
}
