// The slash-command worker: receives the ack's SNS message, decides what the Slack user may do,
// assumes the matching chat-ops role in the target account, runs the command and replies through
// response_url. Every command is logged with user, account, region, command and outcome.
import { errorMessage, log } from "../../shared/log";
import {
  ChatCommand,
  describeCommand,
  helpText,
  parseCommandMessage,
  parseCommandText,
  responseUrlProblem,
  SlashCommandMessage,
} from "../shared/command";
import { assumeRole, awsErrorName } from "./aws";
import { ActionLedger, CommandContext, CommandResult, Outcome } from "./context";
import { ec2Console, ec2List, ec2StartStop } from "./ec2";
import {
  createPostLedger,
  createResponder,
  DEFAULT_MAX_POSTS,
  FetchLike,
  PostLedger,
  Responder,
  RESPONSE_URL_LIFETIME_MS,
} from "./responder";
import { s3List, s3Usage } from "./s3";
import {
  accountLabel,
  Access,
  allowedAccounts,
  ChatUser,
  resolveAccount,
  resolveRegion,
  roleArn,
  validateWorkerSettings,
  WorkerSettings,
} from "./settings";

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
}

export interface WorkerRecordResult {
  messageId: string;
  command?: string;
  outcome: Outcome | "rejected-message" | "expired";
  delivered: boolean;
}

/** Default bound on start/stop waiting; the worker Lambda's timeout must exceed it. */
export const DEFAULT_STATE_WAIT = { timeoutMs: 180_000, pollMs: 5_000 };

interface SnsRecord {
  Sns?: { MessageId?: string; Message?: string };
}

// A plain array, not a module-level Set: closure serialization turns a captured Set into a plain
// object ("Set.prototype.has called on incompatible receiver" in the deployed package).
const NEEDS_OPERATOR: ReadonlyArray<ChatCommand["kind"]> = ["ec2-start", "ec2-stop"];

