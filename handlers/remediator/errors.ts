// A failed remediation step. Thrown out of the handler so Lambda's async retries and the DLQ keep
// the event; the message names the account, region, group and step so the DLQ entry is actionable.
import { errorCode, errorText } from "../shared/errors";
import { isNamed, namedError } from "../shared/namedError";

export type RemediationStep =
  | "assume-role"
  | "read-scope"
  | "describe-group"
  | "read-prefix-list"
  | "authorize"
  | "revoke"
  | "record"
  | "verify"
  | "report"
  | "exemption-check";

export interface StepTarget {
  accountId: string;
  region: string;
  groupId: string;
}

export interface RemediationError extends Error {
  name: "RemediationError";
  step: RemediationStep;
  accountId: string;
  region: string;
  groupId: string;
  /** AWS error code of the underlying failure (e.g. AccessDenied, RequestLimitExceeded), if any. */
  code?: string;
  cause?: unknown;
}

export function remediationError(
  step: RemediationStep,
  target: StepTarget,
  detail: string,
  cause?: unknown,
): RemediationError {
  const inner = isNamed(cause, "RetriesExhausted") ? (cause as { lastError?: unknown }).lastError : cause;
  const code = errorCode(inner);
  return namedError(
    "RemediationError",
    `security group ${target.groupId} in account ${target.accountId} region ${target.region}: ${step} failed: ${detail}`,
    {
      step,
      accountId: target.accountId,
      region: target.region,
      groupId: target.groupId,
      ...(code ? { code } : {}),
      ...(cause !== undefined ? { cause } : {}),
    },
  ) as RemediationError;
}

export function isRemediationError(err: unknown): err is RemediationError {
  return isNamed(err, "RemediationError");
}

/** Several records of one event failed; each is listed so none is lost in the DLQ message. */
export function batchError(errors: unknown[]): Error & { errors: unknown[] } {
  return namedError("BatchError", `${errors.length} records failed: ${errors.map(errorText).join(" | ")}`, {
    errors,
  });
}
