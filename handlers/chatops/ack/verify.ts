// Step 1, verify: nothing else looks at the request before its signature is checked against the
// signing secret (decrypted once per container).
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { SecretCache } from "../../shared/secrets";
import { plainText, Step, UNAUTHORIZED } from "./reply";
import { SlackRequest } from "./request";
import { verifySlackSignature } from "./signature";

export async function verifyRequest(
  req: SlackRequest,
  secret: SecretCache,
  nowMs: number,
  toleranceSeconds: number,
): Promise<Step<void>> {
  let signingSecret: string;
  try {
    signingSecret = await secret.get();
  } catch (err) {
    log("error", "chatops ack: signing secret unavailable", { eventId: req.eventId, error: errorText(err) });
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
