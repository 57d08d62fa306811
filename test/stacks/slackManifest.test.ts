// The Slack app manifest in the repository matches what the hub serves: the slash command and
// interactivity URLs end in the API's routes, interactivity is on, and the bot has the scopes the
// guard uses.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { COMMAND_PATH, INTERACTIONS_PATH } from "../../stacks/components/chatops/api";
import { STACK_CONFIG_SCHEMA } from "../../stacks/configJsonSchema";

function defaultCommand(): string {
  const hub = JSON.stringify(STACK_CONFIG_SCHEMA);
  const m = /"commandName":\{.*?"default":"([^"]+)"/.exec(hub);
  assert.ok(m, "chatops.commandName has a default in the config schema");
  return m![1];
}

describe("slack/app-manifest.yaml", () => {
  const manifest = parse(
    fs.readFileSync(path.join(__dirname, "..", "..", "slack", "app-manifest.yaml"), "utf8"),
  );

  it("routes the slash command and interactions to the hub's API paths", () => {
    const [command] = manifest.features.slash_commands;
    // The same command as the config's default (chatops.commandName).
    assert.equal(command.command, defaultCommand());
    assert.ok(new URL(command.url).pathname === COMMAND_PATH, command.url);
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(new URL(manifest.settings.interactivity.request_url).pathname, INTERACTIONS_PATH);
  });

  it("asks for the bot scopes of the command, the app's webhooks and posting", () => {
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [
      "chat:write",
      "commands",
      "incoming-webhook",
    ]);
  });
});
