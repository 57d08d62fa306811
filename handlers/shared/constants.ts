// Names shared by the stacks (which create the resources) and the handlers (which use them).
// Kept here because handlers/ may not import stacks/ (handlers never depend on @pulumi/*).

/** Prefix of every physical name we create, so IAM policies can be scoped by name. */
export const NAME_PREFIX = "security-guard";

/** The managed Config rule every spoke region deploys (source identifier INCOMING_SSH_DISABLED). */
export const RESTRICTED_SSH_RULE_NAME = `${NAME_PREFIX}-restricted-ssh`;

/** Role each spoke account creates for the hub's remediation function to assume. */
export const REMEDIATION_ROLE_NAME = `${NAME_PREFIX}-remediation`;
/** Roles each spoke account creates for the hub's chat-ops worker (read-only and operator). */
export const CHATOPS_READONLY_ROLE_NAME = `${NAME_PREFIX}-chatops-readonly`;
export const CHATOPS_OPERATOR_ROLE_NAME = `${NAME_PREFIX}-chatops-operator`;

/** EventBridge `source` and `detail-type` of the remediation function's result reports. */
export const REMEDIATION_EVENT_SOURCE = "security-guard.remediation";
export const REMEDIATION_DETAIL_TYPE = "SSH Remediation Result";

/** Tag on a security group that exempts it from automatic remediation (value "true"). */
export const DEFAULT_EXEMPT_TAG_KEY = "security-guard:ssh-exempt";

/** Environment variable names the stacks set and the handlers read. */
export const ENV = {
  /** Base64 KMS ciphertext (context LambdaFunctionName) of a JSON map of webhook name to URL. */
  slackWebhooksCiphertext: "SLACK_WEBHOOKS_CIPHERTEXT",
  /** Plain JSON map of webhook name to URL: honoured only when LOCAL_RUN=1 (local runs, tests). */
  slackWebhooksPlain: "SLACK_WEBHOOKS",
  /** Base64 KMS ciphertext (context LambdaFunctionName) of the Slack signing secret. */
  signingSecretCiphertext: "SLACK_SIGNING_SECRET_CIPHERTEXT",
  /** Plain signing secret: honoured only when LOCAL_RUN=1. */
  signingSecretPlain: "SLACK_SIGNING_SECRET",
  /** Base64 KMS ciphertext (context LambdaFunctionName) of the Slack app's bot token (app mode). */
  slackBotTokenCiphertext: "SLACK_BOT_TOKEN_CIPHERTEXT",
  /** Plain bot token: honoured only when LOCAL_RUN=1. */
  slackBotTokenPlain: "SLACK_BOT_TOKEN",
  /** Slack Web API base URL: only a loopback stand-in, only when LOCAL_RUN=1 (tests). */
  slackApiBaseUrl: "SLACK_API_BASE_URL",
  /** Marks a local (non-Lambda) run in which plaintext secrets are acceptable. */
  localRun: "LOCAL_RUN",
  /** SNS topic between the slash-command ack and worker functions. */
  commandTopicArn: "COMMAND_TOPIC_ARN",
  /** DynamoDB table in which the slash-command ack records each request once (replay refusal). */
  replayTableName: "REPLAY_TABLE_NAME",
  /** Hub event bus (name or ARN) that the remediation function reports to. */
  reportBus: "REPORT_EVENT_BUS",
} as const;

/** The hub's record of when each spoke region was last heard from (handlers/coverage/lastSeen.ts). */
export const LIVENESS_TABLE_NAME = `${NAME_PREFIX}-liveness`;
/** Hub role `npm run coverage` assumes: lists the organization, reads the liveness table. */
export const COVERAGE_ROLE_NAME = `${NAME_PREFIX}-coverage`;
/** Role in each spoke that the coverage role and the liveness function assume to read detectors. */
export const COVERAGE_READER_ROLE_NAME = `${NAME_PREFIX}-coverage-reader`;
/** The heartbeat each spoke region puts on its default bus; its forwarding rule carries it to the hub. */
export const HEARTBEAT_SOURCE = `${NAME_PREFIX}.heartbeat`;
export const HEARTBEAT_DETAIL_TYPE = "Security Guard Heartbeat";
/** Role in each spoke that EventBridge Scheduler sends the region's heartbeats with. */
export const HEARTBEAT_ROLE_NAME = `${NAME_PREFIX}-heartbeat`;
/**
 * The heartbeat paths: "forwarding" (the schedule's event on the default bus, forwarded by a rule)
 * and "cloudtrail" (the schedule's TagResource call on its own schedule group, which reaches
 * EventBridge only through a logging trail that records management write events).
 */
export const HEARTBEAT_PATHS = ["forwarding", "cloudtrail"] as const;
/** Minutes between heartbeats: a region is silent after two missed. */
export const HEARTBEAT_INTERVAL_MINUTES = 15;
/** The liveness function's alerts on the hub bus (silence, recovery, accounts without a spoke, summary). */
export const LIVENESS_EVENT_SOURCE = `${NAME_PREFIX}.liveness`;
/** detail-type of each liveness alert (mutes: the weekly list of Slack mutes and exemptions in force). */
export const LIVENESS_DETAIL_TYPES = {
  silent: "Spoke Region Silent",
  recovered: "Spoke Region Recovered",
  noSpoke: "Account Without Spoke",
  summary: "Coverage Summary",
  mutes: "Mutes And Exemptions Summary",
} as const;
/** The schedules' constant inputs to the liveness function. */
export const LIVENESS_CHECK_EVENT = { "security-guard": "liveness-check" } as const;
export const COVERAGE_SUMMARY_EVENT = { "security-guard": "coverage-summary" } as const;
