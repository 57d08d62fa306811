// The settings contract: what the stack accepts, the deployed functions accept. Each function's own
// settings validator runs at deploy time (stacks/functionSettings.ts); these tests pin the four
// configurations that used to pass the plan and then fail every cold start, and check the contract
// over seeded random configurations with fast-check.
import { strict as assert } from "assert";
import fc from "fast-check";
import { createWorkerHandler } from "../../handlers/chatops/worker";
import { createNotifierHandler } from "../../handlers/notifier";
import { createRemediatorHandler } from "../../handlers/remediator";
import { HubConfig } from "../../stacks/configSchema";
import {
  functionSettingsProblems,
  notifierSettings,
  remediatorSettings,
  workerSettings,
} from "../../stacks/functionSettings";
import { formatProblem } from "../../stacks/schemaProblems";
import { ConfigError, RawStackConfig, validateStackConfig } from "../../stacks/validateConfig";

const WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/abcdefabcdef";
const SIGNING_SECRET = "0123456789abcdef0123456789abcdef";

function hubRaw(values: Record<string, unknown>): RawStackConfig {
  return {
    stackFile: "Pulumi.hub.yaml",
    values: {
      role: "hub",
      accountId: "111111111111",
      regions: ["us-east-1"],
      organizationId: "o-a1b2c3d4e5",
      slackWebhooks: { default: WEBHOOK, payments: WEBHOOK },
      ...values,
    },
    secretKeys: new Set(["slackWebhooks", "slackSigningSecret"]),
  };
}

/** The full ConfigError message lines (file: key = value: why), or [] when accepted. */
function refusal(raw: RawStackConfig): string[] {
  try {
    validateStackConfig(raw);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems.map((p) => `${err.stackFile}: ${p}`);
  }
}

const CHATOPS_ON = {
  chatops: {
    enabled: true,
    teamId: "T0001",
    defaultAccount: "222222222222",
    users: { U2CERLKJA: { access: "operator", accounts: ["*"] } },
  },
  slackSigningSecret: SIGNING_SECRET,
};

