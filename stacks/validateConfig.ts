// Validates a stack's raw configuration before any resource is registered, in three passes that
// all report: the JSON Schema (types, formats, required keys, defaults: configJsonSchema.ts), then
// the named cross-checks below (relations between keys that a schema cannot state), then each
// deployed function's own settings validator (functionSettings.ts). Every problem names the stack
// file, the key and the bad value, and all are reported at once.
import { CONFIG_NAMESPACE, HubConfig, StackConfig } from "./configSchema";
import { ACCOUNT_ID_PATTERN, CONFIG_KEYS, STACK_CONFIG_SCHEMA, SchemaNode } from "./configJsonSchema";
import { chatopsAccounts } from "./chatopsAccounts";
import { functionSettingsProblems } from "./functionSettings";
import { KNOWN_REGIONS } from "./regions";
import { MAX_FILTERED_CONFIG_RULES } from "./configTopicFilter";
import { notifiedRuleNames } from "./configRules";
import { KeyProblem, checkSchema, formatProblem, inSchemaOrder } from "./schemaProblems";
import { typedConfig } from "./typedConfig";

export { chatopsAccounts };

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

/** Every key the program accepts (the schema documents each one). */
export const KNOWN_CONFIG_KEYS: readonly string[] = [
  ...CONFIG_KEYS.common,
  ...CONFIG_KEYS.hub,
  ...CONFIG_KEYS.spoke,
];

type Values = Record<string, unknown>;
const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);
const obj = (v: unknown): Values =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Values) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");

/** A relation between keys that the schema cannot state; reads defaulted values defensively. */
type CrossCheck = (v: Values, raw: RawStackConfig) => KeyProblem[];

/** Secrets must be set with --secret, so they are stored encrypted and never printed. */
const secretsAreSecret: CrossCheck = (v, raw) => {
  const definition = (STACK_CONFIG_SCHEMA.definitions as Record<string, SchemaNode>)[String(v.role)];
  const props = (definition?.properties ?? {}) as Record<string, SchemaNode>;
  return Object.keys(raw.values)
    .filter((key) => props[key]?.["x-secret"] && !raw.secretKeys.has(key))
    .map((key) => ({
      key,
      value: "(plaintext value hidden)",
      why: "must be a secret: set it with pulumi config set --secret",
    }));
};

const deployRoleInThisAccount: CrossCheck = (v) => {
  const arn = v.deployRoleArn;
  if (typeof arn !== "string" || typeof v.accountId !== "string" || !ACCOUNT_ID.test(v.accountId)) return [];
  return arn.includes(`::${v.accountId}:`)
    ? []
    : [{ key: "deployRoleArn", value: arn, why: `is not in this stack's account ${v.accountId}` }];
};

const routesToExistingWebhooks: CrossCheck = (v) => {
  const names = Object.keys(obj(v.slackWebhooks));
  if (names.length === 0) return [];
  return list(v.slackRoutes).flatMap((route, i) => {
    const webhook = obj(route).webhook;
    return typeof webhook === "string" && webhook && !names.includes(webhook)
      ? [
          {
            key: `slackRoutes[${i}].webhook`,
            value: webhook,
            why: `is not a webhook in slackWebhooks (${names.join(", ")})`,
          },
        ]
      : [];
  });
};

/** App mode (a bot token) posts to channel ids: the default and every route's destination need one. */
const appModeChannels: CrossCheck = (v) => {
  const channels = obj(v.slackChannels);
  const names = Object.keys(channels);
  if (v.slackBotToken === undefined) {
    return names.length || v.slackChannels !== undefined
      ? [
          {
            key: "slackChannels",
            value: names.join(", "),
            why: "is used only in app mode: set slackBotToken too, or remove slackChannels",
          },
        ]
      : [];
  }
  if (v.slackChannels === undefined)
    return [
      {
        key: "slackChannels",
        value: undefined,
        why: "is required with slackBotToken (app mode): at least slackChannels.default",
      },
    ];
  const problems: KeyProblem[] = [];
  if (!names.includes("default"))
    problems.push({
      key: "slackChannels.default",
      value: undefined,
      why: "is required in app mode (where unrouted events go)",
    });
  list(v.slackRoutes).forEach((route, i) => {
    const webhook = obj(route).webhook;
    if (typeof webhook === "string" && webhook && !names.includes(webhook))
      problems.push({
        key: `slackRoutes[${i}].webhook`,
        value: webhook,
        why: `has no channel in slackChannels (${names.join(", ") || "none"}): app mode posts to channel ids`,
      });
  });
  return problems;
};

