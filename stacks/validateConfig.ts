// Validates a stack's raw configuration before any resource is registered. Every problem is
// collected and reported at once, each naming the stack file, the key and the bad value.
import { EVENT_KINDS } from "../handlers/notifier/settings";
import { DEFAULT_EXEMPT_TAG_KEY } from "../handlers/shared/constants";
import {
  CONFIG_NAMESPACE,
  ChatopsConfig,
  ChatopsUserConfig,
  HubConfig,
  RemediationConfig,
  SlackRouteConfig,
  SpokeConfig,
  StackConfig,
} from "./configSchema";
import { HUB_REGION, IAM_EVENTS_REGION, KNOWN_REGIONS, partitionOf } from "./regions";
import { RESTRICTED_SSH_RULE_NAME } from "./names";

/** A stack's configuration as read from Pulumi config: key (without namespace) -> parsed value. */
export interface RawStackConfig {
  stackFile: string;
  values: Record<string, unknown>;
  /** Keys whose value was given as a Pulumi secret. */
  secretKeys: ReadonlySet<string>;
}

export class ConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(
      `${stackFile}: ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const STACK_REF = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// CloudWatch Logs accepts only these retention values
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const KNOWN_KEYS: Record<"common" | "hub" | "spoke", string[]> = {
  common: [
    "role",
    "accountId",
    "accountName",
    "regions",
    "deployRoleName",
    "deployRoleArn",
    "logRetentionDays",
    "tags",
  ],
  hub: [
    "organizationId",
    "memberAccounts",
    "accountNames",
    "slackWebhooks",
    "slackRoutes",
    "remediation",
    "chatops",
    "slackSigningSecret",
  ],
  spoke: [
    "hubStack",
    "createRecorder",
    "globalResourcesRegion",
    "restrictedSshTag",
    "createTrail",
    "aggregation",
  ],
};

/** Every key the program accepts (Pulumi.yaml documents each one). */
export const KNOWN_CONFIG_KEYS: readonly string[] = [
  ...KNOWN_KEYS.common,
  ...KNOWN_KEYS.hub,
  ...KNOWN_KEYS.spoke,
];

/** Collects problems while reading typed values out of the raw map. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly raw: RawStackConfig) {}

  problem(key: string, value: unknown, why: string): void {
    const shown = value === undefined ? "(not set)" : JSON.stringify(value);
    this.problems.push(`${CONFIG_NAMESPACE}:${key} = ${shown}: ${why}`);
  }

  value(key: string): unknown {
    return this.raw.values[key];
  }

  string(
    key: string,
    opts: { required?: boolean; pattern?: RegExp; what?: string } = {},
  ): string | undefined {
    const v = this.value(key);
    if (v === undefined || v === "") {
      if (opts.required) this.problem(key, v, `is required${opts.what ? ` (${opts.what})` : ""}`);
      return undefined;
    }
    if (typeof v !== "string" && typeof v !== "number") {
      this.problem(key, v, "must be a string");
      return undefined;
    }
    const s = String(v);
    if (opts.pattern && !opts.pattern.test(s)) {
      this.problem(key, v, `is not ${opts.what ?? `of the form ${opts.pattern}`}`);
      return undefined;
    }
    return s;
  }

  bool(key: string, v: unknown, dflt: boolean): boolean {
    if (v === undefined) return dflt;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    this.problem(key, v, "must be true or false");
    return dflt;
  }

  object(key: string): Record<string, unknown> {
    const v = this.value(key);
    if (v === undefined) return {};
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.problem(key, v, "must be an object");
      return {};
    }
    return v as Record<string, unknown>;
  }

  accountList(key: string, v: unknown, opts: { allowStar?: boolean } = {}): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem(key, v, "must be a list of 12-digit account ids");
      return [];
    }
    const seen = new Set<string>();
    const out: string[] = [];
    for (const item of v) {
      const id = typeof item === "number" ? String(item).padStart(12, "0") : item;
      if (opts.allowStar && id === "*") {
        out.push(id);
        continue;
      }
      if (typeof id !== "string" || !ACCOUNT_ID.test(id)) {
        this.problem(
          key,
          item,
          "is not a 12-digit AWS account id (quote it in YAML so leading zeros survive)",
        );
      } else if (seen.has(id)) {
        this.problem(key, item, "is a duplicate account");
      } else {
        seen.add(id);
        out.push(id);
      }
    }
    return out;
  }

  regionList(key: string, v: unknown, required: boolean): string[] {
    if (v === undefined) {
      if (required) this.problem(key, v, "is required (a list of AWS regions)");
      return [];
    }
    if (!Array.isArray(v) || v.length === 0) {
      this.problem(key, v, "must be a non-empty list of AWS regions");
      return [];
    }
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of v) {
      if (typeof r !== "string" || !KNOWN_REGIONS.includes(r)) {
        this.problem(key, r, `is not a known AWS region (e.g. ${HUB_REGION}, ap-northeast-2)`);
      } else if (seen.has(r)) {
        this.problem(key, r, "is a duplicate region");
      } else {
        seen.add(r);
        out.push(r);
      }
    }
    return out;
  }

  secretObject(key: string, required: boolean): Record<string, unknown> | undefined {
    const v = this.value(key);
    if (v === undefined) {
      if (required)
        this.problem(key, v, `secret is not set: pulumi config set --secret --path '${key}.default' <value>`);
      return undefined;
    }
    if (!this.raw.secretKeys.has(key)) {
      this.problem(
        key,
        "(plaintext value hidden)",
        `must be a secret: set it with pulumi config set --secret`,
      );
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.problem(key, "(secret hidden)", "must be an object of name -> value");
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  secretString(key: string, required: boolean): string | undefined {
    const v = this.value(key);
    if (v === undefined || v === "") {
      if (required) this.problem(key, v, `secret is not set: pulumi config set --secret ${key} <value>`);
      return undefined;
    }
    if (!this.raw.secretKeys.has(key)) {
      this.problem(
        key,
        "(plaintext value hidden)",
        "must be a secret: set it with pulumi config set --secret",
      );
    }
    if (typeof v !== "string") {
      this.problem(key, "(secret hidden)", "must be a string");
      return undefined;
    }
    return v;
  }
}

function validateCommon(r: Reader, raw: RawStackConfig) {
  const role = r.string("role", { required: true, what: "hub or spoke" });
  if (role !== undefined && role !== "hub" && role !== "spoke")
    r.problem("role", role, "must be hub or spoke");
  const accountId = r.string("accountId", {
    required: true,
    pattern: ACCOUNT_ID,
    what: "a 12-digit AWS account id",
  });
  const regions = r.regionList("regions", r.value("regions"), true);
  const deployRoleName = r.string("deployRoleName") ?? "security-guard-deploy";
  const deployRoleArnRaw = r.string("deployRoleArn", {
    pattern: /^arn:aws(-us-gov|-cn)?:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    what: "an IAM role ARN",
  });
  const partition = partitionOf(regions[0] ?? HUB_REGION);
  const deployRoleArn =
    deployRoleArnRaw ?? `arn:${partition}:iam::${accountId ?? "000000000000"}:role/${deployRoleName}`;
  if (deployRoleArnRaw && accountId && !deployRoleArnRaw.includes(`::${accountId}:`)) {
    r.problem("deployRoleArn", deployRoleArnRaw, `is not in this stack's account ${accountId}`);
  }
  const retentionRaw = r.value("logRetentionDays");
  let logRetentionDays = 90;
  if (retentionRaw !== undefined) {
    const n = Number(retentionRaw);
    if (!RETENTION_DAYS.includes(n)) {
      r.problem(
        "logRetentionDays",
        retentionRaw,
        `must be one of CloudWatch Logs' values: ${RETENTION_DAYS.join(", ")}`,
      );
    } else logRetentionDays = n;
  }
  const tagsObj = r.object("tags");
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagsObj)) {
    if (typeof v !== "string") r.problem(`tags.${k}`, v, "must be a string");
    else tags[k] = v;
  }
  if (role === "hub" || role === "spoke") {
    const known = new Set([...KNOWN_KEYS.common, ...KNOWN_KEYS[role]]);
    for (const key of Object.keys(raw.values)) {
      if (!known.has(key)) r.problem(key, "(any)", `is not a known key for a ${role} (see Pulumi.yaml)`);
    }
  }
  return {
    stackFile: raw.stackFile,
    role: role as "hub" | "spoke",
    accountId: accountId ?? "",
    accountName: r.string("accountName"),
    regions,
    deployRoleArn,
    logRetentionDays,
    tags,
  };
}