describe("function settings contract", () => {
  describe("the four configurations that passed the plan and failed every cold start", () => {
    it("slackRoutes[].accounts: []", () => {
      assert.deepEqual(refusal(hubRaw({ slackRoutes: [{ webhook: "payments", accounts: [] }] })), [
        "Pulumi.hub.yaml: security-guard:slackRoutes[0].accounts = []: must be a non-empty list of 12-digit account ids (leave it out to match every account)",
      ]);
    });

    it("slackRoutes[].kinds: []", () => {
      assert.deepEqual(refusal(hubRaw({ slackRoutes: [{ webhook: "payments", kinds: [] }] })), [
        "Pulumi.hub.yaml: security-guard:slackRoutes[0].kinds = []: must be a non-empty list of iam, security-group, config-compliance, alarm, remediation, guardduty, security-hub, access-analyzer, sign-in, root-usage, audit-logging, kms, s3-policy, network, organizations, unauthorized-call, malware-scan, unused-access, internal-access, inspector, other (leave it out to match every kind)",
      ]);
    });

    it("remediation.configRuleNames: []", () => {
      assert.deepEqual(refusal(hubRaw({ remediation: { configRuleNames: [] } })), [
        "Pulumi.hub.yaml: security-guard:remediation.configRuleNames = []: must be a non-empty list of Config rule names",
      ]);
    });

    it("two account names that differ only in case (the chat-ops worker resolves names in any case)", () => {
      const names = { "222222222222": "payments", "333333333333": "Payments" };
      assert.deepEqual(refusal(hubRaw({ accountNames: names, ...CHATOPS_ON })), [
        `Pulumi.hub.yaml: security-guard:accountNames = ${JSON.stringify(names)}: the chat-ops worker function would refuse this at every cold start: accounts: name "payments" is used twice`,
      ]);
      // Without chat-ops there is no worker, and the notifier does not care about case.
      assert.deepEqual(refusal(hubRaw({ accountNames: names })), []);
    });

    it("each of them is also caught by the functions' own validators alone, naming the stack key", () => {
      const base = validateStackConfig(
        hubRaw({ accountNames: { "222222222222": "payments" }, ...CHATOPS_ON }),
      );
      assert.equal(base.role, "hub");
      const hub = base as HubConfig;
      const cases: Array<[Partial<HubConfig>, string]> = [
        [
          { slackRoutes: [{ webhook: "payments", accounts: [] }] },
          "security-guard:slackRoutes[0].accounts = []: the notifier function would refuse this at every cold start: routes[0].accounts must be a non-empty array of 12-digit account ids when given",
        ],
        [
          { slackRoutes: [{ webhook: "payments", kinds: [] }] },
          "security-guard:slackRoutes[0].kinds = []: the notifier function would refuse this at every cold start: routes[0].kinds must be a non-empty array of iam, security-group, config-compliance, alarm, remediation, guardduty, security-hub, access-analyzer, sign-in, root-usage, audit-logging, kms, s3-policy, network, organizations, unauthorized-call, malware-scan, unused-access, internal-access, inspector, other when given",
        ],
        [
          { remediation: { ...hub.remediation, configRuleNames: [] } },
          "security-guard:remediation.configRuleNames = []: the remediator function would refuse this at every cold start: configRuleNames must be a non-empty list of Config rule names, got []",
        ],
        [
          { accountNames: { "222222222222": "payments", "333333333333": "Payments" } },
          'security-guard:accountNames = {"222222222222":"payments","333333333333":"Payments"}: the chat-ops worker function would refuse this at every cold start: accounts: name "payments" is used twice',
        ],
      ];
      for (const [change, expected] of cases) {
        const config = { ...hub, ...change };
        // The raw values the problem's value is read from, as the schema pass leaves them.
        const values: Record<string, unknown> = { ...config };
        assert.deepEqual(functionSettingsProblems(config, values).map(formatProblem), [expected]);
      }
      assert.deepEqual(functionSettingsProblems(hub, { ...hub }), []);
    });

    it("a function that is not deployed is not checked", () => {
      const hub = validateStackConfig(hubRaw({})) as HubConfig;
      const off = {
        ...hub,
        remediation: { ...hub.remediation, enabled: false, configRuleNames: [] },
        accountNames: { "222222222222": "a", "333333333333": "A" },
      };
      assert.deepEqual(functionSettingsProblems(off, { ...off }), []);
    });
  });

  it("worldPrefixes: defaults IPv4 /8 and IPv6 /16, passed to the remediator; out of range refused", () => {
    const defaults = validateStackConfig(hubRaw({})) as HubConfig;
    assert.deepEqual(defaults.worldPrefixes, { ipv4: 8, ipv6: 16 });
    assert.deepEqual(remediatorSettings(defaults).worldPrefixes, { ipv4: 8, ipv6: 16 });
    const set = validateStackConfig(hubRaw({ worldPrefixes: { ipv4: 4, ipv6: 12 } })) as HubConfig;
    assert.deepEqual(remediatorSettings(set).worldPrefixes, { ipv4: 4, ipv6: 12 });
    assert.deepEqual(notifierSettings(set).worldPrefixes, { ipv4: 4, ipv6: 12 });
    assert.deepEqual(refusal(hubRaw({ worldPrefixes: { ipv4: 33 } })), [
      "Pulumi.hub.yaml: security-guard:worldPrefixes.ipv4 = 33: must be a prefix length from 0 to 32",
    ]);
    // The function's own validator names the same key when given a bad value directly.
    const bad = { ...defaults, worldPrefixes: { ipv4: 8, ipv6: 129 } };
    assert.deepEqual(functionSettingsProblems(bad, { ...bad }).map(formatProblem), [
      "security-guard:worldPrefixes.ipv6 = 129: the notifier function would refuse this at every cold start: worldPrefixes.ipv6 must be a prefix length from 0 to 128, got 129",
      "security-guard:worldPrefixes.ipv6 = 129: the remediator function would refuse this at every cold start: worldPrefixes.ipv6 must be a prefix length from 0 to 128, got 129",
    ]);
  });

  it("worldPrefixes reach the chat-ops worker, whose validator names the key too", () => {
    const set = validateStackConfig(
      hubRaw({
        accountNames: { "222222222222": "payments" },
        ...CHATOPS_ON,
        worldPrefixes: { ipv4: 12, ipv6: 16 },
      }),
    ) as HubConfig;
    assert.deepEqual(workerSettings(set).worldPrefixes, { ipv4: 12, ipv6: 16 });
    const bad = { ...set, worldPrefixes: { ipv4: 40, ipv6: 16 } };
    assert.ok(
      functionSettingsProblems(bad, { ...bad })
        .map(formatProblem)
        .includes(
          "security-guard:worldPrefixes.ipv4 = 40: the chat-ops worker function would refuse this at every cold start: worldPrefixes.ipv4 must be a prefix length from 0 to 32, got 40",
        ),
    );
  });

  it("any hub configuration the stack accepts, every deployed function accepts (seeded property)", () => {
    // Mostly valid pieces, some invalid ones and many near-collisions (case, duplicates, empties).
    const rare = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: odd, weight: 1 });
    const account = rare(
      fc.constantFrom("222222222222", "333333333333", "111111111111"),
      fc.constantFrom("44444444444", "x"),
    );
    const name = rare(fc.constantFrom("payments", "Payments", "data", "DATA", "web"), fc.constant(""));
    const kind = rare(fc.constantFrom("iam", "security-group", "alarm", "remediation"), fc.constant("s3"));
    // Usually a non-empty list without repeats; sometimes empty or with repeats.
    const list = <T>(item: fc.Arbitrary<T>) =>
      rare(fc.uniqueArray(item, { minLength: 1, maxLength: 3 }), fc.array(item, { maxLength: 3 }));
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const route = fc.record(
      {
        webhook: rare(fc.constantFrom("default", "payments"), fc.constant("ops")),
        accounts: maybe(list(account)),
        kinds: maybe(list(kind)),
      },
      { requiredKeys: ["webhook"] },
    );
    const user = fc.record({
      access: fc.constantFrom("operator", "read-only"),
      accounts: rare<string[]>(
        fc.constant(["*"]),
        fc.array(fc.oneof(account, name), { minLength: 1, maxLength: 2 }),
      ),
    });
    const values = fc.record(
      {
        accountNames: fc.dictionary(account, name, { maxKeys: 4 }),
        memberAccounts: fc.uniqueArray(account, { maxLength: 3 }),
        slackRoutes: fc.array(route, { maxLength: 3 }),
        remediation: fc.record(
          {
            enabled: fc.boolean(),
            dryRunAccounts: list(account),
            configRuleNames: list(
              rare(fc.constantFrom("security-guard-restricted-ssh", "restricted-ssh"), fc.constant("")),
            ),
          },
          { requiredKeys: [] },
        ),
        chatops: fc.record({
          enabled: fc.boolean(),
          defaultAccount: rare(fc.constantFrom("222222222222", "333333333333"), name),
          regions: fc.constantFrom(["us-east-1"], ["us-east-1", "eu-west-1"]),
          users: fc.dictionary(fc.constantFrom("U2CERLKJA", "W0READONLY"), user, { minKeys: 1, maxKeys: 2 }),
        }),
        slackSigningSecret: fc.constant(SIGNING_SECRET),
      },
      { requiredKeys: ["slackSigningSecret"] },
    );
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(values, (v) => {
        let config: HubConfig;
        try {
          config = validateStackConfig(hubRaw(v)) as HubConfig;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          refused++;
          return;
        }
        accepted++;
        // The very factories the deployed functions run at cold start, on the settings the stack captures.
        createNotifierHandler(notifierSettings(config), {});
        if (config.remediation.enabled) createRemediatorHandler(remediatorSettings(config), {});
        if (config.chatops.enabled) createWorkerHandler(workerSettings(config), { env: {} });
      }),
      { seed: 20261129, numRuns: 600 },
    );
    // Both sides of the contract were exercised, not only refusals.
    assert.ok(accepted >= 50 && refused >= 50, `accepted ${accepted}, refused ${refused}`);
  });
});
