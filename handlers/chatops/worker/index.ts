// The slash-command worker: receives the ack's SNS message, decides what the Slack user may do,
// assumes the matching chat-ops role in the target account, runs the command and replies through
// response_url. Every command is logged with user, account, region, command and outcome.
import { Deadline, deadlineFrom, LambdaClock, RunCall } from "../../shared/deadline";
import { log } from "../../shared/log";
import { AlertActionMessage } from "../shared/interaction";
import { acceptMessage, CommandMessage } from "./accept";
import { ActionLedger, Outcome } from "./context";
import {
  createPostLedger,
  createResponder,
  DEFAULT_MAX_POSTS,
  FetchLike,
  PostLedger,
  RESPONSE_URL_LIFETIME_MS,
} from "./responder";
import { runCommand, RunDeps } from "./run";
import { validateWorkerSettings, WorkerSettings } from "./settings";
import { AlertRunDeps, runAlertAction } from "./alerts/run";
import { createThreadReplier } from "./alerts/thread";
import { createAlertRecords } from "../../shared/alertRecords";
import { createIncidentMarker } from "./alerts/incident";
import { createConfirmations, DEFAULT_CONFIRM_MINUTES } from "./alerts/confirm";

export type { WorkerSettings } from "./settings";

export interface WorkerOptions {
  /** Posts to response_url (default: global fetch). */
  fetch?: FetchLike;
  /** Waits between state polls (default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Current time in milliseconds. */
  now?: () => number;
  /** Timeout of one response_url post (default 10 s). */
  postTimeoutMs?: number;
  /** DescribeInstances page size (tests exercise paging with small pages). */
  ec2PageSize?: number;
  env?: NodeJS.ProcessEnv;
  /** Budget of one invocation without a Lambda context (local runs, tests); default 280 s. */
  budgetMs?: number;
  /** Longest wait for one AWS call (default AWS_CALL_CAP_MS). */
  awsCallCapMs?: number;
}

/**
 * One AWS call that has not answered in 20 s is treated as hung: the user hears which one,
 * instead of waiting for the Lambda timeout (EC2, STS, S3 and CloudWatch answer in well under a second).
 */
export const AWS_CALL_CAP_MS = 20_000;

export interface WorkerRecordResult {
  messageId: string;
  command?: string;
  outcome: Outcome | "dry-run" | "pending" | "rejected-message" | "expired";
  delivered: boolean;
}

/** Default bound on start/stop waiting; the worker Lambda's timeout must exceed it. */
export const DEFAULT_STATE_WAIT = { timeoutMs: 180_000, pollMs: 5_000 };

interface SnsRecord {
  Sns?: { MessageId?: string; Message?: string };
}

