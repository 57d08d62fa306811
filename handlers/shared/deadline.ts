// Deadlines for every AWS call a handler makes. The SDK's `requestTimeout` only logs a warning
// unless `throwOnRequestTimeout` is set, and it does not cover credential resolution (an STS
// AssumeRole inside a provider), so a hung dependency would hold the function until Lambda kills it
// and the user or the alert learns nothing. Instead each call gets an AbortSignal (passed to
// `client.send(cmd, { abortSignal })`) and is raced against a timer, so the handler always regains
// control with time left to report (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html:
// getRemainingTimeInMillis).
import { namedError, isNamed } from "./namedError";

/** What a handler needs of the Lambda context to budget its calls. */
export interface LambdaClock {
  getRemainingTimeInMillis?: () => number;
}

export interface Deadline {
  /** Milliseconds left before the handler must have finished its own work (reserve excluded). */
  remainingMs(): number;
  /**
   * Runs one call with the smaller of `capMs` and the time left; the signal aborts the SDK request
   * and the returned promise rejects with a DeadlineExceeded error naming `what` when time runs out.
   */
  run<T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>, capMs?: number): Promise<T>;
}

/**
 * A deadline `reserveMs` before the Lambda's own timeout (time kept to log and report), or
 * `fallbackMs` from now when there is no Lambda context (local runs, tests).
 */
export function deadlineFrom(
  clock: LambdaClock | undefined,
  reserveMs: number,
  fallbackMs: number,
): Deadline {
  const start = Date.now();
  const budget =
    typeof clock?.getRemainingTimeInMillis === "function"
      ? clock.getRemainingTimeInMillis() - reserveMs
      : fallbackMs;
  const endsAt = start + Math.max(0, budget);
  const remainingMs = (): number => Math.max(0, endsAt - Date.now());
  return {
    remainingMs,
    run: (what, call, capMs) => withTimeout(what, Math.min(remainingMs(), capMs ?? Infinity), call),
  };
}

/** Runs `call` with an abort signal that fires after `ms`; rejects with DeadlineExceeded then. */
export function withTimeout<T>(
  what: string,
  ms: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        const err = deadlineExceeded(what, ms);
        controller.abort(err);
        reject(err);
      },
      Math.max(0, ms),
    );
  });
  let started: Promise<T>;
  try {
    started = call(controller.signal);
  } catch (err) {
    clearTimeout(timer);
    return Promise.reject(err);
  }
  // A call that rejects after the timer won must not become an unhandled rejection.
  started.catch(() => undefined);
  return Promise.race([started, expired]).finally(() => clearTimeout(timer));
}

export function deadlineExceeded(what: string, ms: number): Error & { what: string; ms: number } {
  return namedError("DeadlineExceeded", `${what} did not answer within ${Math.round(ms)} ms`, { what, ms });
}

export function isDeadlineExceeded(err: unknown): boolean {
  return isNamed(err, "DeadlineExceeded");
}

/** Runs one AWS call under a deadline: a Deadline's `run`, or `withTimeout` bound to a budget. */
export type RunCall = <T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The part of `parent` that ends `reserveMs` earlier: calls run under it give up in time for the
 * handler to still tell the user (e.g. one post to a click's response_url) under `parent`.
 */
export function withReserve(parent: Deadline, reserveMs: number): Deadline {
  const remainingMs = (): number => Math.max(0, parent.remainingMs() - reserveMs);
  return {
    remainingMs,
    run: (what, call, capMs) => withTimeout(what, Math.min(remainingMs(), capMs ?? Infinity), call),
  };
}