function validateRoutes(r: Reader, webhookNames: string[]): SlackRouteConfig[] {
  const v = r.value("slackRoutes");
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    r.problem("slackRoutes", v, "must be a list of { webhook, accounts?, kinds? }");
    return [];
  }
  return v.map((route, i) => {
    const key = `slackRoutes[${i}]`;
    const obj = (typeof route === "object" && route !== null ? route : {}) as Record<string, unknown>;
    const webhook = typeof obj.webhook === "string" ? obj.webhook : "";
    if (!webhook) r.problem(`${key}.webhook`, obj.webhook, "is required (a name in slackWebhooks)");
    else if (webhookNames.length > 0 && !webhookNames.includes(webhook)) {
      r.problem(`${key}.webhook`, webhook, `is not a webhook in slackWebhooks (${webhookNames.join(", ")})`);
    }
    const out: SlackRouteConfig = { webhook };
    if (obj.accounts !== undefined) out.accounts = r.accountList(`${key}.accounts`, obj.accounts);
    if (obj.kinds !== undefined) {
      if (!Array.isArray(obj.kinds))
        r.problem(`${key}.kinds`, obj.kinds, `must be a list of ${EVENT_KINDS.join(", ")}`);
      else {
        out.kinds = [];
        for (const k of obj.kinds) {
          if (!(EVENT_KINDS as readonly string[]).includes(k)) {
            r.problem(`${key}.kinds`, k, `is not an event kind (${EVENT_KINDS.join(", ")})`);
          } else out.kinds.push(k);
        }
      }
    }
    return out;
  });
}

