// The worker's settings (plain JSON from the hub stack config, captured into the Lambda's code)
// and the access decisions they drive: which Slack user may use which account, region and role.
import type { ExemptionDays } from "../../shared/alertActions";
import { WorldPrefixes, worldPrefixesProblems } from "../../shared/world";
import { isAccountId, isRegionName } from "../shared/command";
import { shown } from "../shared/text";
import { CONFIRMABLE_ACTIONS, GUARDED_ACTIONS, Guardrails } from "../shared/guardrails";

/**
 * The value of `rec[key]` only when it is the record's own: keys come from Slack input and config,
 * and a plain lookup of "constructor" or "toString" would find Object.prototype's functions.
 */
export function ownValue<T>(rec: Record<string, T> | undefined, key: string | undefined): T | undefined {
  return rec && key !== undefined && Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

export type Access = "read-only" | "operator";

export interface ChatUser {
  access: Access;
  /** Account ids, or ["*"] for every account in `accounts`. */
  accounts: string[];
}

export interface WorkerSettings {
  /** "aws", "aws-cn", "aws-us-gov": the partition of the role ARNs. */
  partition?: string;
  defaultAccount: string;
  defaultRegion: string;
  /** Regions commands may target. */
  regions: string[];
  /** Every account the bot serves: 12-digit id to name. */
  accounts: Record<string, string>;
  /** Slack user id (e.g. U2CERLKJA) to what that user may do. */
  users: Record<string, ChatUser>;
  readOnlyRoleName: string;
  operatorRoleName: string;
  /** Slack accepts at most 5 posts to one response_url within 30 minutes. */
  maxPostsPerResponseUrl?: number;
  /** How long start/stop waits for the instance to reach its final state, and how often it looks. */
  stateWait?: { timeoutMs: number; pollMs: number };
  /** Who may use which action where (absent: the users' access alone decides). */
  guardrails?: Guardrails;
  /** What the buttons on alerts need (absent: clicks are answered as not enabled). */
  alertActions?: AlertActionSettings;
  /** The hub's worldPrefixes (absent: IPv4 /8, IPv6 /16): what Revert may take back as the world. */
  worldPrefixes?: WorldPrefixes;
}

export interface AlertActionSettings {
  /** The remediation's exemption tag (value "true"): Exempt writes it, Revert leaves such groups open. */
  exemptTagKey: string;
  /** Exempt's expiry in days: used when the dialog gave none, and the longest accepted. */
  exemptionDays?: ExemptionDays;
  /** The remediation's dry-run rules apply to Revert too: it only says what it would revoke. */
  dryRun: boolean;
  dryRunAccounts: string[];
  /** DynamoDB table of mutes written from Slack, which the notifier reads. */
  mutesTable: string;
  /**
   * The notifier's incidents: Mute and Acknowledge set the state of the incident the alert was
   * posted in (its key is in the alert's record), and its card shows it (app mode).
   */
  incidents?: { tableName: string; windowSeconds: number };
  /**
   * The hub role Mute and Acknowledge assume as the Slack user (source identity slack-<user id>,
   * session tags naming the action and the alert), so the hub's CloudTrail names who did what.
   */
  actionsRoleArn: string;
  /** Hub event bus (name or ARN) every action is reported to. */
  reportBus: string;
  /** The table where the notifier records what each alert's buttons may act on (read only here). */
  recordsTable: string;
  /** Slack app mode: the table where the notifier records alerts' threads (outcomes are replied there). */
  threadTable?: string;
  /** Pending Revert/Exempt requests waiting for a second person (production accounts). */
  confirmationsTable?: string;
  /** How long such a request waits, in minutes (default 15). */
  confirmMinutes?: number;
}

/** Throws one error naming every problem, so a bad config is found at the first cold start. */
export function validateWorkerSettings(s: WorkerSettings): void {
  const problems = workerSettingsProblems(s);
  if (problems.length) throw new Error(`invalid chat-ops worker settings: ${problems.join("; ")}`);
}

/** Every problem with a settings object; [] when valid. The stack runs this at deploy time too. */
export function workerSettingsProblems(s: WorkerSettings): string[] {
  const problems: string[] = [];
  const accounts = s?.accounts ?? {};
  for (const id of Object.keys(accounts)) {
    if (!isAccountId(id)) problems.push(`accounts: key ${JSON.stringify(id)} is not a 12-digit account id`);
    if (typeof accounts[id] !== "string" || !accounts[id])
      problems.push(`accounts.${id}: name must be a non-empty string`);
  }
  const names = Object.values(accounts).map((n) => String(n).toLowerCase());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) problems.push(`accounts: name ${JSON.stringify(dup)} is used twice`);
  if (!ownValue(accounts, s?.defaultAccount))
    problems.push(`defaultAccount ${JSON.stringify(s?.defaultAccount)} is not in accounts`);
  if (!Array.isArray(s?.regions) || s.regions.length === 0) problems.push("regions must be a non-empty list");
  else
    for (const r of s.regions)
      if (!isRegionName(r)) problems.push(`regions: ${JSON.stringify(r)} is not a region name`);
  if (!Array.isArray(s?.regions) || !s.regions.includes(s?.defaultRegion)) {
    problems.push(`defaultRegion ${JSON.stringify(s?.defaultRegion)} is not in regions`);
  }
  for (const [userId, user] of Object.entries(s?.users ?? {})) {
    if (!/^[UW][A-Z0-9]{2,}$/.test(userId))
      problems.push(`users: ${JSON.stringify(userId)} is not a Slack user id`);
    if (user?.access !== "read-only" && user?.access !== "operator") {
      problems.push(
        `users.${userId}.access must be "read-only" or "operator" (got ${JSON.stringify(user?.access)})`,
      );
    }
    if (!Array.isArray(user?.accounts) || user.accounts.length === 0) {
      problems.push(`users.${userId}.accounts must be a non-empty list of account ids or ["*"]`);
    } else {
      for (const a of user.accounts)
        if (a !== "*" && !ownValue(accounts, a))
          problems.push(`users.${userId}.accounts: ${a} is not in accounts`);
    }
  }
  if (!s?.readOnlyRoleName) problems.push("readOnlyRoleName is required");
  if (!s?.operatorRoleName) problems.push("operatorRoleName is required");
  if (s?.maxPostsPerResponseUrl !== undefined && !(s.maxPostsPerResponseUrl >= 2)) {
    problems.push("maxPostsPerResponseUrl must be at least 2 (a progress post and the final state)");
  }
  if (s?.stateWait && !(s.stateWait.timeoutMs > 0 && s.stateWait.pollMs > 0)) {
    problems.push("stateWait.timeoutMs and stateWait.pollMs must be positive");
  }
  problems.push(...guardrailProblems(s?.guardrails));
  problems.push(...worldPrefixesProblems(s?.worldPrefixes));
  const a = s?.alertActions;
  if (a !== undefined) {
    for (const key of ["exemptTagKey", "mutesTable", "recordsTable", "reportBus", "actionsRoleArn"] as const)
      if (typeof a?.[key] !== "string" || a[key] === "") problems.push(`alertActions.${key} is required`);
    if (
      typeof a?.actionsRoleArn === "string" &&
      a.actionsRoleArn &&
      !/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(a.actionsRoleArn)
    )
      problems.push(`alertActions.actionsRoleArn ${JSON.stringify(a.actionsRoleArn)} is not an IAM role ARN`);
    const d = a?.exemptionDays;
    if (
      d !== undefined &&
      !(
        Number.isInteger(d?.defaultDays) &&
        Number.isInteger(d?.maxDays) &&
        d.defaultDays >= 1 &&
        d.defaultDays <= d.maxDays
      )
    )
      problems.push(
        "alertActions.exemptionDays must be {defaultDays, maxDays} whole days with 1 <= defaultDays <= maxDays",
      );
    const inc = a?.incidents;
    if (
      inc !== undefined &&
      (typeof inc?.tableName !== "string" ||
        inc.tableName === "" ||
        !(Number.isInteger(inc.windowSeconds) && inc.windowSeconds > 0))
    )
      problems.push("alertActions.incidents must be {tableName, windowSeconds} with a positive whole window");
    if (a?.threadTable !== undefined && (typeof a.threadTable !== "string" || a.threadTable === ""))
      problems.push("alertActions.threadTable must be a table name when given");
    if (
      a?.confirmationsTable !== undefined &&
      (typeof a.confirmationsTable !== "string" || a.confirmationsTable === "")
    )
      problems.push("alertActions.confirmationsTable must be a table name when given");
    if (
      a?.confirmMinutes !== undefined &&
      !(Number.isInteger(a.confirmMinutes) && a.confirmMinutes >= 1 && a.confirmMinutes <= 1440)
    )
      problems.push("alertActions.confirmMinutes must be a whole number of minutes from 1 to 1440");
    if (typeof a?.dryRun !== "boolean") problems.push("alertActions.dryRun must be true or false");
    if (!Array.isArray(a?.dryRunAccounts) || a.dryRunAccounts.some((x) => !isAccountId(x)))
      problems.push("alertActions.dryRunAccounts must be a list of 12-digit account ids");
  }
  return problems;
}

