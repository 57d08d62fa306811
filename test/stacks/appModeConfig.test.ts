// Slack app mode's configuration: the bot token is a secret, the channels map names every route's
// destination, and the notifier's settings carry the channels and the alert threads table.
import { strict as assert } from "assert";
import { ConfigError, RawStackConfig, validateStackConfig } from "../../stacks/validateConfig";
import { HubConfig } from "../../stacks/configSchema";
import { notifierSettings } from "../../stacks/functionSettings";
import { missingSecrets } from "../../stacks/requiredSecrets";

const WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/abcdefabcdef";
const TOKEN = "xoxb-111111111111-2222222222222-abcdefabcdefabcdefabcdef";

function hubRaw(
  values: Record<string, unknown> = {},
  secretKeys = ["slackWebhooks", "slackBotToken"],
): RawStackConfig {
  return {
    stackFile: "Pulumi.hub.yaml",
    values: {
      role: "hub",
      accountId: "111111111111",
      regions: ["us-east-1"],
      organizationId: "o-a1b2c3d4e5",
      slackWebhooks: { default: WEBHOOK, payments: WEBHOOK },
      slackRoutes: [{ webhook: "payments", accounts: ["222222222222"] }],
      ...values,
    },
    secretKeys: new Set(secretKeys),
  };
}

function problems(raw: RawStackConfig): string[] {
  try {
    validateStackConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  return [];
}

describe("stack config: Slack app mode", () => {
  it("with a bot token and channels, the notifier runs in app mode with the alert threads table", () => {
    const c = validateStackConfig(
      hubRaw({ slackBotToken: TOKEN, slackChannels: { default: "C0DEFAULT1", payments: "C0PAYMENTS" } }),
    ) as HubConfig;
    assert.deepEqual(c.slackChannels, { default: "C0DEFAULT1", payments: "C0PAYMENTS" });
    assert.deepEqual(notifierSettings(c).app, {
      channels: { default: "C0DEFAULT1", payments: "C0PAYMENTS" },
      threadTable: "security-guard-alert-threads",
    });
    assert.ok(!JSON.stringify(c).includes(TOKEN), "the token is not in the plain config");
  });

  it("without a bot token the notifier stays in webhook mode", () => {
    const c = validateStackConfig(hubRaw({}, ["slackWebhooks"])) as HubConfig;
    assert.equal(c.slackChannels, undefined);
    assert.equal(notifierSettings(c).app, undefined);
  });

  it("needs the default channel and one for every route's webhook", () => {
    assert.deepEqual(problems(hubRaw({ slackBotToken: TOKEN, slackChannels: { ops: "C0OPS" } })), [
      'security-guard:slackRoutes[0].webhook = "payments": has no channel in slackChannels (ops): app mode posts to channel ids',
      "security-guard:slackChannels.default = (not set): is required in app mode (where unrouted events go)",
    ]);
    assert.deepEqual(problems(hubRaw({ slackBotToken: TOKEN })), [
      "security-guard:slackChannels = (not set): is required with slackBotToken (app mode): at least slackChannels.default",
    ]);
  });

  it("refuses channels without a token, a token in plaintext, a user token and a channel name", () => {
    assert.deepEqual(problems(hubRaw({ slackChannels: { default: "C0DEFAULT1" } }, ["slackWebhooks"])), [
      'security-guard:slackChannels = "default": is used only in app mode: set slackBotToken too, or remove slackChannels',
    ]);
    const plain = problems(
      hubRaw({ slackBotToken: TOKEN, slackChannels: { default: "C0DEFAULT1", payments: "C0PAY" } }, [
        "slackWebhooks",
      ]),
    );
    assert.equal(plain.length, 1);
    assert.match(plain[0], /slackBotToken.*must be a secret: set it with pulumi config set --secret/);
    assert.ok(!plain[0].includes(TOKEN));
    const bad = problems(
      hubRaw({ slackBotToken: "xoxp-user-token", slackChannels: { default: "#general", payments: "C0PAY" } }),
    );
    assert.equal(bad.length, 2, bad.join("\n"));
    assert.match(bad.join("\n"), /slackBotToken.*is not a Slack bot token \(xoxb-\.\.\.\)/);
    assert.ok(!bad.join("\n").includes("xoxp-user-token"), "a secret's value is never shown");
    assert.match(bad.join("\n"), /slackChannels.default = "#general": is not a Slack channel id/);
  });

  it("lists the bot token among the secrets to set when channels are configured", () => {
    const values = {
      role: "hub",
      slackChannels: { default: "C0DEFAULT1" },
      slackWebhooks: { default: WEBHOOK },
    };
    assert.deepEqual(missingSecrets(values), [
      {
        path: "slackBotToken",
        command: "pulumi config set --secret slackBotToken xoxb-<your Slack app's bot token>",
      },
    ]);
    assert.deepEqual(missingSecrets({ ...values, slackBotToken: TOKEN }), []);
    assert.deepEqual(missingSecrets({ role: "hub", slackWebhooks: { default: WEBHOOK } }), []);
  });
});
