// A minimal Slack Web API client (https://api.slack.com/web) for the calls the hub makes with a bot
// token: chat.postMessage and chat.update. Slack answers failures with HTTP 200 and
// `{ ok: false, error }`, so the HTTP status alone never means success. Retried: HTTP 429 (waiting
// exactly the Retry-After Slack sends: https://api.slack.com/apis/rate-limits), 5xx, timeouts,
// connection errors and the errors Slack documents as transient (internal_error, fatal_error,
// service_unavailable, request_timeout, ratelimited). Any other `ok: false` (invalid_auth,
// channel_not_found, not_in_channel, message_not_found, ...) is final: a retry cannot fix it.
// Uses the runtime's fetch, so the functions that call it need no HTTP library.
import { errorText } from "./errors";
import { log } from "./log";
import { namedError } from "./namedError";

export const SLACK_API_BASE = "https://slack.com/api/";

/** Errors Slack documents as transient for chat.* methods: worth another attempt. */
const RETRYABLE_ERRORS = [
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
];

/** Time kept back after the last attempt so the failure is logged before Lambda stops us. */
const SAFETY_MS = 1000;
const MAX_BACKOFF_MS = 20_000;
/** 429 waits with an acceptable Retry-After that do not use up maxAttempts (bounded by the time left). */
const MAX_RATE_LIMIT_WAITS = 20;

export interface SlackApiOptions {
  /** Base URL of the Web API (default https://slack.com/api/; tests point it at a local stand-in). */
  baseUrl?: string;
  /** Attempts per call, first try included. */
  maxAttempts: number;
  /** First retry delay; doubles each retry, with jitter. */
  baseDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Longest Retry-After waited for; longer gives up so the caller's retry takes over. */
  maxRetryAfterSeconds: number;
  /** Milliseconds left before the Lambda times out, when known. */
  remainingMs?: () => number | undefined;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told each Retry-After Slack sends (ms), before it is waited or given up on (see channelPacer). */
  onRetryAfter?: (ms: number) => void;
}

// Named plain Errors, not subclasses: see handlers/shared/namedError.ts.
export type SlackApiError = Error & { attempts: number; status?: number; slackError?: string };

export function slackApiError(
  message: string,
  fields: { attempts: number; status?: number; slackError?: string },
): SlackApiError {
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return namedError("SlackApiError", message, clean as typeof fields);
}

export function isSlackApiError(err: unknown): err is SlackApiError {
  return err instanceof Error && err.name === "SlackApiError";
}

/** Retry-After in seconds (integer or HTTP date), or undefined when absent/unreadable. */
function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

function backoff(attempt: number, baseDelayMs: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}

/** One attempt's result: the JSON answer, or what went wrong and whether (and when) to retry. */
type Attempt =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; why: string; status?: number; slackError?: string; retry: boolean; retryAfter?: number };

async function attemptCall(
  url: string,
  token: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<Attempt> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", Authorization: `Bearer ${token}` },
      body: JSON.stringify(args),
      redirect: "error",
      // Covers a server that accepts the connection and then trickles or never answers.
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as { name?: string };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    return { ok: false, why: timedOut ? `timed out after ${timeoutMs} ms` : errorText(err), retry: true };
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const slackError = typeof body?.error === "string" ? body.error : undefined;
  if (res.status === 429) {
    return {
      ok: false,
      why: `Slack answered 429${slackError ? ` (${slackError})` : ""}`,
      status: 429,
      slackError: slackError ?? "ratelimited",
      retry: true,
      retryAfter: retryAfterSeconds(res.headers.get("retry-after")),
    };
  }
  if (res.status >= 500)
    return { ok: false, why: `Slack answered ${res.status}`, status: res.status, slackError, retry: true };
  if (res.status < 200 || res.status >= 300 || !body) {
    return {
      ok: false,
      why: `Slack answered ${res.status} ${body ? "" : "with a body that is not a JSON object: "}${body ? "" : text.slice(0, 200)}`.trim(),
      status: res.status,
      slackError,
      retry: false,
    };
  }
  if (body.ok === true) return { ok: true, body };
  const error = slackError ?? "no error given";
  return {
    ok: false,
    why: `Slack answered ok:false, error ${error}`,
    status: res.status,
    slackError: error,
    retry: RETRYABLE_ERRORS.includes(error),
    retryAfter: retryAfterSeconds(res.headers.get("retry-after")),
  };
}

/**
 * Calls a Web API method with a bot token; resolves with Slack's JSON answer (ok: true), or throws
 * a SlackApiError naming the method, Slack's error and the attempts.
 */
