// The typed configuration the stacks are built from, out of values the schema accepted (its
// defaults filled in): the defaults that depend on other keys, and account names resolved to ids.
import { ChatopsConfig, HubConfig, SlackRouteConfig, SpokeConfig, StackConfig } from "./configSchema";
import { ACCOUNT_ID_PATTERN } from "./configJsonSchema";
import { HUB_REGION, IAM_EVENTS_REGION, partitionOf } from "./regions";

type Values = Record<string, unknown>;
const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);

/** The accounts a chat-ops key names, as ids (names resolved through accountNames). */
function accountIds(accounts: string[], names: Record<string, string>): string[] {
  return accounts.map((a) =>
    a === "*" || ACCOUNT_ID.test(a) ? a : (Object.keys(names).find((k) => names[k] === a) ?? a),
  );
}

/** The typed configuration from schema-valid, defaulted values. */
export function typedConfig(v: Values, stackFile: string): StackConfig {
  const regions = v.regions as string[];
  const accountId = v.accountId as string;
  const common = {
    stackFile,
    accountId,
    accountName: (v.accountName as string | undefined) || undefined,
    regions,
    deployRoleArn:
      (v.deployRoleArn as string | undefined) ??
      `arn:${partitionOf(regions[0])}:iam::${accountId}:role/${v.deployRoleName as string}`,
    logRetentionDays: v.logRetentionDays as number,
    tags: v.tags as Record<string, string>,
  };
  if (v.role === "spoke") {
    return {
      ...common,
      role: "spoke",
      hubStack: v.hubStack as string,
      createRecorder: v.createRecorder as boolean,
      existingRecorderRegions: v.existingRecorderRegions as string[],
      globalResourcesRegion:
        (v.globalResourcesRegion as string | undefined) ??
        (regions.includes(IAM_EVENTS_REGION) ? IAM_EVENTS_REGION : regions[0]),
      restrictedSshTag: v.restrictedSshTag as SpokeConfig["restrictedSshTag"],
      createTrail: v.createTrail as boolean,
      aggregation: v.aggregation as SpokeConfig["aggregation"],
      forwardUnauthorizedCalls: v.forwardUnauthorizedCalls as boolean,
      extraConfigRules: (v.extraConfigRules as string[] | undefined) ?? [],
    };
  }
  const accountNames = v.accountNames as Record<string, string>;
  const c = v.chatops as Values;
  const regionsOfChatops = c.regions as string[];
  const users = c.users as ChatopsConfig["users"];
  const chatops: ChatopsConfig = {
    enabled: c.enabled as boolean,
    commandName: c.commandName as string,
    defaultAccount: c.enabled ? accountIds([c.defaultAccount as string], accountNames)[0] : "",
    defaultRegion: (c.defaultRegion as string | undefined) ?? regionsOfChatops[0] ?? HUB_REGION,
    regions: regionsOfChatops,
    users: Object.fromEntries(
      Object.entries(users).map(([id, u]) => [id, { ...u, accounts: accountIds(u.accounts, accountNames) }]),
    ),
    ...(typeof c.teamId === "string" ? { teamId: c.teamId } : {}),
    groups: (c.groups as Record<string, string[]> | undefined) ?? {},
    guardrails: Object.fromEntries(
      Object.entries((c.guardrails as ChatopsConfig["guardrails"] | undefined) ?? {}).map(
        ([action, rule]) => [
          action,
          { ...rule, ...(rule?.accounts ? { accounts: accountIds(rule.accounts, accountNames) } : {}) },
        ],
      ),
    ),
    productionAccounts: accountIds((c.productionAccounts as string[] | undefined) ?? [], accountNames),
    criticalMuteHours: (c.criticalMuteHours as number | undefined) ?? 1,
    confirmInProduction: (c.confirmInProduction as ChatopsConfig["confirmInProduction"] | undefined) ?? [
      "revert",
      "exempt",
    ],
    confirmMinutes: (c.confirmMinutes as number | undefined) ?? 15,
  };
  return {
    ...common,
    role: "hub",
    organizationId: v.organizationId as string | undefined,
    memberAccounts: (v.memberAccounts as string[] | undefined) ?? [],
    accountsWithoutSpoke: (v.accountsWithoutSpoke as string[] | undefined) ?? [],
    aggregator: v.aggregator as HubConfig["aggregator"],
    accountNames,
    slackWebhookNames: Object.keys(v.slackWebhooks as Values),
    slackRoutes: v.slackRoutes as SlackRouteConfig[],
    ownerTagKeys: v.ownerTagKeys as string[],
    defaultRoute: (v.defaultRoute as HubConfig["defaultRoute"] | undefined) ?? {},
    mutes: (v.mutes as HubConfig["mutes"] | undefined) ?? [],
    grouping: v.grouping as HubConfig["grouping"],
    incidents: v.incidents as HubConfig["incidents"],
    extraConfigRules: (v.extraConfigRules as string[] | undefined) ?? [],
    // App mode is on exactly when the bot token is set (the cross-checks require the channels then).
    ...(typeof v.slackBotToken === "string"
      ? { slackChannels: v.slackChannels as Record<string, string> }
      : {}),
    remediation: v.remediation as HubConfig["remediation"],
    worldPrefixes: v.worldPrefixes as HubConfig["worldPrefixes"],
    chatops,
    findings: v.findings as HubConfig["findings"],
  };
}