function guardrailProblems(g: Guardrails | undefined): string[] {
  if (g === undefined) return [];
  const problems: string[] = [];
  if (g.teamId !== undefined && !/^[TE][A-Z0-9]{2,}$/.test(g.teamId))
    problems.push(`guardrails.teamId ${JSON.stringify(g.teamId)} is not a Slack team id (T...)`);
  for (const [action, rule] of Object.entries(g.rules ?? {})) {
    if (!(GUARDED_ACTIONS as readonly string[]).includes(action))
      problems.push(
        `guardrails.rules: ${JSON.stringify(action)} is not an action (${GUARDED_ACTIONS.join(", ")})`,
      );
    for (const key of ["users", "channels", "accounts"] as const) {
      const list = rule?.[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== "string")))
        problems.push(`guardrails.rules.${action}.${key} must be a list of ids`);
    }
  }
  if (!Array.isArray(g.productionAccounts) || g.productionAccounts.some((x) => !isAccountId(x)))
    problems.push("guardrails.productionAccounts must be a list of 12-digit account ids");
  if (
    !Array.isArray(g.confirmInProduction) ||
    g.confirmInProduction.some((x) => !(CONFIRMABLE_ACTIONS as readonly string[]).includes(x))
  )
    problems.push(`guardrails.confirmInProduction must list actions of ${CONFIRMABLE_ACTIONS.join(", ")}`);
  return problems;
}