export function createWorkerHandler(
  settings: WorkerSettings,
  options: WorkerOptions = {},
): (event: unknown, context?: LambdaClock) => Promise<{ results: WorkerRecordResult[] }> {
  validateWorkerSettings(settings);
  const env = options.env ?? process.env;
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => Date.now());
  const maxPosts = settings.maxPostsPerResponseUrl ?? DEFAULT_MAX_POSTS;
  const stateWait = settings.stateWait ?? DEFAULT_STATE_WAIT;
  // Per-container state, held in objects created here (module-level `let` would not survive
  // closure serialization).
  const ledger: PostLedger = createPostLedger();
  const actions: ActionLedger = { done: new Map() };

  const runDeps: RunDeps = {
    settings,
    stsRegion: env.AWS_REGION ?? settings.defaultRegion,
    sleep,
    now,
    stateWait,
    actions,
    ec2PageSize: options.ec2PageSize,
  };

  // Time kept back from the Lambda's timeout for the final reply (one response_url post) and the log.
  const postTimeoutMs = options.postTimeoutMs ?? 10_000;
  const reserveMs = postTimeoutMs + 2_000;
  const capMs = options.awsCallCapMs ?? AWS_CALL_CAP_MS;
  const alertDeps: AlertRunDeps = {
    settings,
    stsRegion: runDeps.stsRegion,
    now,
    fetch: fetchImpl,
    ledger,
    maxPosts,
    postTimeoutMs,
    ...(settings.alertActions?.recordsTable
      ? {
          records: createAlertRecords({
            tableName: settings.alertActions.recordsTable,
            now,
            ...(settings.worldPrefixes ? { worldPrefixes: settings.worldPrefixes } : {}),
          }),
        }
      : {}),
    ...(settings.alertActions?.threadTable
      ? { threads: createThreadReplier(settings.alertActions.threadTable, env) }
      : {}),
    ...(settings.alertActions?.incidents
      ? {
          incidents: createIncidentMarker({
            ...settings.alertActions.incidents,
            // The names the notifier shows (accounts without one are listed under their id).
            accountNames: Object.fromEntries(Object.entries(settings.accounts).filter(([id, n]) => n !== id)),
            // App mode: the alert threads table exists only with Slack channels (a bot token).
            app: !!settings.alertActions.threadTable,
            env,
            now,
          }),
        }
      : {}),
    ...(settings.alertActions?.confirmationsTable
      ? {
          confirmations: createConfirmations({
            tableName: settings.alertActions.confirmationsTable,
            minutes: settings.alertActions.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
            now,
          }),
        }
      : {}),
  };

  /** A click on an alert's button (the ack publishes those to the same topic). */
  const handleClick = async (
    msg: AlertActionMessage,
    messageId: string,
    call: RunCall,
    deadline: Deadline,
  ): Promise<WorkerRecordResult> => {
    const logBase = { eventId: messageId, userId: msg.userId, userName: msg.userName };
    const age = now() - Date.parse(msg.receivedAt);
    if (age > RESPONSE_URL_LIFETIME_MS) {
      // Acting without a way to show the outcome on the alert would act behind the user's back.
      log("error", "chatops worker: alert action expired, not run", {
        ...logBase,
        action: msg.action,
        outcome: "expired",
        ageMs: age,
      });
      return { messageId, command: msg.action, outcome: "expired", delivered: false };
    }
    const r = await runAlertAction(alertDeps, msg, logBase, call, deadline);
    return { messageId, command: msg.action, outcome: r.outcome, delivered: r.delivered };
  };

  const handleCommand = async (
    msg: CommandMessage,
    messageId: string,
    call: RunCall,
  ): Promise<WorkerRecordResult> => {
    const logBase = { eventId: messageId, userId: msg.userId, userName: msg.userName, text: msg.text };
    const age = now() - Date.parse(msg.receivedAt);
    if (age > RESPONSE_URL_LIFETIME_MS) {
      // response_url is dead after 30 minutes: running (above all start/stop) without a way to
      // report would act behind the user's back. Logged, not retried.
      log("error", "chatops worker: command expired, not run", {
        ...logBase,
        outcome: "expired",
        ageMs: age,
      });
      return { messageId, outcome: "expired", delivered: false };
    }
    const responder = createResponder({
      url: msg.responseUrl,
      ledger,
      maxPosts,
      fetch: fetchImpl,
      now,
      timeoutMs: postTimeoutMs,
      logFields: logBase,
    });
    const outcome = await runCommand(runDeps, msg, messageId, responder, logBase, call);
    return {
      messageId,
      command: outcome.command,
      outcome: outcome.outcome,
      delivered: responder.failures.length === 0,
    };
  };

  const handleRecord = async (
    record: SnsRecord,
    index: number,
    call: RunCall,
    deadline: Deadline,
  ): Promise<WorkerRecordResult> => {
    const messageId = record?.Sns?.MessageId ?? `record-${index}`;
    const accepted = acceptMessage(record?.Sns?.Message, { localRun: env.LOCAL_RUN === "1" });
    if (!accepted.ok) {
      // No trustworthy response_url to tell the user: throw, so the message lands in the DLQ.
      log("error", "chatops worker: rejected message", { eventId: messageId, error: accepted.error });
      throw new Error(`message ${messageId}: ${accepted.error}`);
    }
    const msg = accepted.message;
    switch (msg.type) {
      case "alert-action":
        return handleClick(msg, messageId, call, deadline);
      case "command":
        return handleCommand(msg, messageId, call);
    }
  };

  return async (event: unknown, context?: LambdaClock) => {
    const deadline = deadlineFrom(context, reserveMs, options.budgetMs ?? 280_000);
    const call: RunCall = (what, fn) => deadline.run(what, fn, capMs);
    const records = (event as { Records?: unknown })?.Records;
    if (!Array.isArray(records) || records.length === 0) {
      log("error", "chatops worker: not an SNS event", {
        eventId: undefined,
        keys: Object.keys(event ?? {}),
      });
      throw new Error("chatops worker: event has no Records (expected an SNS event)");
    }
    const results: WorkerRecordResult[] = [];
    const errors: string[] = [];
    for (let i = 0; i < records.length; i++) {
      try {
        const r = await handleRecord(records[i] as SnsRecord, i, call, deadline);
        results.push(r);
        if (!r.delivered && r.outcome !== "expired")
          errors.push(`message ${r.messageId}: reply not delivered to response_url`);
      } catch (err) {
        errors.push((err as Error).message ?? String(err));
      }
    }
    // Thrown at the end so Lambda's async retry and the DLQ see failures; start/stop remember
    // what they did (see ec2StartStop), so a retry does not repeat the action.
    if (errors.length) throw new Error(`chatops worker: ${errors.join("; ")}`);
    return { results };
  };
}
