// Authorize a click: the Slack user must be in the chat-ops configuration, allowed the alert's
// account, and have the access the action needs (read-only users may acknowledge only). The
// button's value is validated first: it is only a pointer, never trusted.
import { AlertAction, AlertRef } from "../../../shared/alertActions";
import { AlertActionMessage } from "../../shared/interaction";
import { escapeSlack } from "../format";
import {
  Access,
  accountLabel,
  ChatUser,
  ownValue,
  resolveAccount,
  resolveRegion,
  roleArn,
  WorkerSettings,
} from "../settings";
import { Step, stop } from "../steps";
import { ACTION_ACCESS } from "../access";
import { checkGuardrails } from "../../shared/guardrails";

export interface AuthorizedClick {
  ref: AlertRef;
  user: ChatUser;
  access: Access;
  roleArn: string;
  accountLabel: string;
  /** A production account's Revert or Exempt: a second authorised person must confirm. */
  needsSecondPerson: boolean;
}

export const ACTION_LABELS: Record<AlertAction, string> = {
  revert: "Revert",
  exempt: "Exempt",
  mute: "Mute 24 h",
  acknowledge: "Acknowledge",
};

/** `ref` is the alert's record (resolveAlert), never the button's value. */
export function authorizeClick(
  settings: WorkerSettings,
  msg: AlertActionMessage,
  ref: AlertRef,
  logFields: Record<string, unknown>,
): Step<AuthorizedClick> {
  const label = ACTION_LABELS[msg.action];
  Object.assign(logFields, {
    account: ref.accountId,
    region: ref.region,
    ...(ref.groupId ? { groupId: ref.groupId } : {}),
    ...(ref.resource ? { resource: ref.resource } : {}),
  });
  // Revert and Exempt act on a security group: a reference to another kind of alert has none.
  if ((msg.action === "revert" || msg.action === "exempt") && !ref.groupId)
    return stop("invalid", `Sorry, ${label} was not run: it applies to security-group alerts only.`);
  if (!settings.alertActions) {
    return stop(
      "denied",
      `Sorry, ${label} is not enabled: the hub's chat-ops settings have no alert actions.`,
    );
  }
  const user = ownValue(settings.users, msg.userId);
  if (!user) {
    return stop(
      "denied",
      `You (<@${escapeSlack(msg.userId)}>) may not act on alerts: access is granted per Slack user id in the hub ` +
        `stack's chat-ops config. Nothing was changed.`,
    );
  }
  const account = resolveAccount(settings, user, ref.accountId);
  if (!account.ok) return stop("denied", `Sorry, ${label} was not run: ${account.error}`);
  // As for slash commands: nothing is done to a security group in a Region chat-ops does not enable.
  // Alerts without a group (IAM, sign-in: global services recorded in us-east-1) are not regional.
  const region = ref.groupId ? resolveRegion(settings, ref.region) : undefined;
  if (region && !region.ok)
    return stop("denied", `Sorry, ${label} was not run: ${region.error} Nothing was changed.`);
  const access = ACTION_ACCESS[msg.action];
  if (access === "operator" && user.access !== "operator") {
    return stop(
      "denied",
      `Sorry, ${label} needs operator access; you have read-only access (you may Acknowledge). Nothing was changed.`,
    );
  }
  const g = checkGuardrails(settings.guardrails, {
    action: msg.action,
    userId: msg.userId,
    teamId: msg.teamId,
    channelId: msg.channelId ?? "",
    accountId: ref.accountId,
  });
  if (!g.allowed) return stop("denied", `Sorry, ${label} was not run: ${g.why}. Nothing was changed.`);
  const arn = roleArn(settings, ref.accountId, access);
  logFields.roleArn = arn;
  return {
    ok: true,
    value: {
      ref,
      user,
      access,
      roleArn: arn,
      accountLabel: accountLabel(settings, ref.accountId),
      needsSecondPerson: g.needsSecondPerson,
    },
  };
}
