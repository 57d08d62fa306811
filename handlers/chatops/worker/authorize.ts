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

export interface Authorized {
  account: string;
  region: string;
  access: Access;
  roleArn: string;
}

// A plain array, not a module-level Set: closure serialization turns a captured Set into a plain
// object ("Set.prototype.has called on incompatible receiver" in the deployed package).
const NEEDS_OPERATOR: ReadonlyArray<ChatCommand["kind"]> = ["ec2-start", "ec2-stop"];

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
  if (cmd.kind === "accounts") return stop("ok", accountsText(settings, user));

  const account = resolveAccount(settings, user, "account" in cmd ? cmd.account : undefined);
  if (!account.ok) return stop("denied", `Sorry, ${account.error}`);
  logFields.account = account.value;
  const region = resolveRegion(settings, "region" in cmd ? cmd.region : undefined);
  if (!region.ok) return stop("invalid", `Sorry, ${region.error}`);
  logFields.region = region.value;
  const access: Access = NEEDS_OPERATOR.includes(cmd.kind) ? "operator" : "read-only";
  if (access === "operator" && user.access !== "operator") {
    return stop(
      "denied",
      `Sorry, \`${describeCommand(cmd)}\` needs operator access; you have read-only access. ` +
        `You may use \`ec2 list\`, \`ec2 console\`, \`s3 list\`, \`s3 usage\` and \`accounts\`.`,
    );
  }
  const arn = roleArn(settings, account.value, access);
  logFields.roleArn = arn;
  return { ok: true, value: { account: account.value, region: region.value, access, roleArn: arn } };
}