/** Chat-ops' default account and every user's accounts are spokes the bot can act in. */
const chatopsAccountsExist: CrossCheck = (v) => {
  const problems: KeyProblem[] = [];
  const chatops = obj(v.chatops);
  const names = obj(v.accountNames);
  const hubAccount = String(v.accountId);
  const known = chatopsAccounts(hubAccount, strings(v.memberAccounts), names as Record<string, string>);
  const resolves = (key: string, a: string): boolean => {
    const id = ACCOUNT_ID.test(a) ? a : Object.keys(names).find((k) => names[k] === a);
    if (!id)
      problems.push({ key, value: a, why: "is neither a 12-digit account id nor a name from accountNames" });
    else if (!known.has(id)) {
      problems.push({
        key,
        value: a,
        why:
          id === hubAccount
            ? "is the hub account, which has no chat-ops roles (list it in memberAccounts if it also runs a spoke stack)"
            : "is not a member account (memberAccounts / accountNames)",
      });
    }
    return !!id;
  };
  if (chatops.enabled === true && typeof chatops.defaultAccount === "string")
    resolves("chatops.defaultAccount", chatops.defaultAccount);
  for (const [userId, user] of Object.entries(obj(chatops.users))) {
    const key = `chatops.users.${userId}.accounts`;
    const accounts = strings(obj(user).accounts);
    const usable = accounts.filter((a, i) => a === "*" || resolves(`${key}[${i}]`, a));
    if (accounts.length > 0 && usable.length === 0)
      problems.push({ key, value: accounts, why: 'must list account ids or names, or ["*"]' });
  }
  for (const [action, rule] of Object.entries(obj(chatops.guardrails)))
    strings(obj(rule).accounts).forEach((a, i) => {
      if (a !== "*") resolves(`chatops.guardrails.${action}.accounts[${i}]`, a);
    });
  strings(chatops.productionAccounts).forEach((a, i) => resolves(`chatops.productionAccounts[${i}]`, a));
  return problems;
};

/** Guardrails name users of chatops.users, or groups whose members are such users. */
const chatopsGuardrailUsersKnown: CrossCheck = (v) => {
  const problems: KeyProblem[] = [];
  const chatops = obj(v.chatops);
  const users = obj(chatops.users);
  const groups = obj(chatops.groups);
  for (const [group, members] of Object.entries(groups))
    strings(members).forEach((m, i) => {
      if (!Object.prototype.hasOwnProperty.call(users, m))
        problems.push({
          key: `chatops.groups.${group}[${i}]`,
          value: m,
          why: "is not in chatops.users (guardrails narrow a user's access; they grant none)",
        });
    });
  for (const [action, rule] of Object.entries(obj(chatops.guardrails)))
    strings(obj(rule).users).forEach((u, i) => {
      if (u === "*" || Object.prototype.hasOwnProperty.call(users, u)) return;
      if (Object.prototype.hasOwnProperty.call(groups, u)) return;
      problems.push({
        key: `chatops.guardrails.${action}.users[${i}]`,
        value: u,
        why: "is neither a user of chatops.users nor a group of chatops.groups",
      });
    });
  return problems;
};

const chatopsDefaultRegionEnabled: CrossCheck = (v) => {
  const chatops = obj(v.chatops);
  const regions = strings(chatops.regions);
  const region = chatops.defaultRegion;
  return region === undefined || regions.includes(String(region))
    ? []
    : [
        {
          key: "chatops.defaultRegion",
          value: region,
          why: `is not one of chatops.regions (${regions.join(", ")})`,
        },
      ];
};

const exemptionDefaultWithinMax: CrossCheck = (v) => {
  const days = obj(obj(v.remediation).exemptionDays);
  const def = typeof days.default === "number" ? days.default : 30;
  const max = typeof days.max === "number" ? days.max : 90;
  return def <= max
    ? []
    : [
        {
          key: "remediation.exemptionDays.default",
          value: def,
          why: `is more than remediation.exemptionDays.max (${max})`,
        },
      ];
};

const globalResourcesRegionDeployed: CrossCheck = (v) => {
  const regions = strings(v.regions);
  const region = v.globalResourcesRegion;
  return region === undefined || regions.length === 0 || regions.includes(String(region))
    ? []
    : [{ key: "globalResourcesRegion", value: region, why: `is not one of regions (${regions.join(", ")})` }];
};

