// Posts one message to a Slack incoming webhook with retries. Retried: 5xx, 429 (waiting exactly
// the Retry-After Slack sends: https://docs.slack.dev/apis/web-api/rate-limits), timeouts and
// connection errors. Not retried: other 4xx (invalid_payload, no_service, channel_not_found...,
// https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling-errors), which
// a retry cannot fix. The final failure throws so the caller can fail the invocation.
import axios from "axios";
import { DeliverySettings } from "./settings";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import { namedError } from "../shared/namedError";
import type { SlackMessage } from "./slack";

export interface DeliveryOptions extends Required<DeliverySettings> {
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Milliseconds left before the Lambda times out, when known. */
  remainingMs?: () => number | undefined;
}

// Named plain Errors, not subclasses: see handlers/shared/namedError.ts.
export type DeliveryError = Error & { attempts: number; status?: number };

export function deliveryError(message: string, attempts: number, status?: number): DeliveryError {
  return namedError("DeliveryError", message, status === undefined ? { attempts } : { attempts, status });
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof Error && err.name === "DeliveryError";
}

/** Time we keep back after the last attempt so the failure is logged before Lambda stops us. */
const SAFETY_MS = 1000;
const MAX_BACKOFF_MS = 20_000;
/**
 * 429s answered with an acceptable Retry-After do not use up `maxAttempts`, up to this many: under
 * a burst (several invocations sharing one webhook) Slack legitimately answers 429 several times
 * in a row, and giving up would send the records back to the queue for a whole visibility timeout.
 * The Lambda's remaining time still bounds the waits.
 */
const MAX_RATE_LIMIT_WAITS = 20;

/** Retry-After in seconds (integer or HTTP date), or undefined when absent/unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

function describeBody(data: unknown): string {
  const text = typeof data === "string" ? data : "";
  return text ? `: ${text.slice(0, 200)}` : "";
}

/** Network-level failures worth retrying (no HTTP response arrived). */
function isTransient(err: unknown): boolean {
  if (!axios.isAxiosError(err)) return false;
  return !["ERR_INVALID_URL", "ERR_BAD_OPTION", "ERR_BAD_OPTION_VALUE"].includes(err.code ?? "");
}

/** What went wrong with one HTTP attempt, in words: timeouts named as such, else the network code. */
function describeSlackPostError(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === "ECONNABORTED" || err.code === "ETIMEDOUT" || err.code === "ERR_CANCELED")
      return `timed out (${err.message})`;
    return `${err.code ?? "network error"}: ${err.message}`;
  }
  return errorText(err);
}

export async function postMessage(
  url: string,
  msg: SlackMessage,
  opts: DeliveryOptions,
  logFields: Record<string, unknown>,
): Promise<{ attempts: number; status: number }> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  let last = "";
  let lastStatus: number | undefined;
  let rateLimitWaits = 0;
  let attempt = 0;
  while (attempt < opts.maxAttempts + rateLimitWaits) {
    attempt++;
    let delayMs: number;
    try {
      const res = await axios.post(url, msg, {
        timeout: opts.timeoutMs,
        // The socket timeout above does not cover a server that trickles bytes; this caps the whole request.
        signal: AbortSignal.timeout(opts.timeoutMs + 100),
        headers: { "Content-Type": "application/json" },
        validateStatus: () => true,
        maxRedirects: 0,
        responseType: "text",
      });
      if (res.status >= 200 && res.status < 300) return { attempts: attempt, status: res.status };
      lastStatus = res.status;
      last = `Slack answered ${res.status}${describeBody(res.data)}`;
      if (res.status === 429) {
        const retryAfter = parseRetryAfter(res.headers["retry-after"]);
        if (retryAfter !== undefined && retryAfter > opts.maxRetryAfterSeconds) {
          throw deliveryError(
            `${last}; Retry-After ${retryAfter} s exceeds maxRetryAfterSeconds ${opts.maxRetryAfterSeconds}, giving up so Lambda retries later`,
            attempt,
            429,
          );
        }
        delayMs = retryAfter !== undefined ? retryAfter * 1000 : backoff(attempt, opts.baseDelayMs, random);
        if (retryAfter !== undefined && rateLimitWaits < MAX_RATE_LIMIT_WAITS) rateLimitWaits++;
      } else if (res.status >= 500) {
        delayMs = backoff(attempt, opts.baseDelayMs, random);
      } else {
        throw deliveryError(
          `${last} (not retried: a ${res.status} will not change on retry)`,
          attempt,
          res.status,
        );
      }
    } catch (err) {
      if (isDeliveryError(err)) throw err;
      if (!isTransient(err))
        throw deliveryError(`could not post to Slack: ${describeSlackPostError(err)}`, attempt);
      last = describeSlackPostError(err);
      lastStatus = undefined;
      delayMs = backoff(attempt, opts.baseDelayMs, random);
    }
    if (attempt >= opts.maxAttempts + rateLimitWaits) break;
    const remaining = opts.remainingMs?.();
    if (remaining !== undefined && delayMs + opts.timeoutMs + SAFETY_MS > remaining) {
      throw deliveryError(
        `${last}; not enough Lambda time left (${remaining} ms) for another attempt`,
        attempt,
        lastStatus,
      );
    }
    log("warn", "Slack post failed, retrying", {
      ...logFields,
      attempt,
      error: last,
      retryInMs: Math.round(delayMs),
    });
    await sleep(delayMs);
  }
  throw deliveryError(`gave up after ${attempt} attempt(s): ${last}`, attempt, lastStatus);
}

/** Exponential backoff with jitter in [50%, 100%] of base * 2^(attempt-1), capped. */
export function backoff(attempt: number, baseDelayMs: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
