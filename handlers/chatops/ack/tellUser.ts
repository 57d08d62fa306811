// A click's only visible answer is a post to its response_url: Slack ignores the body of the 200
// it gets for block_actions (https://api.slack.com/interactivity/handling#acknowledgment_response).
// These posts run under the time the ack keeps back from its AWS calls, so a hung DynamoDB, SNS
// or KMS still ends in a message the user sees.
import { Deadline } from "../../shared/deadline";
import { EXEMPT_REASON_BLOCK } from "../../shared/alertActions";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { responseUrlProblem } from "../shared/command";
import { AckResponse, dialogError, plainText } from "./reply";
import { SlackRequest } from "./request";

/** Posts an ephemeral note to `url` (the alert stays as it was); logs when that fails. */
export async function tellUser(
  url: string,
  text: string,
  deadline: Deadline,
  fields: Record<string, unknown>,
): Promise<boolean> {
  try {
    await deadline.run("Slack response_url", async (signal) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text }),
        signal,
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    });
    return true;
  } catch (err) {
    log("error", "chatops ack: could not tell the user the click was not run", {
      ...fields,
      error: errorText(err),
    });
    return false;
  }
}

/**
 * The answer to an interaction whose signature could not be checked in time (the signing secret's
 * KMS Decrypt hung). Nothing runs; the user is told through the payload's response_url, which must
 * pass the same Slack-host check as any reply. The request is unverified, so only this fixed text
 * is ever posted, and only to a Slack response_url: at worst a forger gets that note shown.
 */
export async function answerUncheckedInteraction(
  req: SlackRequest,
  why: string,
  deadline: Deadline,
  localRun: boolean,
): Promise<AckResponse> {
  let payload: Record<string, unknown> = {};
  try {
    const raw = new URLSearchParams(req.rawBody.toString("utf8")).get("payload");
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      payload = parsed as Record<string, unknown>;
  } catch {
    // Not a readable payload: there is nobody to tell.
  }
  const requestId = req.eventId ?? "unknown";
  const text =
    `Sorry, your click could not be checked as coming from Slack in time (${why}); nothing was run. ` +
    `Please try again (request id ${requestId}).`;
  // The Exempt dialog shows the answer itself, under its reason field.
  if (payload.type === "view_submission") return dialogError(EXEMPT_REASON_BLOCK, text);
  const url = typeof payload.response_url === "string" ? payload.response_url : "";
  const problem = url ? responseUrlProblem(url, localRun) : "no response_url";
  if (problem) {
    log("error", "chatops ack: unchecked interaction has no usable response_url", {
      eventId: req.eventId,
      problem,
    });
    return plainText(200);
  }
  await tellUser(url, text, deadline, { eventId: req.eventId, outcome: "not-run" });
  return plainText(200);
}
