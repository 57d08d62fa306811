// Guardrails: per action (each button on alerts, each slash command) which Slack users may use it,
// in which channels and for which accounts, in which Slack workspace; and which actions need a
// second authorised person in production accounts. They narrow what a user's chat-ops access
// (operator or read-only, and its accounts) allows; they never widen it. This mirrors what AWS's
// chat integration does per channel with guardrail policies
// (https://docs.aws.amazon.com/chatbot/latest/adminguide/understanding-permissions.html#channel-guardrails).
// The stack resolves account names and user groups to ids, so only ids are compared here. Keep
// this file free of imports: the ack reads the workspace pin on its cold-start path.

/** Everything a guardrail can name: the alert buttons and the slash commands. */
export const GUARDED_ACTIONS = [
  "revert",
  "exempt",
  "mute",
  "acknowledge",
  "accounts",
  "ec2-list",
  "ec2-console",
  "ec2-start",
  "ec2-stop",
  "s3-list",
  "s3-usage",
] as const;
export type GuardedAction = (typeof GUARDED_ACTIONS)[number];

/** Actions that may need a second authorised person in production accounts. */
export const CONFIRMABLE_ACTIONS = ["revert", "exempt"] as const;
export type ConfirmableAction = (typeof CONFIRMABLE_ACTIONS)[number];

/** One action's limits; a missing list means "no limit of this kind". */
export interface GuardrailRule {
  /** Slack user ids allowed (user groups already expanded to their members). */
  users?: string[];
  /** Slack channel ids (C..., G..., D...) the action may be used in. */
  channels?: string[];
  /** 12-digit account ids the action may target. */
  accounts?: string[];
}

export interface Guardrails {
  /** The Slack workspace (team id, T...) the app serves: anything from another is refused. */
  teamId?: string;
  rules: Partial<Record<GuardedAction, GuardrailRule>>;
  /** Accounts marked production. */
  productionAccounts: string[];
  /** Actions that need a second authorised person in a production account. */
  confirmInProduction: ConfirmableAction[];
}

export interface GuardrailQuery {
  action: GuardedAction;
  userId: string;
  teamId?: string;
  /** Absent: the channel is not known (the access command without --channel). */
  channelId?: string;
  /** Absent: the action targets no account (accounts, help). */
  accountId?: string;
}

export type GuardrailDecision =
  { allowed: true; why: string; needsSecondPerson: boolean } | { allowed: false; why: string };

const own = (rec: object, key: string): boolean => Object.prototype.hasOwnProperty.call(rec, key);

/** "`C1`, `C2`" for a refusal. */
const listed = (ids: string[]): string => (ids.length ? ids.map((id) => `\`${id}\``).join(", ") : "none");

/** Whether the guardrails allow `q`, and why; the user's own access is checked by the caller. */
export function checkGuardrails(g: Guardrails | undefined, q: GuardrailQuery): GuardrailDecision {
  const notes: string[] = [];
  if (g?.teamId && q.teamId !== undefined && q.teamId !== g.teamId)
    return {
      allowed: false,
      why: `this Slack workspace (\`${q.teamId}\`) is not the one the guard serves`,
    };
  const rule = g && own(g.rules, q.action) ? g.rules[q.action] : undefined;
  if (rule?.users && !rule.users.includes(q.userId))
    return { allowed: false, why: `the guardrail for ${q.action} does not list you` };
  if (rule?.channels) {
    if (q.channelId === undefined) notes.push(`only in channels ${listed(rule.channels)}`);
    else if (!rule.channels.includes(q.channelId))
      return {
        allowed: false,
        why: `${q.action} may not be used in this channel (\`${q.channelId}\`); it may be used in ${listed(rule.channels)}`,
      };
  }
  if (rule?.accounts && q.accountId !== undefined && !rule.accounts.includes(q.accountId))
    return {
      allowed: false,
      why: `${q.action} may not target account ${q.accountId}; it may target ${listed(rule.accounts)}`,
    };
  const needsSecondPerson =
    q.accountId !== undefined &&
    (g?.productionAccounts ?? []).includes(q.accountId) &&
    (g?.confirmInProduction ?? []).some((a) => a === q.action);
  if (needsSecondPerson) notes.push("a second authorised person must confirm (production account)");
  return {
    allowed: true,
    why: rule
      ? `the guardrail for ${q.action} allows it${notes.length ? `, ${notes.join("; ")}` : ""}`
      : notes.join("; "),
    needsSecondPerson,
  };
}
