// A failed remediation step. Thrown out of the handler so Lambda's async retries and the DLQ keep
// the event; the message names the account, region, group and step so the DLQ entry is actionable.
import { RetriesExhausted } from "./retry";

export type RemediationStep = "assume-role" | "describe-group" | "revoke" | "verify" | "report";

export interface StepTarget {
  accountId: string;
  region: string;
  groupId: string;
}

export class RemediationError extends Error {
  readonly step: RemediationStep;
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  /** AWS error code of the underlying failure (e.g. AccessDenied, RequestLimitExceeded), if any. */
  readonly code?: string;
  readonly cause?: unknown;

  constructor(step: RemediationStep, target: StepTarget, detail: string, cause?: unknown) {
    super(
      `security group ${target.groupId} in account ${target.accountId} region ${target.region}: ${step} failed: ${detail}`,
    );
    this.name = "RemediationError";
    this.step = step;
    this.accountId = target.accountId;
    this.region = target.region;
    this.groupId = target.groupId;
    this.cause = cause;
    const inner = cause instanceof RetriesExhausted ? cause.lastError : cause;
    const code =
      (inner as { name?: string; Code?: string } | undefined)?.Code ??
      (inner as { name?: string } | undefined)?.name;
    if (code) this.code = code;
  }
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
export class BatchError extends Error {
  readonly errors: unknown[];
  constructor(errors: unknown[]) {
    super(`${errors.length} records failed: ${errors.map(describeError).join(" | ")}`);
    this.name = "BatchError";
    this.errors = errors;
  }
}