function validateRemediation(r: Reader): RemediationConfig {
  const o = r.object("remediation");
  const exemptTagKey = o.exemptTagKey === undefined ? DEFAULT_EXEMPT_TAG_KEY : o.exemptTagKey;
  if (typeof exemptTagKey !== "string" || exemptTagKey.length === 0 || exemptTagKey.length > 128) {
    r.problem("remediation.exemptTagKey", exemptTagKey, "must be a tag key of 1-128 characters");
  }
  let configRuleNames = [RESTRICTED_SSH_RULE_NAME];
  if (o.configRuleNames !== undefined) {
    if (!Array.isArray(o.configRuleNames) || o.configRuleNames.some((n) => typeof n !== "string" || !n)) {
      r.problem("remediation.configRuleNames", o.configRuleNames, "must be a list of Config rule names");
    } else configRuleNames = o.configRuleNames as string[];
  }
  return {
    enabled: r.bool("remediation.enabled", o.enabled, true),
    dryRun: r.bool("remediation.dryRun", o.dryRun, false),
    dryRunAccounts: r.accountList("remediation.dryRunAccounts", o.dryRunAccounts),
    exemptTagKey: String(exemptTagKey),
    configRuleNames,
    configTopicTrigger: r.bool("remediation.configTopicTrigger", o.configTopicTrigger, false),
    revokeWholeRule: r.bool("remediation.revokeWholeRule", o.revokeWholeRule, false),
  };
}

