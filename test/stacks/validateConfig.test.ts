import { strict as assert } from "assert";
import {
  ConfigError,
  RawStackConfig,
  validateStackConfig,
  validateStackSet,
} from "../../stacks/validateConfig";
import { HubConfig, SpokeConfig } from "../../stacks/configSchema";

const WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/abcdefabcdef";

function hubRaw(values: Record<string, unknown> = {}, secretKeys = ["slackWebhooks"]): RawStackConfig {
  return {
    stackFile: "Pulumi.hub.yaml",
    values: {
      role: "hub",
      accountId: "111111111111",
      regions: ["us-east-1"],
      organizationId: "o-a1b2c3d4e5",
      slackWebhooks: { default: WEBHOOK },
      ...values,
    },
    secretKeys: new Set(secretKeys),
  };
}

function spokeRaw(values: Record<string, unknown> = {}): RawStackConfig {
  return {
    stackFile: "Pulumi.spoke-a.yaml",
    values: {
      role: "spoke",
      accountId: "222222222222",
      regions: ["us-east-1", "ap-northeast-1", "ap-northeast-2"],
      hubStack: "acme/security-guard/hub",
      ...values,
    },
    secretKeys: new Set(),
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

describe("stack config validation", () => {
  it("accepts a minimal hub and fills defaults", () => {
    const c = validateStackConfig(hubRaw()) as HubConfig;
    assert.equal(c.role, "hub");
    assert.equal(c.deployRoleArn, "arn:aws:iam::111111111111:role/security-guard-deploy");
    assert.equal(c.logRetentionDays, 90);
    assert.deepEqual(c.slackWebhookNames, ["default"]);
    assert.deepEqual(c.remediation, {
      enabled: true,
      dryRun: false,
      dryRunAccounts: [],
      exemptTagKey: "security-guard:ssh-exempt",
      configRuleNames: ["security-guard-restricted-ssh"],
      configTopicTrigger: false,
      revokeWholeRule: false,
      exemptionDays: { default: 30, max: 90 },
    });
    assert.equal(c.chatops.enabled, false);
  });

  it("accepts a three-region spoke with defaults", () => {
    const c = validateStackConfig(spokeRaw()) as SpokeConfig;
    assert.deepEqual(c.regions, ["us-east-1", "ap-northeast-1", "ap-northeast-2"]);
    assert.equal(c.globalResourcesRegion, "us-east-1");
    assert.equal(c.createRecorder, true);
    assert.equal(c.createTrail, false);
    assert.equal(c.aggregation, "organization");
  });

  it("reports every problem at once, naming the stack file, key and value", () => {
    const raw = spokeRaw({
      accountId: "12345",
      regions: ["us-east-1", "ap-northeast-9", "us-east-1"],
      hubStack: undefined,
    });
    let error: ConfigError | undefined;
    try {
      validateStackConfig(raw);
    } catch (err) {
      error = err as ConfigError;
    }
    assert.ok(error, "expected an error");
    assert.match(error.message, /^Pulumi\.spoke-a\.yaml: 4 configuration problems:/);
    assert.deepEqual(error.problems, [
      'security-guard:accountId = "12345": is not a 12-digit AWS account id',
      'security-guard:regions[1] = "ap-northeast-9": is not a known AWS region (e.g. us-east-1, ap-northeast-2)',
      'security-guard:regions[2] = "us-east-1": is a duplicate region',
      "security-guard:hubStack = (not set): is required (a fully qualified stack name org/project/stack)",
    ]);
  });

  it("rejects a role that is neither hub nor spoke", () => {
    assert.deepEqual(problems(spokeRaw({ role: "satellite" })), [
      'security-guard:role = "satellite": must be hub or spoke',
    ]);
  });

  it("rejects a spoke without us-east-1 (IAM events arrive only there)", () => {
    assert.deepEqual(problems(spokeRaw({ regions: ["eu-west-1"] })), [
      'security-guard:regions = ["eu-west-1"]: must include us-east-1: IAM\'s CloudTrail events are delivered only there',
    ]);
  });

  it("rejects a hub outside us-east-1", () => {
    assert.deepEqual(problems(hubRaw({ regions: ["eu-west-1"] })), [
      'security-guard:regions = ["eu-west-1"]: the hub runs in us-east-1 only (the central bus is in Virginia)',
    ]);
  });

  it("rejects a missing secret, and a secret given in plaintext", () => {
    assert.deepEqual(problems(hubRaw({ slackWebhooks: undefined })), [
      "security-guard:slackWebhooks = (not set): secret is not set: pulumi config set --secret --path 'slackWebhooks.default' <value>",
    ]);
    assert.deepEqual(problems(hubRaw({}, [])), [
      'security-guard:slackWebhooks = "(plaintext value hidden)": must be a secret: set it with pulumi config set --secret',
    ]);
  });

  it("requires the signing secret when chat-ops is on, and checks users", () => {
    const p = problems(
      hubRaw({
        accountNames: { "222222222222": "payments" },
        chatops: {
          enabled: true,
          teamId: "T0001",
          defaultAccount: "payments",
          users: { U2CERLKJA: { access: "admin", accounts: ["nope"] } },
        },
      }),
    );
    assert.deepEqual(p, [
      'security-guard:chatops.users.U2CERLKJA.access = "admin": must be read-only or operator',
      'security-guard:chatops.users.U2CERLKJA.accounts[0] = "nope": is neither a 12-digit account id nor a name from accountNames',
      'security-guard:chatops.users.U2CERLKJA.accounts = ["nope"]: must list account ids or names, or ["*"]',
      "security-guard:slackSigningSecret = (not set): secret is not set: pulumi config set --secret slackSigningSecret <value>",
    ]);
  });

  it("checks the guardrails: workspace pinned, every user, group, channel and account they name known", () => {
    const p = problems(
      hubRaw(
        {
          accountNames: { "222222222222": "payments" },
          chatops: {
            enabled: true,
            defaultAccount: "payments",
            users: { U2CERLKJA: { access: "operator", accounts: ["*"] } },
            groups: { responders: ["U2CERLKJA", "U0NOBODY"] },
            guardrails: {
              revert: { users: ["responders", "oncall"], channels: ["general"], accounts: ["billing"] },
              reboot: { users: ["*"] },
            },
            productionAccounts: ["payments", "999999999999"],
            confirmInProduction: ["mute"],
          },
          slackSigningSecret: "0123456789abcdef0123456789abcdef",
        },
        ["slackWebhooks", "slackSigningSecret"],
      ),
    );
    assert.deepEqual(p, [
      "security-guard:chatops.teamId = (not set): is required when chatops.enabled (the Slack team id, T..., the app is installed in)",
      'security-guard:chatops.groups.responders[1] = "U0NOBODY": is not in chatops.users (guardrails narrow a user\'s access; they grant none)',
      'security-guard:chatops.guardrails.reboot = "reboot": is not an action (revert, exempt, mute, acknowledge, accounts, ec2-list, ec2-console, ec2-start, ec2-stop, s3-list, s3-usage)',
      'security-guard:chatops.guardrails.revert.users[1] = "oncall": is neither a user of chatops.users nor a group of chatops.groups',
      'security-guard:chatops.guardrails.revert.channels[0] = "general": is not a Slack channel id (C..., G... or D...) or *',
      'security-guard:chatops.guardrails.revert.accounts[0] = "billing": is neither a 12-digit account id nor a name from accountNames',
      'security-guard:chatops.productionAccounts[1] = "999999999999": is not a member account (memberAccounts / accountNames)',
      'security-guard:chatops.confirmInProduction[0] = "mute": must be revert or exempt',
    ]);
  });

  it("checks how long a production Revert or Exempt waits for a second person", () => {
    for (const [minutes, ok] of [
      [0, false],
      [1.5, false],
      [1441, false],
      [1, true],
      [1440, true],
    ] as const) {
      const p = problems(
        hubRaw(
          {
            accountNames: { "222222222222": "payments" },
            chatops: {
              enabled: true,
              teamId: "T0001",
              defaultAccount: "payments",
              users: { U2CERLKJA: { access: "operator", accounts: ["*"] } },
              productionAccounts: ["payments"],
              confirmMinutes: minutes,
            },
            slackSigningSecret: "0123456789abcdef0123456789abcdef",
          },
          ["slackWebhooks", "slackSigningSecret"],
        ),
      );
      assert.deepEqual(
        p,
        ok
          ? []
          : [
              `security-guard:chatops.confirmMinutes = ${JSON.stringify(minutes)}: must be a whole number of minutes from 1 to 1440`,
            ],
        String(minutes),
      );
    }
  });

  it("refuses chat-ops in the hub account, which has no chat-ops roles, and a bad command name", () => {
    assert.deepEqual(
      problems(
        hubRaw(
          {
            accountNames: { "111111111111": "security", "222222222222": "payments" },
            chatops: {
              enabled: true,
              teamId: "T0001",
              commandName: "guard",
              defaultAccount: "payments",
              users: { U2CERLKJA: { access: "operator", accounts: ["security"] } },
            },
            slackSigningSecret: "0123456789abcdef0123456789abcdef",
          },
          ["slackWebhooks", "slackSigningSecret"],
        ),
      ),
      [
        'security-guard:chatops.commandName = "guard": must be a Slack slash command such as /guard',
        'security-guard:chatops.users.U2CERLKJA.accounts[0] = "security": is the hub account, which has no chat-ops roles (list it in memberAccounts if it also runs a spoke stack)',
      ],
    );
  });

  it("rejects duplicate member accounts and bad organization ids", () => {
    assert.deepEqual(
      problems(hubRaw({ organizationId: "org-1", memberAccounts: ["222222222222", "222222222222"] })),
      [
        'security-guard:organizationId = "org-1": is not an AWS Organizations id (o-xxxxxxxxxx)',
        'security-guard:memberAccounts[1] = "222222222222": is a duplicate account',
      ],
    );
  });

  it("routes by owner and OU: ownerTagKeys defaults, bad OU ids and duplicate keys named, OUs need organizationId", () => {
    assert.deepEqual((validateStackConfig(hubRaw()) as HubConfig).ownerTagKeys, ["owner", "team"]);
    assert.deepEqual(
      problems(
        hubRaw({
          slackRoutes: [{ webhook: "default", owners: [""], organizationalUnits: ["r-a1b2"] }],
          ownerTagKeys: ["Owner", "owner"],
        }),
      ),
      [
        'security-guard:slackRoutes[0].owners[0] = "": is not a tag value (1 to 256 characters)',
        'security-guard:slackRoutes[0].organizationalUnits[0] = "r-a1b2": is not an organizational unit id (ou-xxxx-xxxxxxxx)',
        'security-guard:ownerTagKeys = "owner": is the same key as "Owner": owner tag keys match ignoring case',
      ],
    );
    assert.deepEqual(
      problems(
        hubRaw({
          organizationId: undefined,
          memberAccounts: ["222222222222"],
          slackRoutes: [{ webhook: "default", organizationalUnits: ["ou-a1b2-c3d4e5f6"] }],
        }),
      ),
      [
        'security-guard:slackRoutes[0].organizationalUnits = "ou-a1b2-c3d4e5f6": needs organizationId: organizational units are read from the organization (or route by accounts)',
      ],
    );
  });

  it("requires memberAccounts in account-list mode", () => {
    assert.deepEqual(problems(hubRaw({ organizationId: undefined })), [
      "security-guard:memberAccounts = (not set): is required when organizationId is not set (account-list mode)",
    ]);
  });

  it("rejects routes to unknown webhooks and unknown event kinds", () => {
    assert.deepEqual(problems(hubRaw({ slackRoutes: [{ webhook: "ops", kinds: ["iam", "s3"] }] })), [
      'security-guard:slackRoutes[0].webhook = "ops": is not a webhook in slackWebhooks (default)',
      'security-guard:slackRoutes[0].kinds[1] = "s3": is not an event kind (iam, security-group, config-compliance, alarm, remediation, guardduty, security-hub, access-analyzer, sign-in, root-usage, audit-logging, kms, s3-policy, network, organizations, unauthorized-call, malware-scan, unused-access, internal-access, inspector, other)',
    ]);
  });

  it("takes the existing-recorder regions and the aggregator switch, and checks each against the stack", () => {
    const spoke = validateStackConfig(
      spokeRaw({ existingRecorderRegions: ["ap-northeast-1"] }),
    ) as SpokeConfig;
    assert.deepEqual(spoke.existingRecorderRegions, ["ap-northeast-1"]);
    assert.deepEqual(problems(spokeRaw({ existingRecorderRegions: ["us-east-1", "mars-1"] })), [
      'security-guard:existingRecorderRegions[1] = "mars-1": is not a known AWS region (e.g. us-east-1, ap-northeast-2)',
    ]);
    assert.deepEqual(problems(spokeRaw({ existingRecorderRegions: ["eu-west-1"] })), [
      'security-guard:existingRecorderRegions[0] = "eu-west-1": is not one of regions (us-east-1, ap-northeast-1, ap-northeast-2)',
    ]);
    assert.equal((validateStackConfig(hubRaw({ aggregator: "none" })) as HubConfig).aggregator, "none");
    assert.deepEqual(problems(hubRaw({ aggregator: "org" })), [
      'security-guard:aggregator = "org": must be organization, account or none',
    ]);
    assert.deepEqual(problems(hubRaw({ aggregator: "account" })), [
      'security-guard:aggregator = "account": needs memberAccounts to aggregate (or use none)',
    ]);
    assert.deepEqual(
      problems(
        hubRaw({ organizationId: undefined, memberAccounts: ["222222222222"], aggregator: "organization" }),
      ),
      ['security-guard:aggregator = "organization": needs organizationId (or use account or none)'],
    );
  });

  it("refuses more notified Config rules than the Config topic's SNS filter policy can name (150)", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `org-rule-${i}`);
    // The guard's own rule and the hub's remediation rules count too.
    const remediationRules = (validateStackConfig(hubRaw({})) as HubConfig).remediation.configRuleNames;
    const room = 150 - 1 - remediationRules.filter((r) => r !== "security-guard-restricted-ssh").length;
    assert.deepEqual(
      (validateStackConfig(hubRaw({ extraConfigRules: names(room) })) as HubConfig).extraConfigRules,
      names(room),
    );
    assert.deepEqual(problems(hubRaw({ extraConfigRules: names(room + 1) })), [
      `security-guard:extraConfigRules = "${room + 1} names": with the guard's rule and remediation.configRuleNames makes 151 rule names; the Config topic's SNS filter policy allows at most 150`,
    ]);
  });

  it("checks remediation.exemptionDays: whole days 1-365, default within max, each problem naming the key", () => {
    assert.deepEqual(
      (validateStackConfig(hubRaw({ remediation: { exemptionDays: { default: 7, max: 14 } } })) as HubConfig)
        .remediation.exemptionDays,
      { default: 7, max: 14 },
    );
    assert.deepEqual(problems(hubRaw({ remediation: { exemptionDays: { default: 0, max: 1.5 } } })), [
      "security-guard:remediation.exemptionDays.default = 0: must be a whole number of days from 1 to 365",
      "security-guard:remediation.exemptionDays.max = 1.5: must be a whole number of days from 1 to 365",
    ]);
    assert.deepEqual(problems(hubRaw({ remediation: { exemptionDays: { default: 60, max: 30 } } })), [
      "security-guard:remediation.exemptionDays.default = 60: is more than remediation.exemptionDays.max (30)",
    ]);
  });

  it("rejects unknown keys (typos) and bad retention", () => {
    assert.deepEqual(problems(spokeRaw({ createRecoder: false, logRetentionDays: 45 })), [
      "security-guard:logRetentionDays = 45: must be one of CloudWatch Logs' values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      "security-guard:createRecoder = false: is not a known key for a spoke (see Pulumi.yaml)",
    ]);
  });

  it("finds the same account in two spoke stacks, and spokes missing from an account-list hub", () => {
    const a = validateStackConfig(spokeRaw());
    const b = validateStackConfig({ ...spokeRaw(), stackFile: "Pulumi.spoke-b.yaml" });
    const hub = validateStackConfig(hubRaw({ organizationId: undefined, memberAccounts: ["333333333333"] }));
    assert.deepEqual(validateStackSet([hub, a, b]), [
      'Pulumi.spoke-b.yaml: security-guard:accountId = "222222222222": duplicate account, also in Pulumi.spoke-a.yaml',
      'Pulumi.hub.yaml: security-guard:memberAccounts lacks "222222222222" (Pulumi.spoke-a.yaml); in account-list mode the hub must list every spoke',
      'Pulumi.hub.yaml: security-guard:memberAccounts lacks "222222222222" (Pulumi.spoke-b.yaml); in account-list mode the hub must list every spoke',
    ]);
  });
});
