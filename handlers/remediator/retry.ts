// Retries AWS calls that failed for a transient reason (throttling, 5xx, network), with capped
// exponential backoff and full jitter
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). The SDK clients run
// with maxAttempts 1 so this is the only retry layer and tests can make the delays tiny.

import { namedError } from "../shared/namedError";

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injectable for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * SDK v3 client settings: no SDK-level retries (withRetry is the only layer), and a request that
 * hangs fails with TimeoutError (retried) instead of running into the Lambda timeout. A plain
 * object, so it serializes with the closure (the SDK builds its NodeHttpHandler from it).
 */
export function clientConfig(requestTimeoutMs: number) {
  return {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: Math.min(3_000, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** Error codes AWS uses for throttling and transient faults across EC2, STS and EventBridge. */
export function isRetryable(err: unknown): boolean {
  const e = err as {
    name?: string;
    Code?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (!e || typeof e !== "object") return false;
  if (e.$retryable) return true;
  const code = e.Code ?? e.name ?? e.code ?? "";
  const transient = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "EC2ThrottledException",
    "BandwidthLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Unavailable",
    "RequestTimeout",
    "RequestTimeoutException",
    "TimeoutError",
    "ECONNRESET",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
  ];
  if (transient.includes(code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || (typeof status === "number" && status >= 500);
}

export interface RetriesExhausted extends Error {
  attempts: number;
  lastError: unknown;
}

export function retriesExhausted(attempts: number, lastError: unknown): RetriesExhausted {
  const e = lastError as { name?: string; message?: string };
  return namedError(
    "RetriesExhausted",
    `${e?.name ?? "Error"}: ${e?.message ?? String(lastError)} (still failing after ${attempts} attempts)`,
    { attempts, lastError },
  );
}

/**
 * Runs fn until it succeeds, fails with a non-retryable error (rethrown as is), or runs out of
 * attempts (RetriesExhausted wrapping the last error).
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: RetryOptions,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= opts.maxAttempts) throw retriesExhausted(attempt, err);
      const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.floor(random() * cap);
      onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