export function createWorkerHandler(
  settings: WorkerSettings,
  options: WorkerOptions = {},
): (event: unknown) => Promise<{ results: WorkerRecordResult[] }> {
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

  // Defined before handleRecord, which uses it: Pulumi's closure serializer cannot capture a
  // const that is declared later in the same scope.
  const runCommand = async (
    msg: SlashCommandMessage,
    messageId: string,
    responder: Responder,
    logBase: Record<string, unknown>,
  ): Promise<{ outcome: Outcome; command?: string }> => {
    const started = now();
    const fields: Record<string, unknown> = { ...logBase };
    const finish = async (result: CommandResult): Promise<{ outcome: Outcome; command?: string }> => {
      await responder.final(result.text);
      const level = result.outcome === "aws-error" ? "error" : result.outcome === "ok" ? "info" : "warn";
      log(level, "chatops command", {
        ...fields,
        outcome: result.outcome,
        delivered: responder.failures.length === 0,
        durationMs: now() - started,
        ...(result.outcome === "ok" ? {} : { reply: result.text }),
      });
      return { outcome: result.outcome, command: fields.command as string | undefined };
    };

    const parsed = parseCommandText(msg.text);
    if (!parsed.ok) {
      fields.command = msg.text;
      return finish({ outcome: "invalid", text: `Sorry, ${parsed.error}\n\n${helpText(msg.command)}` });
    }
    const cmd = parsed.command;
    fields.command = describeCommand(cmd);
    if (cmd.kind === "help") return finish({ outcome: "ok", text: helpText(msg.command) });

    const user: ChatUser | undefined = settings.users[msg.userId];
    if (!user) {
      return finish({
        outcome: "denied",
        text:
          `You (<@${msg.userId}>) are not allowed to use \`${msg.command}\`. ` +
          `Access is granted per Slack user id in the hub stack's chat-ops config; ask the platform team to add ${msg.userId}. ` +
          `\`${msg.command} help\` lists the commands.`,
      });
    }
    if (cmd.kind === "accounts") return finish({ outcome: "ok", text: accountsText(settings, user) });

    const account = resolveAccount(settings, user, cmd.account);
    if (!account.ok) return finish({ outcome: "denied", text: `Sorry, ${account.error}` });
    fields.account = account.value;
    const region = resolveRegion(settings, "region" in cmd ? cmd.region : undefined);
    if (!region.ok) return finish({ outcome: "invalid", text: `Sorry, ${region.error}` });
    fields.region = region.value;
    const access: Access = NEEDS_OPERATOR.includes(cmd.kind) ? "operator" : "read-only";
    if (access === "operator" && user.access !== "operator") {
      return finish({
        outcome: "denied",
        text:
          `Sorry, \`${describeCommand(cmd)}\` needs operator access; you have read-only access. ` +
          `You may use \`ec2 list\`, \`ec2 console\`, \`s3 list\`, \`s3 usage\` and \`accounts\`.`,
      });
    }
    const arn = roleArn(settings, account.value, access);
    fields.roleArn = arn;

    let ctx: CommandContext;
    try {
      ctx = {
        credentials: await assumeRole(arn, msg.userId, env.AWS_REGION ?? settings.defaultRegion),
        account: account.value,
        accountLabel: accountLabel(settings, account.value),
        region: region.value,
        responder,
        sleep,
        now,
        stateWait,
        messageId,
        actions,
        ec2PageSize: options.ec2PageSize,
      };
    } catch (err) {
      fields.error = errorMessage(err);
      return finish({
        outcome: "aws-error",
        text:
          `Sorry, I could not assume the ${access} role in ${accountLabel(settings, account.value)} ` +
          `(${awsErrorName(err)}). Is the chat-ops role deployed in that account?`,
      });
    }

    try {
      switch (cmd.kind) {
        case "ec2-list":
          return finish(await ec2List(ctx));
        case "ec2-console":
          return finish(await ec2Console(ctx, cmd.instanceId));
        case "ec2-start":
          return finish(await ec2StartStop(ctx, "start", cmd.instanceId));
        case "ec2-stop":
          return finish(await ec2StartStop(ctx, "stop", cmd.instanceId));
        case "s3-list":
          return finish(await s3List(ctx));
        case "s3-usage":
          return finish(await s3Usage(ctx, cmd.bucket));
      }
    } catch (err) {
      fields.error = errorMessage(err);
      return finish({
        outcome: "aws-error",
        text: `Sorry, \`${describeCommand(cmd)}\` failed in ${ctx.accountLabel} ${ctx.region}: ${awsErrorName(err)}. Please try again later.`,
      });
    }
  };

  const handleRecord = async (record: SnsRecord, index: number): Promise<WorkerRecordResult> => {
    const messageId = record?.Sns?.MessageId ?? `record-${index}`;
    let msg: SlashCommandMessage;
    try {
      if (typeof record?.Sns?.Message !== "string") throw new Error("record has no Sns.Message");
      msg = parseCommandMessage(record.Sns.Message);
      const problem = responseUrlProblem(msg.responseUrl, env.LOCAL_RUN === "1");
      if (problem) throw new Error(problem);
    } catch (err) {
      // No trustworthy response_url to tell the user: throw, so the message lands in the DLQ.
      log("error", "chatops worker: rejected message", { eventId: messageId, error: errorMessage(err) });
      throw new Error(`message ${messageId}: ${(err as Error).message ?? String(err)}`);
    }
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
      timeoutMs: options.postTimeoutMs ?? 10_000,
      logFields: logBase,
    });
    const outcome = await runCommand(msg, messageId, responder, logBase);
    return {
      messageId,
      command: outcome.command,
      outcome: outcome.outcome,
      delivered: responder.failures.length === 0,
    };
  };

  return async (event: unknown) => {
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
        const r = await handleRecord(records[i] as SnsRecord, i);
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

function accountsText(s: WorkerSettings, user: ChatUser): string {
  const lines = allowedAccounts(s, user).map(
    (id) => `• \`${s.accounts[id]}\` (${id})${id === s.defaultAccount ? " (default)" : ""}`,
  );
  const regions = s.regions.map((r) => `\`${r}\`${r === s.defaultRegion ? " (default)" : ""}`).join(", ");
  return [`You have *${user.access}* access to:`, ...lines, `Regions: ${regions}.`].join("\n");
}
