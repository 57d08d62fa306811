// Slack request signing, version v0: the signature is "v0=" + hex HMAC-SHA256 of
// "v0:<X-Slack-Request-Timestamp>:<raw request body>" keyed with the app's signing secret,
// sent in X-Slack-Signature. Requests whose timestamp is more than five minutes from now are
// rejected, so a captured request cannot be replayed later
// (https://api.slack.com/authentication/verifying-requests-from-slack).
import { createHmac, timingSafeEqual } from "node:crypto";

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing-headers" | "bad-timestamp" | "stale" | "future" | "bad-signature" };

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

/**
 * Verifies a request's v0 signature. `nowSeconds` is the current Unix time; the timestamp must be
 * within `toleranceSeconds` of it in either direction. The comparison is constant-time.
 */
export function verifySlackSignature(args: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { secret, timestamp, signature, rawBody, nowSeconds } = args;
  const tolerance = args.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!timestamp || !signature) return { ok: false, reason: "missing-headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad-timestamp" };
  const age = nowSeconds - Number(timestamp);
  if (age > tolerance) return { ok: false, reason: "stale" };
  if (age < -tolerance) return { ok: false, reason: "future" };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  // timingSafeEqual needs equal lengths; the length of a valid signature is public (fixed).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  return { ok: true };
}
