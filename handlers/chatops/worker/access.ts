// One decision per action, for the worker and for `npm run access`: the user's chat-ops access
// (operator or read-only, and its accounts), then the guardrails (workspace, users, channels,
// accounts, second person in production). The worker's authorize steps refuse with the same
// reasons, so what the command explains is what a click or a command gets.
import { checkGuardrails, GuardedAction, GUARDED_ACTIONS, GuardrailDecision } from "../shared/guardrails";
import { Access, accountLabel, allowedAccounts, ownValue, WorkerSettings } from "./settings";

/** The chat-ops access each action needs: only start/stop and the alert actions that change something need operator. */
export const ACTION_ACCESS: Record<GuardedAction, Access> = {
  revert: "operator",
  exempt: "operator",
  mute: "operator",
  acknowledge: "read-only",
  accounts: "read-only",
  "ec2-list": "read-only",
  "ec2-console": "read-only",
  "ec2-start": "operator",
  "ec2-stop": "operator",
  "s3-list": "read-only",
  "s3-usage": "read-only",
};

const ALERT_BUTTONS: ReadonlyArray<GuardedAction> = ["revert", "exempt", "mute", "acknowledge"];

export interface AccessQuery {
  userId: string;
  teamId?: string;
  channelId?: string;
  accountId?: string;
}

/** Whether `q.userId` may use `action` (in q's channel, on q's account), and why. */
export function decideAction(s: WorkerSettings, action: GuardedAction, q: AccessQuery): GuardrailDecision {
  const user = ownValue(s.users, q.userId);
  if (!user)
    return { allowed: false, why: "you are not in the chat-ops users (access is granted per Slack user id)" };
  if (ALERT_BUTTONS.includes(action) && !s.alertActions)
    return { allowed: false, why: "alert actions are not enabled in the hub's chat-ops settings" };
  if (q.accountId !== undefined && !allowedAccounts(s, user).includes(q.accountId))
    return {
      allowed: false,
      why: `your access does not include account ${ownValue(s.accounts, q.accountId) !== undefined ? accountLabel(s, q.accountId) : q.accountId}`,
    };
  if (ACTION_ACCESS[action] === "operator" && user.access !== "operator")
    return { allowed: false, why: `${action} needs operator access; you have read-only access` };
  const g = checkGuardrails(s.guardrails, { action, ...q });
  if (!g.allowed) return g;
  const base = `${user.access} access${q.accountId !== undefined ? ` to ${accountLabel(s, q.accountId)}` : ""}`;
  return { ...g, why: g.why ? `${base}; ${g.why}` : base };
}

/** Every action's decision for one user, channel and account (`npm run access`). */
export function explainAccess(
  s: WorkerSettings,
  q: AccessQuery,
): Record<GuardedAction, { allowed: boolean; why: string }> {
  const out = {} as Record<GuardedAction, { allowed: boolean; why: string }>;
  for (const action of GUARDED_ACTIONS) {
    const accountId = action === "accounts" ? undefined : (q.accountId ?? s.defaultAccount);
    const d = decideAction(s, action, { ...q, accountId });
    out[action] = { allowed: d.allowed, why: d.why };
  }
  return out;
}