export async function callSlackApi(
  method: string,
  token: string,
  args: Record<string, unknown>,
  opts: SlackApiOptions,
  logFields: Record<string, unknown> = {},
): Promise<{ body: Record<string, unknown>; attempts: number }> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  const url = `${opts.baseUrl ?? SLACK_API_BASE}${method}`;
  let rateLimitWaits = 0;
  let attempt = 0;
  let last: Extract<Attempt, { ok: false }> | undefined;
  const fail = (why: string): SlackApiError =>
    slackApiError(`${method}: ${why}`, {
      attempts: attempt,
      status: last?.status,
      slackError: last?.slackError,
    });
  while (attempt < opts.maxAttempts + rateLimitWaits) {
    attempt++;
    const result = await attemptCall(url, token, args, opts.timeoutMs);
    if (result.ok) return { body: result.body, attempts: attempt };
    last = result;
    if (!result.retry) throw fail(`${result.why} (not retried: it will not change on retry)`);
    let delayMs = backoff(attempt, opts.baseDelayMs, random);
    if (result.retryAfter !== undefined) {
      opts.onRetryAfter?.(result.retryAfter * 1000);
      if (result.retryAfter > opts.maxRetryAfterSeconds)
        throw fail(
          `${result.why}; Retry-After ${result.retryAfter} s exceeds ${opts.maxRetryAfterSeconds} s, giving up so the event is retried later`,
        );
      delayMs = result.retryAfter * 1000;
      if (rateLimitWaits < MAX_RATE_LIMIT_WAITS) rateLimitWaits++;
    }
    if (attempt >= opts.maxAttempts + rateLimitWaits) break;
    const remaining = opts.remainingMs?.();
    if (remaining !== undefined && delayMs + opts.timeoutMs + SAFETY_MS > remaining)
      throw fail(`${result.why}; not enough Lambda time left (${remaining} ms) for another attempt`);
    log("warn", "Slack API call failed, retrying", {
      ...logFields,
      method,
      attempt,
      error: result.why,
      retryInMs: Math.round(delayMs),
    });
    await sleep(delayMs);
  }
  throw fail(`gave up after ${attempt} attempt(s): ${last?.why ?? "no answer"}`);
}

/** A channel's post budget: `burst` posts at once, then one more every `intervalMs`. */
export interface PostBudget {
  burst: number;
  intervalMs: number;
}

/**
 * Paces chat.postMessage per channel within a container, as a token bucket: Slack allows about one
 * message per second per channel, short bursts allowed
 * (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"), so a batch's first
 * `burst` posts to a channel go at once and later ones one per `intervalMs`. Slack's 429s remain
 * the authority: callSlackApi waits their Retry-After, and `rateLimited` empties the channel's
 * budget until then so the posts queued behind do not each earn a 429.
 *
 * `now` is a monotonic clock (an interval must not jump with the wall clock); the bench moves it
 * by the simulated time between invocations.
 */
export function channelPacer(budget: PostBudget, now: () => number = () => performance.now()) {
  // Tokens left at `at`; time between `at` and now refills (negative after a 429: a debt).
  const buckets = new Map<string, { tokens: number; at: number }>();
  const tokensAt = (channel: string, t: number): number => {
    const b = buckets.get(channel);
    if (!b) return budget.burst;
    if (budget.intervalMs <= 0) return budget.burst;
    return Math.min(budget.burst, b.tokens + (t - b.at) / budget.intervalMs);
  };
  return {
    /** Takes one post from `channel`'s budget, sleeping first until one is there. */
    async take(channel: string, sleep: (ms: number) => Promise<void>): Promise<void> {
      const t = now();
      const tokens = tokensAt(channel, t);
      if (tokens >= 1) {
        buckets.set(channel, { tokens: tokens - 1, at: t });
        return;
      }
      // Reserved now, so a post queued behind this one waits for the next token, not this one.
      const waitMs = Math.ceil((1 - tokens) * budget.intervalMs);
      buckets.set(channel, { tokens: 0, at: t + waitMs });
      await sleep(waitMs);
    },
    /**
     * Slack answered 429 for `channel` with Retry-After `retryAfterMs`: the call is retried then (by
     * callSlackApi, on the budget it already took), and the channel's next post waits a full
     * interval after that.
     */
    rateLimited(channel: string, retryAfterMs: number): void {
      const until = now() + retryAfterMs;
      // A post already queued past `until` keeps its place.
      buckets.set(channel, { tokens: 0, at: Math.max(until, buckets.get(channel)?.at ?? until) });
    },
  };
}
