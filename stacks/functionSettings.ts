// Each hub function's settings, built from the stack configuration in one place: the components
// capture exactly these objects into the functions' code, and the configuration check runs each
// function's own settings validator on them at deploy time. So the plan refuses whatever a function
// would refuse at its first cold start, naming the stack key that produced the bad setting.
import { validateNotifierSettings, NotifierSettings } from "../handlers/notifier/settings";
import { RemediatorSettings, remediatorSettingsProblems } from "../handlers/remediator/settings";
import { WorkerSettings, workerSettingsProblems } from "../handlers/chatops/worker/settings";
import { HubConfig } from "./configSchema";
import { workerSettingsFor } from "./components/chatops/settings";
import { chatopsAccounts } from "./chatopsAccounts";
import {
  ALERT_MUTES_TABLE_NAME,
  ALERT_RECORDS_TABLE_NAME,
  ALERT_THREADS_TABLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  HUB_BUS_NAME,
  INCIDENTS_TABLE_NAME,
  NAME_PREFIX,
  REMEDIATION_ROLE_NAME,
} from "./names";
import { partitionOf } from "./regions";
import { KeyProblem } from "./schemaProblems";

/** The notifier's email topic and de-duplication table (fixed names: the settings are plain strings). */
export const NOTIFIER_EMAIL_TOPIC_NAME = `${NAME_PREFIX}-email`;
/** The email topic's display name: the sender of its mails (SNS allows up to 100 characters). */
export const NOTIFIER_EMAIL_DISPLAY_NAME = "AWS Security Guard alerts";
export const NOTIFIER_SEEN_TABLE_NAME = `${NAME_PREFIX}-notifier-seen`;
/** The notifier's incidents (one item per incident key). */
export const NOTIFIER_INCIDENTS_TABLE_NAME = INCIDENTS_TABLE_NAME;
/** Where events below the immediate severity wait for the next digest run. */
export const NOTIFIER_DIGEST_QUEUE_NAME = `${NAME_PREFIX}-notifier-digest`;
/** The schedule rule whose runs post the digest. */
export const NOTIFIER_DIGEST_SCHEDULE_NAME = `${NAME_PREFIX}-notifier-digest`;

/** The digest queue's URL, as SQS forms it (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export function digestQueueUrl(config: HubConfig): string {
  const region = config.regions[0];
  const suffix = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${suffix}/${config.accountId}/${NOTIFIER_DIGEST_QUEUE_NAME}`;
}

/** Whether any route (or the default route) has email recipients. */
export function hasEmail(config: HubConfig): boolean {
  return !!config.defaultRoute.email?.length || config.slackRoutes.some((r) => !!r.email?.length);
}

export function notifierSettings(config: HubConfig): NotifierSettings {
  const region = config.regions[0];
  return {
    accountNames: config.accountNames,
    // Addresses stay in the stack (they are the email subscriptions); the function needs only which routes email.
    routes: config.slackRoutes.map(({ email, ...r }) => ({
      ...r,
      ...(email?.length ? { email: true } : {}),
    })),
    ...(config.defaultRoute.minSeverity || config.defaultRoute.email?.length
      ? {
          defaultRoute: {
            ...(config.defaultRoute.minSeverity ? { minSeverity: config.defaultRoute.minSeverity } : {}),
            ...(config.defaultRoute.email?.length ? { email: true } : {}),
          },
        }
      : {}),
    ...(config.mutes.length ? { mutes: config.mutes } : {}),
    ownerTagKeys: config.ownerTagKeys,
    // Owners the event does not carry are read through the spoke's read role.
    ...(config.slackRoutes.some((r) => r.owners)
      ? { lookups: { partition: partitionOf(region), roleName: COVERAGE_READER_ROLE_NAME } }
      : {}),
    sshConfigRules: config.remediation.configRuleNames,
    ...(config.worldPrefixes ? { worldPrefixes: config.worldPrefixes } : {}),
    ...(hasEmail(config)
      ? {
          emailTopicArn: `arn:${partitionOf(region)}:sns:${region}:${config.accountId}:${NOTIFIER_EMAIL_TOPIC_NAME}`,
        }
      : {}),
    dedupe: { tableName: NOTIFIER_SEEN_TABLE_NAME },
    // Buttons need the interactivity endpoint, which chat-ops serves.
    alertActions: config.chatops.enabled,
    ...(config.chatops.enabled ? { criticalMuteHours: config.chatops.criticalMuteHours } : {}),
    // The Mute button's mutes (the chat-ops worker writes them).
    ...(config.chatops.enabled
      ? { runtimeMutesTable: ALERT_MUTES_TABLE_NAME, alertRecordsTable: ALERT_RECORDS_TABLE_NAME }
      : {}),
    ...(config.slackChannels
      ? { app: { channels: config.slackChannels, threadTable: ALERT_THREADS_TABLE_NAME } }
      : {}),
    ...(config.incidents.enabled
      ? {
          incidents: {
            tableName: NOTIFIER_INCIDENTS_TABLE_NAME,
            windowSeconds: config.incidents.joinWindowHours * 3600,
          },
        }
      : {}),
    ...(config.grouping.enabled
      ? {
          grouping: {
            queueUrl: digestQueueUrl(config),
            windowMinutes: config.grouping.windowMinutes,
            immediateSeverity: config.grouping.immediateSeverity,
          },
        }
      : {}),
  };
}

