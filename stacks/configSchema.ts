import type { NotifyFilters } from "../handlers/findings/notifyFilters";
// The typed shape of a stack's configuration, after validation. Raw values come from Pulumi
// config (namespace CONFIG_NAMESPACE); see Pulumi.yaml for the documentation of every key.
import type { EventKind } from "../handlers/notifier/settings";
import type { MuteRule } from "../handlers/notifier/mutes";
import type { SeverityLevel } from "../handlers/notifier/severity";
import type { WorldPrefixes } from "../handlers/shared/world";
import type { ConfirmableAction, GuardedAction } from "../handlers/chatops/shared/guardrails";

export const CONFIG_NAMESPACE = "security-guard";

export type StackRole = "hub" | "spoke";

export interface CommonConfig {
  /** The stack file the values came from, for error messages ("Pulumi.hub.yaml"). */
  stackFile: string;
  role: StackRole;
  accountId: string;
  accountName?: string;
  regions: string[];
  /** Role in the target account that the deploying identity assumes (one provider per account and region). */
  deployRoleArn: string;
  logRetentionDays: number;
  tags: Record<string, string>;
}

export interface SlackRouteConfig {
  webhook: string;
  accounts?: string[];
  kinds?: EventKind[];
  /** Only events whose resource's owner tag value is one of these. */
  owners?: string[];
  /** Only events of accounts in one of these organizational units (ou-...) or below them. */
  organizationalUnits?: string[];
  /** Only events at or above this severity; lower ones fall through to the next route. */
  minSeverity?: SeverityLevel;
  /** Email addresses that receive this route's events (SNS email subscriptions). */
  email?: string[];
}

/** What happens to an event no route takes: a minimum severity, and email recipients. */
export interface DefaultRouteConfig {
  minSeverity?: SeverityLevel;
  email?: string[];
}

export interface GroupingConfig {
  enabled: boolean;
  windowMinutes: number;
  immediateSeverity: SeverityLevel;
}

export interface IncidentsConfig {
  enabled: boolean;
  joinWindowHours: number;
}

export interface RemediationConfig {
  enabled: boolean;
  dryRun: boolean;
  dryRunAccounts: string[];
  exemptTagKey: string;
  configRuleNames: string[];
  /**
   * Also trigger on the Config topic's ComplianceChangeNotification (the seeds' SNS path). Off by
   * default: every spoke region forwards the same verdict over EventBridge, so both paths would
   * run the remediator twice for us-east-1 (the second run reports "already compliant").
   */
  configTopicTrigger: boolean;
  /**
   * Revoke a world-open rule whole, every port it opens; default false: a rule wider than SSH is
   * re-authorized without TCP port 22, so only SSH closes.
   */
  revokeWholeRule: boolean;
  /** Exempt's expiry in days: offered by default, and the longest allowed. */
  exemptionDays: { default: number; max: number };
}

export type ChatopsAccess = "read-only" | "operator";

export interface ChatopsUserConfig {
  access: ChatopsAccess;
  accounts: string[];
}

export interface ChatopsConfig {
  enabled: boolean;
  /** The Slack app's slash command; the ack refuses any other command of the app. */
  commandName: string;
  defaultAccount: string;
  defaultRegion: string;
  regions: string[];
  users: Record<string, ChatopsUserConfig>;
  /** The Slack workspace the app serves (required when enabled). */
  teamId?: string;
  /** Group name -> Slack user ids, for guardrails. */
  groups: Record<string, string[]>;
  /** Action -> limits; user lists may name groups, account lists are ids ("*": no limit). */
  guardrails: Partial<Record<GuardedAction, GuardrailConfig>>;
  /** Production account ids. */
  productionAccounts: string[];
  confirmInProduction: ConfirmableAction[];
  /** How long a request waits for the second person, in minutes. */
  confirmMinutes: number;
  /** How long Mute lasts on a critical alert, in hours. */
  criticalMuteHours: number;
}