function validateChatops(
  r: Reader,
  hubAccount: string,
  knownAccounts: Set<string>,
  accountNames: Record<string, string>,
): ChatopsConfig {
  const o = r.object("chatops");
  const enabled = r.bool("chatops.enabled", o.enabled, false);
  const regions = o.regions === undefined ? [HUB_REGION] : r.regionList("chatops.regions", o.regions, false);
  const defaultRegion = typeof o.defaultRegion === "string" ? o.defaultRegion : (regions[0] ?? HUB_REGION);
  if (!regions.includes(defaultRegion)) {
    r.problem(
      "chatops.defaultRegion",
      o.defaultRegion,
      `is not one of chatops.regions (${regions.join(", ")})`,
    );
  }
  const resolveAccount = (key: string, v: unknown): string | undefined => {
    if (typeof v !== "string") {
      r.problem(key, v, "must be an account id or a name from accountNames");
      return undefined;
    }
    const byName = Object.entries(accountNames).find(([, name]) => name === v)?.[0];
    const id = ACCOUNT_ID.test(v) ? v : byName;
    if (!id) r.problem(key, v, "is neither a 12-digit account id nor a name from accountNames");
    else if (!knownAccounts.has(id)) {
      r.problem(
        key,
        v,
        id === hubAccount
          ? "is the hub account, which has no chat-ops roles (list it in memberAccounts if it also runs a spoke stack)"
          : "is not a member account (memberAccounts / accountNames)",
      );
    }
    return id;
  };
  const defaultAccount = enabled ? (resolveAccount("chatops.defaultAccount", o.defaultAccount) ?? "") : "";
  const users: Record<string, ChatopsUserConfig> = {};
  const usersRaw = (o.users ?? {}) as Record<string, unknown>;
  if (typeof usersRaw !== "object" || Array.isArray(usersRaw))
    r.problem("chatops.users", usersRaw, "must be an object");
  else {
    for (const [userId, u] of Object.entries(usersRaw)) {
      const key = `chatops.users.${userId}`;
      if (!SLACK_USER_ID.test(userId)) r.problem(key, userId, "is not a Slack user id (U... or W...)");
      const user = (typeof u === "object" && u !== null ? u : {}) as Record<string, unknown>;
      const access = user.access;
      if (access !== "read-only" && access !== "operator")
        r.problem(`${key}.access`, access, "must be read-only or operator");
      const accounts = Array.isArray(user.accounts)
        ? user.accounts
            .map((a, i) => (a === "*" ? "*" : resolveAccount(`${key}.accounts[${i}]`, a)))
            .filter((a): a is string => !!a)
        : [];
      if (!Array.isArray(user.accounts) || accounts.length === 0) {
        r.problem(`${key}.accounts`, user.accounts, 'must list account ids or names, or ["*"]');
      }
      users[userId] = { access: access as ChatopsUserConfig["access"], accounts };
    }
  }
  if (enabled && Object.keys(users).length === 0)
    r.problem("chatops.users", o.users, "must name at least one Slack user when chatops.enabled");
  const commandName = o.commandName === undefined ? "/guard" : o.commandName;
  if (typeof commandName !== "string" || !/^\/[a-z0-9_-]{1,31}$/.test(commandName)) {
    r.problem("chatops.commandName", commandName, "must be a Slack slash command such as /guard");
  }
  return { enabled, commandName: String(commandName), defaultAccount, defaultRegion, regions, users };
}

function validateHub(r: Reader, common: ReturnType<typeof validateCommon>): HubConfig {
  if (common.regions.length > 0 && (common.regions.length !== 1 || common.regions[0] !== HUB_REGION)) {
    r.problem(
      "regions",
      common.regions,
      `the hub runs in ${HUB_REGION} only (the central bus is in Virginia)`,
    );
  }
  const organizationId = r.string("organizationId", {
    pattern: ORG_ID,
    what: "an AWS Organizations id (o-xxxxxxxxxx)",
  });
  const memberAccounts = r.accountList("memberAccounts", r.value("memberAccounts"));
  if (!organizationId && r.value("organizationId") === undefined && memberAccounts.length === 0) {
    r.problem("memberAccounts", undefined, "is required when organizationId is not set (account-list mode)");
  }
  const namesObj = r.object("accountNames");
  const accountNames: Record<string, string> = {};
  for (const [id, name] of Object.entries(namesObj)) {
    if (!ACCOUNT_ID.test(id)) r.problem(`accountNames.${id}`, id, "key is not a 12-digit AWS account id");
    else if (typeof name !== "string" || !name)
      r.problem(`accountNames.${id}`, name, "must be a non-empty name");
    else accountNames[id] = name;
  }
  const webhooks = r.secretObject("slackWebhooks", true);
  const webhookNames = webhooks ? Object.keys(webhooks) : [];
  if (webhooks) {
    if (!("default" in webhooks))
      r.problem("slackWebhooks.default", undefined, "secret is not set: every hub needs a default webhook");
    for (const [name, url] of Object.entries(webhooks)) {
      if (typeof url !== "string" || !/^https:\/\/hooks\.slack(-gov)?\.com\/services\/\S+$/.test(url)) {
        r.problem(
          `slackWebhooks.${name}`,
          "(secret hidden)",
          "is not a Slack incoming-webhook URL (https://hooks.slack.com/services/...)",
        );
      }
    }
  }
  const chatops = validateChatops(
    r,
    common.accountId,
    chatopsAccounts(common.accountId, memberAccounts, accountNames),
    accountNames,
  );
  const signing = r.secretString("slackSigningSecret", chatops.enabled);
  if (signing !== undefined && !/^[0-9a-zA-Z]{16,}$/.test(signing)) {
    r.problem(
      "slackSigningSecret",
      "(secret hidden)",
      "does not look like a Slack signing secret (hex, 32 characters)",
    );
  }
  return {
    ...common,
    role: "hub",
    organizationId,
    memberAccounts,
    accountNames,
    slackWebhookNames: webhookNames,
    slackRoutes: validateRoutes(r, webhookNames),
    remediation: validateRemediation(r),
    chatops,
  };
}

