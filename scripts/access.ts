// `npm run access -- --user ID [--channel ID] [--account ID|NAME] [--stack NAME] [--json]`: what a
// Slack user may do where, and why: for every alert button and slash command, the decision the
// chat-ops worker would make (the user's access, then the guardrails) for that channel and
// account (default: the chat-ops default account). `--json` prints
// {"actions":{"<action>":{"allowed":true|false,"why":"..."}}}.
import * as path from "path";
import { HubConfig } from "../stacks/configSchema";
import { workerSettings } from "../stacks/functionSettings";
import { explainAccess } from "../handlers/chatops/worker/access";
import { listStackFiles, validConfigs } from "../verify/stackFiles";

const USAGE =
  "usage: npm run access -- --user SLACK_USER_ID [--channel CHANNEL_ID] [--account ID|NAME] [--stack NAME] [--json]";

function fail(message: string): never {
  process.stderr.write(`access: ${message}\n`);
  process.exit(2);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith("--")) fail(`${name} needs a value\n${USAGE}`);
  args.splice(i, 2);
  return v;
}

function main(argv: string[]): void {
  const args = [...argv];
  const json = args.includes("--json");
  if (json) args.splice(args.indexOf("--json"), 1);
  const userId = option(args, "--user");
  const channelId = option(args, "--channel");
  const accountArg = option(args, "--account");
  const stackName = option(args, "--stack");
  if (!userId || args.length) fail(USAGE);
  const hubs = validConfigs(listStackFiles(path.resolve(__dirname, ".."))).filter(
    (c): c is HubConfig => c.role === "hub" && (!stackName || c.stackFile === `Pulumi.${stackName}.yaml`),
  );
  if (hubs.length !== 1)
    fail(
      hubs.length
        ? `${hubs.length} hub stacks: name one with --stack`
        : "no valid hub stack config here (npm run plan says why)",
    );
  const config = hubs[0];
  if (!config.chatops.enabled) fail(`chat-ops is not enabled in ${config.stackFile}`);
  const s = workerSettings(config);
  let accountId: string | undefined;
  if (accountArg !== undefined) {
    accountId = Object.keys(s.accounts).find((id) => id === accountArg || s.accounts[id] === accountArg);
    if (!accountId)
      fail(`unknown account ${accountArg}: chat-ops serves ${Object.keys(s.accounts).join(", ") || "none"}`);
  }
  const actions = explainAccess(s, { userId, channelId, accountId });
  if (json) {
    process.stdout.write(`${JSON.stringify({ actions }, null, 2)}\n`);
    return;
  }
  const account = accountId ?? s.defaultAccount;
  process.stdout.write(
    `${userId} in ${channelId ?? "any channel"}, account ${s.accounts[account]} (${account}), ${config.stackFile}:\n`,
  );
  for (const [action, d] of Object.entries(actions))
    process.stdout.write(`  ${d.allowed ? "yes" : "no "}  ${action.padEnd(12)} ${d.why}\n`);
}

main(process.argv.slice(2));