export interface GuardrailConfig {
  users?: string[];
  channels?: string[];
  accounts?: string[];
}

export type AggregatorMode = "organization" | "account" | "none";

export interface HubConfig extends CommonConfig {
  role: "hub";
  /** AWS Organizations id (o-...): bus, topic and key policies are scoped to it. */
  organizationId?: string;
  /** Account-list mode (no organization id): the accounts allowed to send to the hub. */
  memberAccounts: string[];
  /** Organization accounts that need no spoke: not reported as uncovered. */
  accountsWithoutSpoke: string[];
  /**
   * The Config aggregator: "organization" (needs the management account or a delegated
   * administrator for Config), "account" (the memberAccounts list) or "none". Unset: organization
   * with an organizationId, else account.
   */
  aggregator?: AggregatorMode;
  accountNames: Record<string, string>;
  /** Secret: webhook name -> URL; always has "default". Values are only known at deploy time. */
  slackWebhookNames: string[];
  slackRoutes: SlackRouteConfig[];
  /** Tag keys naming a resource's owner, tried in order, matched ignoring case. */
  ownerTagKeys: string[];
  defaultRoute: DefaultRouteConfig;
  /** Mute rules: matching events are not posted or emailed (remediation is not affected). */
  mutes: MuteRule[];
  /** Digests: events below immediateSeverity are posted together every windowMinutes. */
  grouping: GroupingConfig;
  /** Incidents: one Slack message per resource's incident, updated in place (app mode). */
  incidents: IncidentsConfig;
  /**
   * Slack app mode (a bot token is set): route destination name -> channel id. Absent in webhook
   * mode. The token itself is a secret (HubSecrets.slackBotToken).
   */
  slackChannels?: Record<string, string>;
  remediation: RemediationConfig;
  /** The longest prefix, per family, of a source range that counts as the world. */
  worldPrefixes: WorldPrefixes;
  chatops: ChatopsConfig;
  /**
   * Config rule names, besides the guard's own, whose compliance changes the Config topic passes
   * to the notifier (the spokes list the same names to forward them over EventBridge).
   */
  extraConfigRules?: string[];
  /** Which GuardDuty, Security Hub and Access Analyzer findings reach Slack. */
  findings: NotifyFilters;
}

export interface SpokeConfig extends CommonConfig {
  role: "spoke";
  /** Fully qualified hub stack name for the StackReference ("org/security-guard/hub"). */
  hubStack: string;
  /** Create the Config recorder and delivery channel (false where one exists, e.g. Control Tower). */
  createRecorder: boolean;
  /** Regions where the account already has a Config recorder and delivery channel: use them. */
  existingRecorderRegions?: string[];
  /** The one region that records global resource types (IAM): avoids duplicate items. */
  globalResourcesRegion: string;
  /** Optional tag scope for the restricted-ssh rule. */
  restrictedSshTag?: { key: string; value?: string };
  /** Create a multi-region CloudTrail trail (off where an organization trail exists). */
  createTrail: boolean;
  /** "account": authorize the hub's account-list aggregator; "organization": nothing to do. */
  aggregation: "organization" | "account";
  /** Config rule names, besides the guard's own, whose compliance changes this spoke forwards. */
  extraConfigRules?: string[];
  /** Also forward denied API calls (CIS 4.1; off by default: automation makes them often). */
  forwardUnauthorizedCalls: boolean;
}

export type StackConfig = HubConfig | SpokeConfig;

/** Secrets of a hub stack, kept apart from the plain config so they never reach logs or code. */
export interface HubSecrets<T> {
  slackWebhooks: T;
  slackSigningSecret?: T;
  /** The Slack app's bot token (app mode). */
  slackBotToken?: T;
}

/** The aggregator the hub creates (see HubConfig.aggregator). */
export function aggregatorMode(config: HubConfig): AggregatorMode {
  return config.aggregator ?? (config.organizationId ? "organization" : "account");
}
