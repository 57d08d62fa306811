// Settings of the remediation function: plain JSON from stack config, captured by value into the
// Lambda's code by the stack's callbackFactory. Validated once per container (in the factory) so a
// wiring mistake fails loudly at cold start instead of silently skipping remediation.
import { DEFAULT_EXEMPT_TAG_KEY, ENV } from "../shared/constants";
import { namedError } from "../shared/namedError";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, worldPrefixesProblems } from "../shared/world";

export interface RemediatorSettings {
  /** AWS partition for role ARNs; default "aws". */
  partition?: string;
  /** Role each spoke creates for us (REMEDIATION_ROLE_NAME). */
  roleName: string;
  /** Report only, everywhere. */
  dryRun: boolean;
  /** Report only, in these accounts. */
  dryRunAccounts: string[];
  /** Tag key that exempts a group when its value is "true" (case-insensitive); default DEFAULT_EXEMPT_TAG_KEY. */
  exemptTagKey: string;
  /** Config rule names that mean restricted-ssh. */
  configRuleNames: string[];
  /**
   * Revoke a world-open rule whole (every port it opens) instead of closing only SSH; default
   * false: a rule wider than SSH is re-authorized without TCP port 22.
   */
  revokeWholeRule?: boolean;
  /**
   * The longest prefix, per family, of a source that counts as the world (2000::/3 always does);
   * default DEFAULT_WORLD_PREFIXES (IPv4 /8, IPv6 /16).
   */
  worldPrefixes?: Partial<WorldPrefixes>;
  /** Hub bus name or ARN for reports; REPORT_EVENT_BUS in the environment is used when this is empty. */
  reportBus: string;
  retry?: { maxAttempts?: number; baseDelayMs?: number };
  /** Per-request limit for AWS calls (a hung connection is retried like throttling); default 10000. */
  requestTimeoutMs?: number;
  /**
   * The scheduled exemption check: where Exempt can be pressed (accounts and their regions), and
   * the expiry, in days, given to exemption tags written before exemptions expired. Absent: the
   * check does nothing.
   */
  exemptions?: { defaultDays: number; targets: Array<{ accountId: string; regions: string[] }> };
}

/** Settings after defaults are applied. */
export interface ResolvedSettings {
  partition: string;
  roleName: string;
  dryRun: boolean;
  dryRunAccounts: string[];
  exemptTagKey: string;
  configRuleNames: string[];
  revokeWholeRule: boolean;
  worldPrefixes: WorldPrefixes;
  reportBus: string;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  requestTimeoutMs: number;
  exemptions: { defaultDays: number; targets: Array<{ accountId: string; regions: string[] }> };
}

