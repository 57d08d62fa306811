// Queue a verified click for the worker: refuse a replay (the same signed request again), open the
// Exempt dialog when that is what the click asks for (openModal.ts), otherwise publish to the
// command topic. Slack wants only a 200 for a click; when nothing could be queued the user is told
// through response_url (an ephemeral note: the alert itself stays as it was). The dialog's
// submission is queued the same way; its failures are shown in the dialog, which stays open.
import { PublishCommand } from "@aws-sdk/client-sns";
import { ENV } from "../../shared/constants";
import { Deadline, isDeadlineExceeded } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { SeenStore } from "../../shared/seenStore";
import { ClickForm } from "./interaction";
import { snsFor, SnsClients } from "./queue";
import { ModalOpener, openExemptModal } from "./openModal";
import { AckResponse, dialogError, plainText } from "./reply";
import { tellUser } from "./tellUser";
import { EXEMPT_REASON_BLOCK } from "../../shared/alertActions";
import { SlackRequest } from "./request";

/** The replay key of a verified interaction request: its timestamp and signature. */
export function clickKey(req: SlackRequest): string {
  return `slack-interaction:${req.timestamp}:${req.signature}`;
}

const ACTION_LABEL = { revert: "Revert", exempt: "Exempt", mute: "Mute", acknowledge: "Acknowledge" };

export async function queueClick(args: {
  req: SlackRequest;
  click: ClickForm;
  topicArn: string | undefined;
  clients: SnsClients;
  defaultRegion: string | undefined;
  seen: SeenStore | undefined;
  replayWindowSeconds: number;
  /** Bounds the AWS calls. */
  deadline: Deadline;
  /** Bounds the note to the user when they fail (default: `deadline`); it ends later. */
  tellDeadline?: Deadline;
  /** Opens Exempt's reason dialog (absent: Exempt is queued with the default reason). */
  modal?: ModalOpener;
  /** A submission of the Exempt dialog, not a click. */
  submission?: boolean;
}): Promise<AckResponse> {
  const { click, topicArn, deadline } = args;
  const fields = click.logFields;
  const label = ACTION_LABEL[click.message.action];
  const requestId = args.req.eventId ?? "unknown";
  try {
    if (!args.seen) throw new Error(`${ENV.replayTableName} is not set`);
    if (!topicArn) throw new Error(`${ENV.commandTopicArn} is not set`);
    const first = await args.seen.recordOnce(
      clickKey(args.req),
      deadline.run,
      Math.max(1, args.replayWindowSeconds),
    );
    if (!first) {
      // The first copy was handled and answered; a repeat changes nothing and says nothing more.
      log("warn", "chatops ack: replayed interaction refused", { ...fields, outcome: "replay" });
      return plainText(200);
    }
    if (click.message.action === "exempt" && args.modal && !args.submission) {
      const dialog = await openExemptModal(args.modal, click, deadline);
      // The dialog's submission is what gets queued.
      if (dialog.kind === "opened") return plainText(200);
      if (dialog.kind === "skipped") click.message.modalSkipped = dialog.why;
    }
    const out = await deadline.run("SNS Publish", (abortSignal) =>
      snsFor(args.clients, topicArn, args.defaultRegion).send(
        new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(click.message) }),
        { abortSignal },
      ),
    );
    log("info", "chatops ack: alert action queued", {
      ...fields,
      outcome: "queued",
      messageId: out.MessageId,
      ...(click.message.modalSkipped ? { dialog: click.message.modalSkipped } : {}),
    });
    // An empty 200 closes the dialog of a submission (https://api.slack.com/surfaces/modals#close_current_view).
    return plainText(200);
  } catch (err) {
    // A publish that did not answer in time may still have reached SNS: do not claim nothing ran.
    const unsure = isDeadlineExceeded(err) && (err as Error).message.includes("SNS Publish");
    log("error", "chatops ack: alert action not queued", {
      ...fields,
      outcome: unsure ? "unconfirmed" : "not-run",
      error: errorText(err),
    });
    if (args.submission)
      return dialogError(
        EXEMPT_REASON_BLOCK,
        unsure
          ? `Exempt could not be confirmed as handed to the worker in time; if it got through, the alert ` +
              `will show the outcome in a moment (request id ${requestId}).`
          : `Exempt could not be handed to the worker (${errorText(err)}); nothing was changed. ` +
              `Please try again (request id ${requestId}).`,
      );
    await tellUser(
      click.message.responseUrl,
      unsure
        ? `Sorry, ${label} could not be confirmed as handed to the worker in time (${(err as Error).message}). ` +
            `If it got through, the alert will show the outcome in a moment (request id ${requestId}).`
        : `Sorry, ${label} could not be handed to the worker (${errorText(err)}); nothing was changed. ` +
            `Please try again (request id ${requestId}).`,
      args.tellDeadline ?? deadline,
      fields,
    );
    return plainText(200);
  }
}
