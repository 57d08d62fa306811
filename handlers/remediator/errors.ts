// A failed remediation step. Thrown out of the handler so Lambda's async retries and the DLQ keep
// the event; the message names the account, region, group and step so the DLQ entry is actionable.
import { isNamed, namedError } from "../shared/namedError";

export type RemediationStep = "assume-role" | "describe-group" | "revoke" | "verify" | "report";

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
  const code =
    (inner as { Code?: string } | undefined)?.Code ?? (inner as { name?: string } | undefined)?.name;
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

/** Message text of an AWS SDK error (or anything thrown). */
export function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e && typeof e === "object" && e.message !== undefined) return `${e.name ?? "Error"}: ${e.message}`;
  return String(err);
}

/** EC2/STS error code of an SDK error. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { Code?: string; name?: string } | undefined;
  return e?.Code ?? e?.name;
}

/** Several records of one event failed; each is listed so none is lost in the DLQ message. */
export function batchError(errors: unknown[]): Error & { errors: unknown[] } {
  return namedError(
    "BatchError",
    `${errors.length} records failed: ${errors.map(describeError).join(" | ")}`,
    { errors },
  );
}
