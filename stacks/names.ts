// Physical names of what we create. Fixed names let policies, encryption contexts and the
// spokes' trust policies refer to resources before they exist.
import {
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_ROLE_NAME,
  HEARTBEAT_ROLE_NAME,
  LIVENESS_TABLE_NAME,
  NAME_PREFIX,
  REMEDIATION_ROLE_NAME,
  RESTRICTED_SSH_RULE_NAME,
} from "../handlers/shared/constants";

export {
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_ROLE_NAME,
  HEARTBEAT_ROLE_NAME,
  LIVENESS_TABLE_NAME,
  NAME_PREFIX,
  REMEDIATION_ROLE_NAME,
  RESTRICTED_SSH_RULE_NAME,
};

/** The central event bus in the hub account, us-east-1. */
export const HUB_BUS_NAME = `${NAME_PREFIX}-events`;

/** Lambda function names in the hub (also the KMS encryption context LambdaFunctionName). */
export const FUNCTION_NAMES = {
  notifier: `${NAME_PREFIX}-notifier`,
  remediator: `${NAME_PREFIX}-remediator`,
  chatopsAck: `${NAME_PREFIX}-chatops-ack`,
  chatopsWorker: `${NAME_PREFIX}-chatops-worker`,
  liveness: `${NAME_PREFIX}-liveness`,
} as const;

/** DynamoDB table in which the slash-command ack records each Slack request once (replay refusal). */
export const CHATOPS_REQUESTS_TABLE_NAME = `${NAME_PREFIX}-chatops-requests`;

/** DynamoDB table of mutes written from Slack (the Mute button), which the notifier reads. */
export const ALERT_MUTES_TABLE_NAME = `${NAME_PREFIX}-alert-mutes`;
/**
 * Hub role the chat-ops worker assumes as the Slack user for Mute and Acknowledge (source identity
 * slack-<user id>, session tags naming the action and the alert): the hub's CloudTrail names them.
 */
export const ALERT_ACTIONS_ROLE_NAME = `${NAME_PREFIX}-alert-actions`;
/**
 * DynamoDB table of what each posted alert may act on (the notifier writes, the chat-ops worker
 * reads): an alert's buttons carry only a pointer to their record.
 */
export const ALERT_RECORDS_TABLE_NAME = `${NAME_PREFIX}-alert-records`;
/** The notifier's incidents (the notifier writes; the chat-ops worker sets muted/acknowledged). */
export const INCIDENTS_TABLE_NAME = `${NAME_PREFIX}-incidents`;
/**
 * DynamoDB table of production Revert/Exempt requests waiting for a second authorised person
 * (the chat-ops worker alone reads and writes it; items expire by TTL).
 */
export const ALERT_CONFIRMATIONS_TABLE_NAME = `${NAME_PREFIX}-alert-confirmations`;
/** DynamoDB table of where alerts were posted in Slack app mode (channel, ts), for thread replies. */
export const ALERT_THREADS_TABLE_NAME = `${NAME_PREFIX}-alert-threads`;

/** Role names of the hub's functions: spokes trust these exact ARNs. */
export function functionRoleName(fn: string): string {
  return `${fn}-role`;
}

/** Role in each spoke that EventBridge uses to put events on the hub bus. */
export const FORWARDER_ROLE_NAME = `${NAME_PREFIX}-forwarder`;
/** Role AWS Config uses in each spoke. */
export const CONFIG_ROLE_NAME = `${NAME_PREFIX}-config`;

/** Tag that marks an SNS topic as unencrypted on purpose; its value says why (the policy pack requires one). */
export const SNS_ENCRYPTION_EXEMPT_TAG = `${NAME_PREFIX}:encryption-exempt`;
