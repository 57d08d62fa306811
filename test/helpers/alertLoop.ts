// The world of the alert-button tests on loopback: the notifier posts an alert to the Slack
// stand-in, a signed click goes through the ack (replay table, commands topic) and the worker
// (mutes and records tables, the hub's alert-actions role, the events bus), all in moto.
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { WorkerSettings } from "../../handlers/chatops/worker";
import type { NotifierSettings } from "../../handlers/notifier";
import { TopicProbe, topicProbe } from "../../verify/topicProbe";
import { RECORDS_TABLE, createRecordsTable } from "../handlers/chatops/alertRecord";
import * as w from "../handlers/chatops/world";
import { MOTO_DEFAULT_ACCOUNT } from "./moto";
import { createSeenTable } from "./seenTable";

/** The ack's Slack signing secret. */
export const SIGNING_SECRET = "0123456789abcdef0123456789abcdef";
export const REPLAY_TABLE = "security-guard-chatops-requests";
export const MUTES_TABLE = "security-guard-alert-mutes";
export const THREADS_TABLE = "security-guard-alert-threads";
export const EVENTS_BUS = `arn:aws:events:us-east-1:${MOTO_DEFAULT_ACCOUNT}:event-bus/security-guard-events`;
export const EXEMPT_TAG = "security-guard:ssh-exempt";
export const ACTIONS_ROLE = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/security-guard-alert-actions`;

/** The worker with alert actions on: exempt tag, mutes and records tables, report bus, actions role. */
export const ALERT_WORKER: WorkerSettings = {
  ...w.SETTINGS,
  alertActions: {
    exemptTagKey: EXEMPT_TAG,
    dryRun: false,
    dryRunAccounts: [],
    mutesTable: MUTES_TABLE,
    recordsTable: RECORDS_TABLE,
    reportBus: EVENTS_BUS,
    actionsRoleArn: ACTIONS_ROLE,
  },
};

/** The notifier recording its alerts (so their buttons point at a record), the prod spoke named. */
export const ALERT_NOTIFIER: NotifierSettings = {
  accountNames: { [w.PROD]: "prod" },
  routes: [],
  alertActions: true,
  alertRecordsTable: RECORDS_TABLE,
};

/** Per test: the replay, mutes, records and threads tables, the events bus, and the commands topic. */
export async function createAlertLoop(): Promise<TopicProbe> {
  await createSeenTable(REPLAY_TABLE);
  await createSeenTable(MUTES_TABLE);
  await createRecordsTable();
  await createSeenTable(THREADS_TABLE);
  const commands = await topicProbe("security-guard-chatops-commands");
  await new EventBridgeClient({ region: "us-east-1" }).send(
    new CreateEventBusCommand({ Name: "security-guard-events" }),
  );
  return commands;
}
