// Step 1, verify: nothing else looks at the request before its signature is checked against the
// signing secret (decrypted once per container, under the request's deadline).
import { Deadline, isDeadlineExceeded } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { SecretCache } from "../../shared/secrets";
import { AckResponse, ephemeral, plainText, Step, UNAUTHORIZED } from "./reply";
import { SlackRequest } from "./request";
import { verifySlackSignature } from "./signature";

/** A failed check says when it failed for want of time (the request may well be Slack's). */
export type Verified = Step<void> | { ok: false; answer: AckResponse; timedOut: string };

export async function verifyRequest(
  req: SlackRequest,
  secret: SecretCache,
  nowMs: number,
  toleranceSeconds: number,
  deadline: Deadline,
): Promise<Verified> {
  let signingSecret: string;
  try {
    signingSecret = await secret.get(deadline);
  } catch (err) {
    log("error", "chatops ack: signing secret unavailable", {
      eventId: req.eventId,
      outcome: "not-run",
      error: errorText(err),
    });
    // A slow key service is worth telling the user (Slack would otherwise show a timeout); a
    // secret that cannot be decrypted at all is a deployment fault: a bare 500.
    if (isDeadlineExceeded(err)) {
      return {
        ok: false,
        timedOut: (err as Error).message,
        answer: ephemeral(
          `Sorry, your command could not be checked in time (${(err as Error).message}); nothing was run. ` +
            `Please try again (request id ${req.eventId ?? "unknown"}).`,
        ),
      };
    }
    return { ok: false, answer: plainText(500) };
  }
  const check = verifySlackSignature({
    secret: signingSecret,
    timestamp: req.timestamp,
    signature: req.signature,
    rawBody: req.rawBody,
    nowSeconds: Math.floor(nowMs / 1000),
    toleranceSeconds,
  });
  if (!check.ok) {
    log("warn", "chatops ack: request rejected", { eventId: req.eventId, reason: check.reason });
    return { ok: false, answer: UNAUTHORIZED };
  }
  return { ok: true, value: undefined };
}
