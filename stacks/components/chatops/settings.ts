// The settings the chat-ops functions are built with, derived from the hub stack config. The
// functions validate them with their own validators at cold start.
import { AckSettings } from "../../../handlers/chatops/ack";
import { WorkerSettings } from "../../../handlers/chatops/worker";
import { GuardrailConfig, HubConfig } from "../../configSchema";
import { GuardedAction, Guardrails } from "../../../handlers/chatops/shared/guardrails";
import {
  ALERT_CONFIRMATIONS_TABLE_NAME,
  ALERT_MUTES_TABLE_NAME,
  ALERT_RECORDS_TABLE_NAME,
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  ALERT_THREADS_TABLE_NAME,
  HUB_BUS_NAME,
  INCIDENTS_TABLE_NAME,
} from "../../names";
import { chatopsAccounts } from "../../chatopsAccounts";
import { alertActionsRoleArn } from "./alertActionsRole";

export function ackSettingsFor(config: HubConfig): AckSettings {
  return {
    commandName: config.chatops.commandName,
    // Who gets Exempt's reason dialog (the worker decides every action with the full config).
    operators: Object.keys(config.chatops.users)
      .filter((id) => config.chatops.users[id].access === "operator")
      .sort(),
    exemptionDays: {
      defaultDays: config.remediation.exemptionDays.default,
      maxDays: config.remediation.exemptionDays.max,
    },
  };
}

/** The guardrails as the functions compare them: groups expanded, "*" as no limit. */
export function guardrailsFor(chatops: HubConfig["chatops"]): Guardrails {
  const rules: Guardrails["rules"] = {};
  const limit = (list: string[] | undefined): string[] | undefined =>
    list === undefined || list.includes("*") ? undefined : list;
  for (const [action, rule] of Object.entries(chatops.guardrails) as Array<
    [GuardedAction, GuardrailConfig]
  >) {
    const users = limit(rule.users)?.flatMap((u) =>
      Object.prototype.hasOwnProperty.call(chatops.groups, u) ? chatops.groups[u] : [u],
    );
    const channels = limit(rule.channels);
    const accounts = limit(rule.accounts);
    rules[action] = {
      ...(users ? { users: [...new Set(users)].sort() } : {}),
      ...(channels ? { channels } : {}),
      ...(accounts ? { accounts } : {}),
    };
  }
  return {
    ...(chatops.teamId ? { teamId: chatops.teamId } : {}),
    rules,
    productionAccounts: chatops.productionAccounts,
    confirmInProduction: chatops.confirmInProduction,
  };
}

export function workerSettingsFor(config: HubConfig, partition: string): WorkerSettings {
  const accounts: Record<string, string> = {};
  for (const id of chatopsAccounts(config.accountId, config.memberAccounts, config.accountNames)) {
    accounts[id] = config.accountNames[id] ?? id;
  }
  return {
    partition,
    defaultAccount: config.chatops.defaultAccount,
    defaultRegion: config.chatops.defaultRegion,
    regions: config.chatops.regions,
    accounts,
    users: config.chatops.users,
    guardrails: guardrailsFor(config.chatops),
    readOnlyRoleName: CHATOPS_READONLY_ROLE_NAME,
    operatorRoleName: CHATOPS_OPERATOR_ROLE_NAME,
    // The same world as the notifier's, which records what Revert may take back.
    ...(config.worldPrefixes ? { worldPrefixes: config.worldPrefixes } : {}),
    // The buttons on alerts follow the remediation's exemption and dry-run rules.
    alertActions: {
      exemptTagKey: config.remediation.exemptTagKey,
      exemptionDays: {
        defaultDays: config.remediation.exemptionDays.default,
        maxDays: config.remediation.exemptionDays.max,
      },
      dryRun: config.remediation.dryRun,
      dryRunAccounts: config.remediation.dryRunAccounts,
      mutesTable: ALERT_MUTES_TABLE_NAME,
      recordsTable: ALERT_RECORDS_TABLE_NAME,
      actionsRoleArn: alertActionsRoleArn(partition, config.accountId),
      reportBus: `arn:${partition}:events:${config.regions[0]}:${config.accountId}:event-bus/${HUB_BUS_NAME}`,
      // Production accounts: Revert/Exempt wait here for a second authorised person.
      confirmationsTable: ALERT_CONFIRMATIONS_TABLE_NAME,
      confirmMinutes: config.chatops.confirmMinutes,
      // Slack app mode: outcomes are also replied in the alert's thread.
      ...(config.slackChannels ? { threadTable: ALERT_THREADS_TABLE_NAME } : {}),
      // Mute and Acknowledge set the state of the alert's incident (the notifier's table).
      ...(config.incidents.enabled
        ? {
            incidents: {
              tableName: INCIDENTS_TABLE_NAME,
              windowSeconds: config.incidents.joinWindowHours * 3600,
            },
          }
        : {}),
    },
  };
}