export function remediatorSettings(config: HubConfig): RemediatorSettings {
  const partition = partitionOf(config.regions[0]);
  return {
    partition,
    roleName: REMEDIATION_ROLE_NAME,
    dryRun: config.remediation.dryRun,
    dryRunAccounts: config.remediation.dryRunAccounts,
    exemptTagKey: config.remediation.exemptTagKey,
    configRuleNames: config.remediation.configRuleNames,
    revokeWholeRule: config.remediation.revokeWholeRule,
    worldPrefixes: config.worldPrefixes,
    reportBus: `arn:${partition}:events:${config.regions[0]}:${config.accountId}:event-bus/${HUB_BUS_NAME}`,
    // Exempt is pressed only where chat-ops acts: those accounts and regions are checked.
    exemptions: {
      defaultDays: config.remediation.exemptionDays.default,
      targets: config.chatops.enabled
        ? [...chatopsAccounts(config.accountId, config.memberAccounts, config.accountNames)]
            .sort()
            .map((accountId) => ({ accountId, regions: [...config.chatops.regions] }))
        : [],
    },
  };
}

/** The worker's settings exactly as the chat-ops component builds them. */
export function workerSettings(config: HubConfig): WorkerSettings {
  return workerSettingsFor(config, partitionOf(config.regions[0]));
}

interface FunctionContract {
  /** The function's name in messages. */
  name: string;
  deployed: (config: HubConfig) => boolean;
  problems: (config: HubConfig) => string[];
  /** The first segment of a settings path -> the stack key it comes from; "" for the fallback. */
  keys: Record<string, string>;
}

const CONTRACTS: FunctionContract[] = [
  {
    name: "notifier",
    deployed: () => true,
    problems: (c) => validateNotifierSettings(notifierSettings(c)),
    keys: {
      routes: "slackRoutes",
      accountNames: "accountNames",
      mutes: "mutes",
      defaultRoute: "defaultRoute",
      sshConfigRules: "remediation.configRuleNames",
      worldPrefixes: "worldPrefixes",
      ownerTagKeys: "ownerTagKeys",
      app: "slackChannels",
      "": "slackRoutes",
    },
  },
  {
    name: "remediator",
    deployed: (c) => c.remediation.enabled,
    // The function reads only its own settings at cold start (the report bus is in them).
    problems: (c) => remediatorSettingsProblems(remediatorSettings(c), {}),
    keys: {
      dryRun: "remediation.dryRun",
      dryRunAccounts: "remediation.dryRunAccounts",
      exemptTagKey: "remediation.exemptTagKey",
      exemptions: "remediation.exemptionDays",
      configRuleNames: "remediation.configRuleNames",
      worldPrefixes: "worldPrefixes",
      "": "remediation",
    },
  },
  {
    name: "chat-ops worker",
    deployed: (c) => c.chatops.enabled,
    problems: (c) => workerSettingsProblems(workerSettings(c)),
    keys: {
      accounts: "accountNames",
      users: "chatops.users",
      defaultAccount: "chatops.defaultAccount",
      defaultRegion: "chatops.defaultRegion",
      regions: "chatops.regions",
      worldPrefixes: "worldPrefixes",
      "": "chatops",
    },
  },
];

/** The value at "a.b[0].c" in the configuration values. */
function valueAt(values: Record<string, unknown>, key: string): unknown {
  let at: unknown = values;
  for (const seg of key.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[seg];
  }
  return at;
}

/**
 * Runs every deployed function's own settings validator on the settings this configuration gives
 * it. Each problem names the stack key its setting comes from ("routes[0].accounts" is
 * slackRoutes[0].accounts) and that key's value.
 */
export function functionSettingsProblems(config: HubConfig, values: Record<string, unknown>): KeyProblem[] {
  const out: KeyProblem[] = [];
  for (const contract of CONTRACTS) {
    if (!contract.deployed(config)) continue;
    for (const message of contract.problems(config)) {
      // Settings problems start with the setting's path: "routes[0].accounts must be ...".
      const path = /^[A-Za-z]\w*(?:\[\d+\]|\.[\w-]+)*/.exec(message)?.[0] ?? "";
      const [first] = path.split(/[.[]/);
      const mapped = contract.keys[first];
      const key = mapped ? mapped + path.slice(first.length) : contract.keys[""];
      const known = valueAt(values, key) !== undefined ? key : (mapped ?? contract.keys[""]);
      out.push({
        key: known,
        value: valueAt(values, known),
        why: `the ${contract.name} function would refuse this at every cold start: ${message}`,
      });
    }
  }
  return out;
}
