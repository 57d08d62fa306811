// What every step of one group's remediation shares: the group it acts on, the fields its log lines
// carry, and one way to make an AWS call: under the invocation's deadline (an abort signal, so a
// hung endpoint cannot hold the function until Lambda kills it), retried on transient errors, each
// retry logged.
import type { Deadline } from "../shared/deadline";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { StepTarget } from "./errors";
import { RetryOptions, withRetry } from "./retry";

export interface StepContext {
  target: StepTarget;
  /** eventId, requestId, accountId, region, groupId: on every log line about this group. */
  logFields: Record<string, unknown>;
  requestTimeoutMs: number;
  /**
   * Runs one AWS call (`what`, e.g. "ec2:DescribeSecurityGroups") with the retry policy and the
   * deadline. With `step`, each retry is logged ("retrying <step> after transient error").
   */
  call<T>(
    step: string | undefined,
    what: string,
    fn: (abortSignal: AbortSignal) => Promise<T>,
    capMs?: number,
  ): Promise<T>;
  /** Time left for this group's steps. */
  remainingMs(): number;
}

/** A call's own cap: the SDK's request timeout fires first; this catches what it does not cover. */
const CALL_MARGIN_MS = 2_000;

export function callWith(
  deadline: Deadline,
  retry: RetryOptions,
  requestTimeoutMs: number,
  logFields: Record<string, unknown>,
): StepContext["call"] {
  // Backoff never sleeps past the deadline: the next attempt then fails at once, naming the call.
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const bounded = { ...retry, sleep: (ms: number) => sleep(Math.min(ms, deadline.remainingMs())) };
  return (step, what, fn, capMs) =>
    withRetry(
      () => deadline.run(what, fn, Math.min(capMs ?? Infinity, requestTimeoutMs + CALL_MARGIN_MS)),
      bounded,
      step === undefined
        ? undefined
        : (err, attempt, delayMs) =>
            log("warn", `retrying ${step} after transient error`, {
              ...logFields,
              attempt,
              delayMs,
              error: errorText(err),
            }),
    );
}

export function stepContext(
  target: StepTarget,
  base: {
    eventId?: string;
    requestId?: string;
    retry: RetryOptions;
    requestTimeoutMs: number;
    deadline: Deadline;
  },
): StepContext {
  const logFields = { eventId: base.eventId, requestId: base.requestId, ...target };
  return {
    target,
    logFields,
    requestTimeoutMs: base.requestTimeoutMs,
    remainingMs: () => base.deadline.remainingMs(),
    call: callWith(base.deadline, base.retry, base.requestTimeoutMs, logFields),
  };
}