/** Account ids the user may use, in config order. */
export function allowedAccounts(s: WorkerSettings, user: ChatUser): string[] {
  const all = Object.keys(s.accounts);
  return user.accounts.includes("*") ? all : all.filter((id) => user.accounts.includes(id));
}

export function accountLabel(s: WorkerSettings, id: string): string {
  return `${s.accounts[id]} (${id})`;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

/** Resolves an account argument (id or name, any case) against config and the user's allow list. */
export function resolveAccount(s: WorkerSettings, user: ChatUser, arg: string | undefined): Resolved<string> {
  const allowed = allowedAccounts(s, user);
  const allowedText = allowed.map((id) => `\`${s.accounts[id]}\` (${id})`).join(", ");
  let id: string | undefined;
  if (arg === undefined) id = s.defaultAccount;
  else if (ownValue(s.accounts, arg) !== undefined) id = arg;
  else id = Object.keys(s.accounts).find((k) => s.accounts[k].toLowerCase() === arg.toLowerCase());
  if (!id)
    return {
      ok: false,
      error: `unknown account \`${shown(String(arg))}\`. Accounts you may use: ${allowedText || "none"}.`,
    };
  if (!allowed.includes(id)) {
    return {
      ok: false,
      error: `you may not use account ${accountLabel(s, id)}. Accounts you may use: ${allowedText || "none"}.`,
    };
  }
  return { ok: true, value: id };
}

export function resolveRegion(s: WorkerSettings, arg: string | undefined): Resolved<string> {
  const region = arg ?? s.defaultRegion;
  if (!s.regions.includes(region)) {
    return {
      ok: false,
      error: `region \`${shown(region)}\` is not enabled. Regions: ${s.regions.map((r) => `\`${r}\``).join(", ")}.`,
    };
  }
  return { ok: true, value: region };
}

export function roleArn(s: WorkerSettings, account: string, access: Access): string {
  const name = access === "operator" ? s.operatorRoleName : s.readOnlyRoleName;
  return `arn:${s.partition ?? "aws"}:iam::${account}:role/${name}`;
}
