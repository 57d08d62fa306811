// What every step of one group's remediation shares: the group it acts on, the fields its log lines
// carry, and one way to make an AWS call (retried on transient errors, each retry logged).
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { StepTarget } from "./errors";
import { RetryOptions, withRetry } from "./retry";

export interface StepContext {
  target: StepTarget;
  /** eventId, requestId, accountId, region, groupId: on every log line about this group. */
  logFields: Record<string, unknown>;
  retry: RetryOptions;
  requestTimeoutMs: number;
  /**
   * Runs one AWS call with the retry policy. With `step`, each retry is logged ("retrying <step>
   * after transient error") so a slow run is explained in CloudWatch.
   */
  call<T>(step: string | undefined, fn: () => Promise<T>): Promise<T>;
}

export function stepContext(
  target: StepTarget,
  base: { eventId?: string; requestId?: string; retry: RetryOptions; requestTimeoutMs: number },
): StepContext {
  const logFields = { eventId: base.eventId, requestId: base.requestId, ...target };
  return {
    target,
    logFields,
    retry: base.retry,
    requestTimeoutMs: base.requestTimeoutMs,
    call: (step, fn) =>
      withRetry(
        fn,
        base.retry,
        step === undefined
          ? undefined
          : (err, attempt, delayMs) =>
              log("warn", `retrying ${step} after transient error`, {
                ...logFields,
                attempt,
                delayMs,
                error: errorText(err),
              }),
      ),
  };
}
