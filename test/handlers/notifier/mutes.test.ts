// Mute rules: every condition, patterns over id, ARN and actor, expiry, validation and the report
// of rules that expired or can never match.
import { strict as assert } from "assert";
import {
  MuteRule,
  expiryTime,
  findMute,
  muteRuleReport,
  patternMatches,
  validateMutes,
} from "../../../handlers/notifier/mutes";
import { factsOfPayload, fixture } from "./fixtures";

type Json = Record<string, unknown>;

const NOW = Date.parse("2026-11-29T12:00:00Z");
const sg = factsOfPayload(
  fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json,
);
const base = { reason: "bastion rebuild", expires: "2026-12-31" };

describe("mute rules", () => {
  it("patterns: * matches any run (none included), everything else literally", () => {
    assert.ok(patternMatches("sg-0a1b*", "sg-0a1b2c3d"));
    assert.ok(patternMatches("*", "x"));
    assert.ok(patternMatches("arn:aws:iam::*:role/ci-*", "arn:aws:iam::222222222222:role/ci-deploy"));
    assert.ok(patternMatches("a*b*c", "abc"));
    assert.ok(!patternMatches("a*b*c", "acb"));
    assert.ok(!patternMatches("sg-0a1b", "sg-0a1b2"), "no implicit prefix match");
    assert.ok(!patternMatches("ab*ab", "ab"), "the parts may not overlap");
    assert.ok(!patternMatches("*", undefined));
  });

  it("matches on account, region, kind, event name, resource (id or ARN) and actor, all of them", () => {
    assert.equal(sg.accountId, "222222222222");
    assert.equal(sg.region, "ap-northeast-2");
    const rule: MuteRule = {
      ...base,
      accounts: ["222222222222"],
      regions: ["ap-northeast-2"],
      kinds: ["security-group"],
      eventNames: ["AuthorizeSecurityGroupIngress"],
      resources: ["sg-0a1b*"],
      actors: [`${sg.actor!.slice(0, 20)}*`],
    };
    assert.equal(findMute([rule], sg, NOW)?.name, "mutes[0]");
    for (const [key, value] of [
      ["accounts", ["333333333333"]],
      ["regions", ["us-east-1"]],
      ["kinds", ["iam"]],
      ["eventNames", ["RevokeSecurityGroupIngress"]],
      ["resources", ["sg-ffff*"]],
      ["actors", ["arn:aws:sts::*:assumed-role/terraform/*"]],
    ] as const) {
      assert.equal(
        findMute([{ ...rule, [key]: value }], sg, NOW),
        undefined,
        `${key} ${JSON.stringify(value)} must not match`,
      );
    }
    const byArn = factsOfPayload(fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json") as Json);
    assert.equal(
      findMute([{ ...base, resources: ["arn:aws:cloudwatch:*:alarm:root-*"] }], byArn, NOW)?.index,
      0,
    );
  });

  it("an expired rule mutes nothing; a bare date lasts through that day (UTC); the first live match wins", () => {
    const expired = { ...base, name: "old", expires: "2026-11-28", kinds: ["security-group" as const] };
    const live = { ...base, name: "live", kinds: ["security-group" as const] };
    assert.equal(findMute([expired], sg, NOW), undefined);
    assert.equal(findMute([expired, live], sg, NOW)?.name, "live");
    assert.equal(findMute([{ ...live, expires: "2026-11-29" }], sg, NOW)?.name, "live", "today still counts");
    assert.equal(expiryTime("2026-11-29"), Date.parse("2026-11-30T00:00:00Z"));
    assert.equal(findMute([{ ...live, expires: "2026-11-29T11:59:59Z" }], sg, NOW), undefined);
  });

  it("validation names the rule and key: reason, expiry, at least one condition, known kinds, account ids", () => {
    assert.deepEqual(validateMutes(undefined), []);
    assert.deepEqual(validateMutes([{ ...base, kinds: ["iam"] }]), []);
    assert.deepEqual(validateMutes("x"), ["mutes must be an array of mute rules"]);
    const problems = validateMutes([
      { expires: "soon", kinds: ["dns"], accounts: ["12"], color: "red" },
      { reason: "x", expires: "2026-12-31" },
      { ...base, resources: [] },
    ]);
    assert.deepEqual(problems, [
      "mutes[0].color is not a mute rule key (accounts, regions, kinds, eventNames, resources, actors, name, reason, expires)",
      "mutes[0].reason must say why the events are muted",
      'mutes[0].expires must be a date (2026-12-31) or date-time, got "soon"',
      'mutes[0].accounts: "12" is not a 12-digit account id',
      'mutes[0].kinds: "dns" is not one of iam, security-group, config-compliance, alarm, remediation, ' +
        "guardduty, security-hub, access-analyzer, sign-in, root-usage, audit-logging, kms, s3-policy, " +
        "network, organizations, unauthorized-call, malware-scan, unused-access, internal-access, inspector, other",
      "mutes[1] has no condition (accounts, regions, kinds, eventNames, resources, actors): it would mute everything",
      "mutes[2].resources must be a non-empty array of non-empty strings",
    ]);
  });

  it("the report names expired and never-matching rules, and says nothing of a good rule", () => {
    const report = muteRuleReport(
      [
        { ...base, name: "good", accounts: ["222222222222"], eventNames: ["AuthorizeSecurityGroupIngress"] },
        { ...base, name: "expired", expires: "2026-01-01", kinds: ["iam"] },
        { ...base, name: "stranger", accounts: ["999999999999"] },
        { ...base, name: "nowhere", regions: ["eu-west-3"] },
        { ...base, name: "no-such-call", kinds: ["iam"], eventNames: ["AuthorizeSecurityGroupIngress"] },
      ],
      {
        now: NOW,
        accounts: ["222222222222"],
        regions: ["us-east-1", "ap-northeast-2"],
        eventNames: {
          iam: ["*"],
          "security-group": ["AuthorizeSecurityGroupIngress"],
          "config-compliance": [],
          alarm: [],
          remediation: [],
          other: [],
        },
      },
    );
    assert.deepEqual(
      report.map((r) => `${r.name}: ${r.problem}`),
      [
        "expired: expired on 2026-01-02T00:00:00.000Z (bastion rebuild)",
        "stranger: never matches: no account 999999999999 sends events to the hub",
        "nowhere: never matches: no spoke forwards from eu-west-3",
      ],
    );
    const strict = muteRuleReport(
      [{ ...base, name: "no-such-call", kinds: ["security-group"], eventNames: ["CreateUser"] }],
      {
        now: NOW,
        accounts: [],
        regions: [],
        eventNames: { "security-group": ["AuthorizeSecurityGroupIngress"] },
      },
    );
    assert.deepEqual(
      strict.map((r) => r.problem),
      ["never matches: the guard receives no event named CreateUser of kind security-group"],
    );
  });
});
