// What a command implementation gets, and what it returns.
import { RunCall } from "../../shared/deadline";
import { TempCredentials } from "./aws";
import { Responder } from "./responder";

export type Outcome =
  | "ok"
  /** The user may not do this (unknown user, account not allowed, read-only user starting). */
  | "denied"
  /** The command, account or region is not valid. */
  | "invalid"
  | "not-found"
  /** The instance state does not allow the action, or it is already in the wanted state. */
  | "not-applicable"
  /** start/stop did not reach the final state within stateWait. */
  | "timeout"
  /** An AWS call did not answer within its deadline; the reply names it. */
  | "unanswered"
  | "aws-error";

export interface CommandResult {
  outcome: Outcome;
  /** The final reply (posted with the reserved last post). */
  text: string;
}

export interface CommandContext {
  credentials: TempCredentials;
  /** Runs one AWS call under the command's deadline; DeadlineExceeded names the call that did not answer. */
  call: RunCall;
  account: string;
  /** "prod (222222222222)". */
  accountLabel: string;
  region: string;
  /** The Regions chat-ops enables: a command reads nothing elsewhere (s3 usage checks the bucket's). */
  regions: readonly string[];
  responder: Responder;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  stateWait: { timeoutMs: number; pollMs: number };
  /** SNS message id: start/stop remember per message what they already did (retries). */
  messageId: string;
  actions: ActionLedger;
  /** DescribeInstances page size (tests use small pages; default: the API's own). */
  ec2PageSize?: number;
}

/** start/stop calls made in this container, by SNS message id, so a retried message does not repeat them. */
export interface ActionLedger {
  done: Map<string, { action: "start" | "stop"; instanceId: string; at: number }>;
}