function validateSpoke(r: Reader, common: ReturnType<typeof validateCommon>): SpokeConfig {
  const hubStack =
    r.string("hubStack", {
      required: true,
      pattern: STACK_REF,
      what: "a fully qualified stack name org/project/stack",
    }) ?? "";
  if (common.regions.length > 0 && !common.regions.includes(IAM_EVENTS_REGION)) {
    r.problem(
      "regions",
      common.regions,
      `must include ${IAM_EVENTS_REGION}: IAM's CloudTrail events are delivered only there`,
    );
  }
  const globalResourcesRegion =
    r.string("globalResourcesRegion") ??
    (common.regions.includes(IAM_EVENTS_REGION) ? IAM_EVENTS_REGION : common.regions[0]);
  if (globalResourcesRegion && common.regions.length > 0 && !common.regions.includes(globalResourcesRegion)) {
    r.problem(
      "globalResourcesRegion",
      globalResourcesRegion,
      `is not one of regions (${common.regions.join(", ")})`,
    );
  }
  const tagObj = r.value("restrictedSshTag");
  let restrictedSshTag: SpokeConfig["restrictedSshTag"];
  if (tagObj !== undefined) {
    const t = (typeof tagObj === "object" && tagObj !== null ? tagObj : {}) as Record<string, unknown>;
    if (typeof t.key !== "string" || !t.key)
      r.problem("restrictedSshTag.key", t.key, "is required when restrictedSshTag is set");
    else restrictedSshTag = { key: t.key, ...(typeof t.value === "string" ? { value: t.value } : {}) };
  }
  const aggregation = r.value("aggregation") ?? "organization";
  if (aggregation !== "organization" && aggregation !== "account") {
    r.problem("aggregation", aggregation, "must be organization or account");
  }
  return {
    ...common,
    role: "spoke",
    hubStack,
    createRecorder: r.bool("createRecorder", r.value("createRecorder"), true),
    globalResourcesRegion: globalResourcesRegion ?? IAM_EVENTS_REGION,
    restrictedSshTag,
    createTrail: r.bool("createTrail", r.value("createTrail"), false),
    aggregation: aggregation as SpokeConfig["aggregation"],
  };
}

/** Validates one stack's configuration; throws ConfigError listing every problem. */
export function validateStackConfig(raw: RawStackConfig): StackConfig {
  const r = new Reader(raw);
  const common = validateCommon(r, raw);
  let config: StackConfig | undefined;
  if (common.role === "hub") config = validateHub(r, common);
  else if (common.role === "spoke") config = validateSpoke(r, common);
  if (r.problems.length > 0 || !config) throw new ConfigError(raw.stackFile, r.problems);
  return config;
}

/**
 * The accounts chat-ops can act in: the spokes (memberAccounts and the accounts named in
 * accountNames). The hub account has no chat-ops roles unless it also runs a spoke stack, which
 * memberAccounts says.
 */
export function chatopsAccounts(
  hubAccount: string,
  memberAccounts: string[],
  accountNames: Record<string, string>,
): Set<string> {
  const ids = new Set([...memberAccounts, ...Object.keys(accountNames)]);
  if (!memberAccounts.includes(hubAccount)) ids.delete(hubAccount);
  return ids;
}

/** Checks a set of stacks together: one hub per account set, no account deployed twice. */
export function validateStackSet(configs: StackConfig[]): string[] {
  const problems: string[] = [];
  const spokeByAccount = new Map<string, string>();
  for (const c of configs) {
    if (c.role !== "spoke") continue;
    const other = spokeByAccount.get(c.accountId);
    if (other)
      problems.push(
        `${c.stackFile}: ${CONFIG_NAMESPACE}:accountId = "${c.accountId}": duplicate account, also in ${other}`,
      );
    else spokeByAccount.set(c.accountId, c.stackFile);
  }
  const hubs = configs.filter((c): c is HubConfig => c.role === "hub");
  for (const hub of hubs) {
    if (hub.organizationId) continue;
    for (const spoke of configs) {
      if (spoke.role === "spoke" && !hub.memberAccounts.includes(spoke.accountId)) {
        problems.push(
          `${hub.stackFile}: ${CONFIG_NAMESPACE}:memberAccounts lacks "${spoke.accountId}" (${spoke.stackFile}); ` +
            `in account-list mode the hub must list every spoke`,
        );
      }
    }
  }
  return problems;
}