const existingRecorderRegionsDeployed: CrossCheck = (v) => {
  const regions = strings(v.regions);
  return strings(v.existingRecorderRegions)
    .map((region, i) => ({ region, i }))
    .filter(({ region }) => regions.length > 0 && KNOWN_REGIONS.includes(region) && !regions.includes(region))
    .map(({ region, i }) => ({
      key: `existingRecorderRegions[${i}]`,
      value: region,
      why: `is not one of regions (${regions.join(", ")})`,
    }));
};

const aggregatorHasSource: CrossCheck = (v) => {
  if (v.aggregator === "organization" && v.organizationId === undefined)
    return [{ key: "aggregator", value: v.aggregator, why: "needs organizationId (or use account or none)" }];
  if (v.aggregator === "account" && strings(v.memberAccounts).length === 0)
    return [
      { key: "aggregator", value: v.aggregator, why: "needs memberAccounts to aggregate (or use none)" },
    ];
  return [];
};

/**
 * Routing by organizational unit reads the organization (ListParents), which only an organization
 * hub can; and owner tag keys differing only in case would be the same key (keys match ignoring case).
 */
const ownerAndOuRoutes: CrossCheck = (v) => {
  const problems: KeyProblem[] = [];
  if (v.organizationId === undefined)
    list(v.slackRoutes).forEach((route, i) => {
      const ous = obj(route).organizationalUnits;
      if (ous !== undefined)
        problems.push({
          key: `slackRoutes[${i}].organizationalUnits`,
          value: strings(ous).join(", "),
          why: "needs organizationId: organizational units are read from the organization (or route by accounts)",
        });
    });
  const seen = new Map<string, string>();
  for (const key of strings(v.ownerTagKeys)) {
    const same = seen.get(key.toLowerCase());
    if (same !== undefined && same !== key)
      problems.push({
        key: "ownerTagKeys",
        value: key,
        why: `is the same key as ${JSON.stringify(same)}: owner tag keys match ignoring case`,
      });
    seen.set(key.toLowerCase(), key);
  }
  return problems;
};

/** The Config topic's filter policy names every notified rule; SNS allows 150 values per policy. */
const notifiedRulesFitFilter: CrossCheck = (v) => {
  const remediation = (v.remediation ?? {}) as Values;
  const names = notifiedRuleNames(strings(remediation.configRuleNames), strings(v.extraConfigRules));
  if (names.length <= MAX_FILTERED_CONFIG_RULES) return [];
  return [
    {
      key: "extraConfigRules",
      value: `${strings(v.extraConfigRules).length} names`,
      why:
        `with the guard's rule and remediation.configRuleNames makes ${names.length} rule names; the Config ` +
        `topic's SNS filter policy allows at most ${MAX_FILTERED_CONFIG_RULES}`,
    },
  ];
};

const CROSS_CHECKS: Record<"hub" | "spoke", CrossCheck[]> = {
  hub: [
    secretsAreSecret,
    deployRoleInThisAccount,
    routesToExistingWebhooks,
    appModeChannels,
    chatopsAccountsExist,
    chatopsGuardrailUsersKnown,
    chatopsDefaultRegionEnabled,
    exemptionDefaultWithinMax,
    aggregatorHasSource,
    notifiedRulesFitFilter,
    ownerAndOuRoutes,
  ],
  spoke: [deployRoleInThisAccount, globalResourcesRegionDeployed, existingRecorderRegionsDeployed],
};

/** Validates one stack's configuration; throws ConfigError listing every problem. */
export function validateStackConfig(raw: RawStackConfig): StackConfig {
  const { values, problems } = checkSchema(raw.values);
  const role = values.role === "hub" || values.role === "spoke" ? values.role : undefined;
  if (role) for (const check of CROSS_CHECKS[role]) problems.push(...check(values, raw));
  let config: StackConfig | undefined;
  if (problems.length === 0 && role) {
    config = typedConfig(values, raw.stackFile);
    if (config.role === "hub") problems.push(...functionSettingsProblems(config, values));
  }
  if (problems.length > 0 || !config) {
    const ordered = role ? inSchemaOrder(role, problems) : problems;
    throw new ConfigError(raw.stackFile, ordered.map(formatProblem));
  }
  return config;
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
