// Step 2, authorize: who the Slack user is in config, which account and region the command targets,
// and whether the user's access allows it. `accounts` is answered here (it needs nothing else).
import { ChatCommand, describeCommand, SlashCommandMessage } from "../shared/command";
import {
  Access,
  allowedAccounts,
  ChatUser,
  ownValue,
  resolveAccount,
  resolveRegion,
  roleArn,
  WorkerSettings,
} from "./settings";
import { shown } from "../shared/text";
import { Step, stop } from "./steps";
import { ACTION_ACCESS } from "./access";
import { checkGuardrails } from "../shared/guardrails";

export interface Authorized {
  account: string;
  region: string;
  access: Access;
  roleArn: string;
}

export function accountsText(s: WorkerSettings, user: ChatUser): string {
  const lines = allowedAccounts(s, user).map(
    (id) => `• \`${s.accounts[id]}\` (${id})${id === s.defaultAccount ? " (default)" : ""}`,
  );
  const regions = s.regions.map((r) => `\`${r}\`${r === s.defaultRegion ? " (default)" : ""}`).join(", ");
  return [`You have *${user.access}* access to:`, ...lines, `Regions: ${regions}.`].join("\n");
}

/** Sets `logFields.account`, `.region` and `.roleArn` as they are decided. */
export function authorizeStep(
  settings: WorkerSettings,
  msg: SlashCommandMessage,
  cmd: ChatCommand,
  logFields: Record<string, unknown>,
): Step<Authorized> {
  const user: ChatUser | undefined = ownValue(settings.users, msg.userId);
  if (!user) {
    const id = shown(msg.userId);
    const command = shown(msg.command);
    return stop(
      "denied",
      `You (<@${id}>) are not allowed to use \`${command}\`. ` +
        `Access is granted per Slack user id in the hub stack's chat-ops config; ask the platform team to add ${id}. ` +
        `\`${command} help\` lists the commands.`,
    );
  }
  const guarded = (accountId?: string) =>
    cmd.kind === "help"
      ? undefined
      : checkGuardrails(settings.guardrails, {
          action: cmd.kind,
          userId: msg.userId,
          teamId: msg.teamId,
          channelId: msg.channelId,
          accountId,
        });
  const refused = (accountId?: string) => {
    const g = guarded(accountId);
    return g && !g.allowed
      ? stop("denied", `Sorry, \`${describeCommand(cmd)}\` was not run: ${g.why}.`)
      : undefined;
  };
  if (cmd.kind === "accounts") return refused() ?? stop("ok", accountsText(settings, user));

  const account = resolveAccount(settings, user, "account" in cmd ? cmd.account : undefined);
  if (!account.ok) return stop("denied", `Sorry, ${account.error}`);
  logFields.account = account.value;
  const region = resolveRegion(settings, "region" in cmd ? cmd.region : undefined);
  if (!region.ok) return stop("invalid", `Sorry, ${region.error}`);
  logFields.region = region.value;
  const access: Access = cmd.kind === "help" ? "read-only" : ACTION_ACCESS[cmd.kind];
  if (access === "operator" && user.access !== "operator") {
    return stop(
      "denied",
      `Sorry, \`${describeCommand(cmd)}\` needs operator access; you have read-only access. ` +
        `You may use \`ec2 list\`, \`ec2 console\`, \`s3 list\`, \`s3 usage\` and \`accounts\`.`,
    );
  }
  const denied = refused(account.value);
  if (denied) return denied;
  const arn = roleArn(settings, account.value, access);
  logFields.roleArn = arn;
  return { ok: true, value: { account: account.value, region: region.value, access, roleArn: arn } };
}