export function settingsError(message: string): Error {
  return namedError("SettingsError", message, {});
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 200;
// Lambda's async invocation retries the whole event later; within one run we cap each backoff wait.
const MAX_DELAY_MS = 5_000;
// The function's timeout (set by the stack) must leave room for several timed-out attempts.
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Applies defaults and reports every problem at once, naming the setting and the bad value. */
export function resolveSettings(input: RemediatorSettings, env: NodeJS.ProcessEnv): ResolvedSettings {
  const { problems, resolved } = checkSettings(input, env);
  if (problems.length > 0) {
    throw settingsError(`invalid remediator settings: ${problems.join("; ")}`);
  }
  return resolved;
}

/**
 * Every problem with a settings object, each naming the setting and the bad value; [] when valid.
 * The stack runs this at deploy time, so it refuses what the function would refuse at cold start.
 */
export function remediatorSettingsProblems(input: RemediatorSettings, env: NodeJS.ProcessEnv): string[] {
  return checkSettings(input, env).problems;
}

function checkSettings(
  input: RemediatorSettings,
  env: NodeJS.ProcessEnv,
): { problems: string[]; resolved: ResolvedSettings } {
  const problems: string[] = [];
  const s = (input ?? {}) as Partial<RemediatorSettings>;
  const show = (v: unknown) => JSON.stringify(v);

  const partition = s.partition ?? "aws";
  if (!/^aws(-[a-z]+)*$/.test(partition))
    problems.push(`partition must look like "aws" or "aws-cn", got ${show(partition)}`);

  // IAM role names: 1-64 chars of [\w+=,.@-] (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
  if (typeof s.roleName !== "string" || !/^[\w+=,.@-]{1,64}$/.test(s.roleName)) {
    problems.push(`roleName must be an IAM role name (1-64 of [A-Za-z0-9+=,.@_-]), got ${show(s.roleName)}`);
  }
  if (typeof s.dryRun !== "boolean") problems.push(`dryRun must be true or false, got ${show(s.dryRun)}`);

  const dryRunAccounts = s.dryRunAccounts ?? [];
  if (
    !Array.isArray(dryRunAccounts) ||
    dryRunAccounts.some((a) => typeof a !== "string" || !/^\d{12}$/.test(a))
  ) {
    problems.push(`dryRunAccounts must be a list of 12-digit account ids, got ${show(s.dryRunAccounts)}`);
  }

  const exemptTagKey = s.exemptTagKey ?? DEFAULT_EXEMPT_TAG_KEY;
  if (typeof exemptTagKey !== "string" || exemptTagKey.trim() === "" || exemptTagKey.length > 128) {
    problems.push(`exemptTagKey must be a tag key (1-128 characters), got ${show(s.exemptTagKey)}`);
  }

  const rules = s.configRuleNames;
  if (!Array.isArray(rules) || rules.length === 0 || rules.some((r) => typeof r !== "string" || r === "")) {
    problems.push(`configRuleNames must be a non-empty list of Config rule names, got ${show(rules)}`);
  }

  const revokeWholeRule = s.revokeWholeRule ?? false;
  if (typeof revokeWholeRule !== "boolean")
    problems.push(`revokeWholeRule must be true or false, got ${show(s.revokeWholeRule)}`);

  problems.push(...worldPrefixesProblems(s.worldPrefixes));
  const worldPrefixes = { ...DEFAULT_WORLD_PREFIXES, ...(s.worldPrefixes ?? {}) };

  const reportBus = (typeof s.reportBus === "string" && s.reportBus) || env[ENV.reportBus] || "";
  if (!reportBus)
    problems.push(`reportBus is empty and ${ENV.reportBus} is not set: reports would have nowhere to go`);

  const maxAttempts = s.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    problems.push(`retry.maxAttempts must be an integer 1-20, got ${show(s.retry?.maxAttempts)}`);
  }
  const baseDelayMs = s.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  if (typeof baseDelayMs !== "number" || !(baseDelayMs >= 0) || baseDelayMs > MAX_DELAY_MS) {
    problems.push(`retry.baseDelayMs must be a number 0-${MAX_DELAY_MS}, got ${show(s.retry?.baseDelayMs)}`);
  }

  const requestTimeoutMs = s.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1 || requestTimeoutMs > 60_000) {
    problems.push(`requestTimeoutMs must be an integer 1-60000, got ${show(s.requestTimeoutMs)}`);
  }

  const exemptions = s.exemptions ?? { defaultDays: 30, targets: [] };
  if (!Number.isInteger(exemptions.defaultDays) || exemptions.defaultDays < 1)
    problems.push(
      `exemptions.defaultDays must be a whole number of days >= 1, got ${show(exemptions.defaultDays)}`,
    );
  if (
    !Array.isArray(exemptions.targets) ||
    exemptions.targets.some(
      (t) =>
        typeof t?.accountId !== "string" ||
        !/^\d{12}$/.test(t.accountId) ||
        !Array.isArray(t.regions) ||
        t.regions.some((r) => typeof r !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)),
    )
  )
    problems.push(
      `exemptions.targets must list {accountId: 12 digits, regions: region codes}, got ${show(exemptions.targets)}`,
    );

  const resolved = {
    partition,
    roleName: s.roleName as string,
    dryRun: s.dryRun as boolean,
    dryRunAccounts: [...dryRunAccounts],
    exemptTagKey,
    configRuleNames: [...(rules as string[])],
    revokeWholeRule,
    worldPrefixes,
    reportBus,
    retry: { maxAttempts, baseDelayMs, maxDelayMs: MAX_DELAY_MS },
    requestTimeoutMs,
    exemptions,
  };
  return { problems, resolved };
}
