// "Why did (not) this reach Slack?" (`npm run routes`) over the repo's own stack files: every
// detection fixture is forwarded by the right spoke rule in its region and matched by the hub's
// notify rule, by moto's EventBridge and AWS's event-ruler; a configuration-item change and a
// third-party Config rule's verdict reach no notify rule; the notifier's decision is reported.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HubConfig } from "../../../stacks/configSchema";
import { RESTRICTED_SSH_RULE_NAME } from "../../../stacks/names";
import { configTopicFilterPolicy } from "../../../stacks/configTopicFilter";
import { notifiedConfigRules } from "../../../stacks/configRules";
import { notifierSettings } from "../../../stacks/functionSettings";
import { evaluateStacks } from "../../../verify/evaluateStacks";
import { listStackFiles, validConfigs } from "../../../verify/stackFiles";
import { Explanation, StackRules, explainEvent, formatExplanation } from "../../../verify/wiring/explain";
import { collectRules, motoEmulator } from "../../../verify/wiring/routes";
import { isRulerMatcher, loadRulerMatcher } from "../../../verify/wiring/ruler";
import { stackWiringInfo } from "../../../verify/wiring/summary";
import { useMoto } from "../../helpers/moto";

const ROOT = path.resolve(__dirname, "../../..");
const EVENTS = path.join(ROOT, "test/fixtures/events");
const read = (rel: string): unknown => JSON.parse(fs.readFileSync(path.join(EVENTS, rel), "utf8"));
/** A fixture with its Config rule renamed (the fixtures name a rule "restricted-ssh"). */
const withRule = (rel: string, rule: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(EVENTS, rel), "utf8").split('"restricted-ssh"').join(`"${rule}"`));

/**
 * One fixture per forwarding rule -> the spoke rule (short name) that forwards it; entered in
 * spoke-payments, which has every fixture's region. (The wiring corpus checks every fixture.)
 */
const FORWARDED_BY: Array<[string, string]> = [
  ["findings/access-analyzer-s3-public.json", "access-analyzer-findings"],
  ["findings/guardduty-ec2-ssh-bruteforce-seoul.json", "guardduty-findings"],
  ["findings/securityhub-imported-ec2-19-critical.json", "securityhub-findings"],
  ["cis/cloudtrail-stoplogging-tokyo.json", "cis-changes"],
  ["cis/root-s3-create-bucket-tokyo.json", "root-activity"],
  ["cis/organizations-leave-organization.json", "organizations-changes"],
  ["cis/signin-console-login-root.json", "console-sign-in"],
];

describe("npm run routes: why an event does (not) reach Slack (repo stacks, moto, event-ruler)", function () {
  this.timeout(600_000);
  const moto = useMoto();
  const stacks: StackRules[] = [];
  let hub: HubConfig;

  before(async function () {
    this.timeout(600_000);
    const files = listStackFiles(ROOT);
    hub = validConfigs(files).find((c): c is HubConfig => c.role === "hub")!;
    await evaluateStacks(files, ({ stack, evaluation, error }) => {
      if (error || !evaluation) throw new Error(`${stack.stack}: ${error?.message}`);
      const info = stackWiringInfo(stack.config);
      stacks.push({
        stack: stack.stack,
        role: info.role,
        accountId: info.accountId,
        regions: info.regions,
        topology: collectRules(stack.stack, evaluation.resources),
      });
    });
  });

  const ruler = loadRulerMatcher({ root: ROOT });
  const explain = async (event: unknown, stackName?: string): Promise<Explanation> => {
    assert.ok(isRulerMatcher(ruler), "event-ruler is provisioned by the pretest step");
    await moto().reset();
    return explainEvent(event, {
      stacks,
      notifier: { ...notifierSettings(hub) },
      configTopicFilter: configTopicFilterPolicy(notifiedConfigRules(hub)),
      stackName,
      emulator: motoEmulator(),
      ruler,
      now: Date.parse("2026-11-29T00:00:00Z"),
    });
  };
  const summary = (x: Explanation) =>
    x.matches.map((m) => [m.stage, m.stack, m.region, m.resource, m.moto, m.eventRuler]);

  it("each detection kind: forwarded by its spoke rule in the event's region, matched by the hub's notify rule", async () => {
    for (const [file, short] of FORWARDED_BY) {
      const event = read(file) as { region: string };
      const x = await explain(event, "spoke-payments");
      assert.deepEqual(
        summary(x),
        [
          ["spoke", "spoke-payments", event.region, `spoke-${event.region}-${short}`, true, true],
          // moto's pattern matcher cannot match inside Security Hub's findings array (a known moto
          // limitation the wiring corpus records); event-ruler, AWS's own matcher, decides.
          ["hub", "hub", "us-east-1", "hub-notify", !file.includes("securityhub"), true],
        ],
        file,
      );
      assert.equal(x.reachesNotifier, true, file);
      assert.equal(x.notifier.length, 1, file);
      assert.equal(x.notifier[0].skipped, undefined, file);
    }
  });

  it("an IAM user's sign-in recorded in us-east-2 (a Region the spoke does not cover) is forwarded and notified", async () => {
    const file = "cis/signin-console-login-no-mfa-iamuser-ohio.json";
    const x = await explain(read(file), "spoke-payments");
    assert.deepEqual(summary(x), [
      ["spoke", "spoke-payments", "us-east-2", "spoke-us-east-2-console-sign-in", true, true],
      ["hub", "hub", "us-east-1", "hub-notify", true, true],
    ]);
    assert.equal(x.reachesNotifier, true);
    assert.equal(x.notifier[0].skipped, undefined);
    assert.equal(x.notifier[0].severity, "high");
  });

  it("a third-party Config rule's verdict: no spoke forwards it, no hub rule matches it", async () => {
    const file = "eventbridge/config-compliance-change-noncompliant.json";
    const x = await explain(withRule(file, "securityhub-ec2-19-4f3a1b"), "spoke-payments");
    assert.deepEqual(summary(x), []);
    assert.equal(x.reachesNotifier, false);
    // The guard's own rule's verdict does reach the notifier.
    const own = await explain(withRule(file, RESTRICTED_SSH_RULE_NAME), "spoke-payments");
    assert.deepEqual(
      summary(own).map((m) => m[3]),
      ["spoke-ap-northeast-2-config-compliance", "hub-notify", "hub-remediate"],
    );
    assert.equal(own.notifier[0].severity, "critical");
    assert.equal(own.notifier[0].when, "at once (it is critical)");
    // The verdict joins the group's incident: the key routes prints.
    assert.equal(own.notifier[0].incidentKey, "resource#222222222222#ap-northeast-2#sg-0a1b2c3d4e5f60718");
    assert.match(
      formatExplanation("f", own),
      /\n {4}incident: resource#222222222222#ap-northeast-2#sg-0a1b2c3d4e5f60718 \(/,
    );
    // An IAM change is high: it waits for the digest (grouping is on in Pulumi.hub.yaml).
    const high = await explain(read("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json"));
    assert.equal(high.notifier[0].severity, "high");
    assert.equal(high.notifier[0].when, "in the digest posted every 15 minutes");
  });

  it("the Config topic's subscription filter drops configuration-item changes and third-party verdicts", async () => {
    const item = await explain(read("messages/config-item-change-notification.json"));
    assert.equal(item.sns?.delivered, false);
    assert.equal(item.reachesNotifier, false);
    const file = "messages/config-compliance-change-notification.json";
    const other = await explain(withRule(file, "securityhub-ec2-19-4f3a1b"));
    assert.equal(other.sns?.delivered, false);
    const own = await explain(withRule(file, RESTRICTED_SSH_RULE_NAME));
    assert.equal(own.sns?.delivered, true);
    assert.equal(own.reachesNotifier, true);
    assert.equal(own.notifier[0].kind, "config-compliance");
  });

  it("a denied call is not forwarded unless the spoke sets forwardUnauthorizedCalls", async () => {
    const x = await explain(read("cis/unauthorized-describe-instances-seoul.json"), "spoke-payments");
    assert.deepEqual(summary(x), []);
  });

  it("routes by owner and OU: the owner from the event's tag, the OUs as given, and the route they chose", async () => {
    const event = read("findings/securityhub-imported-ec2-19-critical.json") as {
      detail: { findings: Array<{ Resources: Array<Record<string, unknown>> }> };
    };
    event.detail.findings[0].Resources[0].Tags = { Team: "payments" };
    const settings = notifierSettings(hub);
    const routed = {
      ...settings,
      routes: [
        { webhook: "default", owners: ["web"] },
        { webhook: "default", organizationalUnits: ["ou-a1b2-22222222"] },
      ],
    };
    await moto().reset();
    const x = await explainEvent(event, {
      stacks,
      notifier: routed,
      stackName: "spoke-payments",
      emulator: motoEmulator(),
      ruler,
      now: Date.parse("2026-11-29T00:00:00Z"),
      place: { organizationalUnits: ["ou-a1b2-11111111", "ou-a1b2-22222222", "r-a1b2"] },
    });
    assert.equal(x.reachesNotifier, true, x.notes.join("; "));
    assert.deepEqual(
      x.notifier.map((n) => [n.route, n.owner, n.organizationalUnits, n.matchedOu]),
      [
        [
          "1",
          "payments (the event's tag Team)",
          "ou-a1b2-11111111 < ou-a1b2-22222222 < r-a1b2 (given with --ou)",
          "ou-a1b2-22222222",
        ],
      ],
    );
    const text = formatExplanation("sh.json", x);
    assert.match(text, /\n    owner: payments \(the event's tag Team\)\n/);
    assert.match(
      text,
      /\n    organizational units: ou-a1b2-11111111 < ou-a1b2-22222222 < r-a1b2 \(given with --ou\); route 1 matched ou-a1b2-22222222/,
    );
  });

  // A control that passes again (ASFF PASSED, OCSF Pass) reaches the notifier by the hub's resolve
  // rule alone (default settings); the notifier resolves the open incident with it or skips it, and
  // which of the two depends on the incident store, which routes does not read.
  for (const [format, file, stackName, notifierLines] of [
    [
      "ASFF",
      "test/fixtures/incidents/ssh-sequence/5-securityhub-ec2-13-passed.json",
      "spoke-payments",
      [
        "  notifier (record 2c3d4e5f-6071-4829-93a4-b5c6d7e8f901): security-hub, severity info (a Security Hub finding that is archived, resolved or suppressed), route 0; a passing verdict, not posted on its own: it resolves the open incident resource#222222222222#ap-northeast-2#sg-0a1b2c3d4e5f60718, or is skipped when none is open (nothing to resolve)",
        "    incident: resource#222222222222#ap-northeast-2#sg-0a1b2c3d4e5f60718 (the routes tool cannot read the incident store, so it cannot tell which: resolved or skipped)",
      ],
    ],
    [
      "OCSF",
      "test/fixtures/events/findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json",
      "spoke-data",
      [
        "  notifier (record 7d41a9c2-0b6e-4f38-a5d1-3e8c92f07b64): security-hub, severity info (a Security Hub OCSF finding that is resolved, suppressed or archived, or a control that passes), route default; a passing verdict, not posted on its own: it resolves the open incident resource#333333333333#eu-west-1#data-lake-landing, or is skipped when none is open (nothing to resolve)",
        "    incident: resource#333333333333#eu-west-1#data-lake-landing (the routes tool cannot read the incident store, so it cannot tell which: resolved or skipped)",
      ],
    ],
  ] as const)
    it(`an ${format} control that passes again: the resolve rule alone; it resolves its open incident or is skipped (routes cannot tell which)`, async () => {
      const event = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { region: string };
      const x = await explain(event, stackName);
      assert.deepEqual(
        summary(x).map((m) => m.slice(0, 4)),
        [
          [
            "spoke",
            stackName,
            event.region,
            `spoke-${event.region}-${format === "ASFF" ? "securityhub-findings" : "securityhub-ocsf-findings"}`,
          ],
          ["hub", "hub", "us-east-1", "hub-resolve"],
        ],
      );
      assert.equal(x.notifier.length, 1);
      assert.equal(x.notifier[0].passing, true);
      assert.equal(x.notifier[0].skipped, undefined);
      // Nothing is posted in a digest: grouping is on in Pulumi.hub.yaml, yet no posting time is given.
      assert.equal(x.notifier[0].when, undefined);
      const lines = formatExplanation(file, x).split("\n");
      assert.deepEqual(
        lines.filter((l) => /^ {2}notifier |^ {4}incident: /.test(l)),
        notifierLines,
      );
      assert.ok(!lines.some((l) => l.includes("digest")), lines.join("\n"));
    });

  it("routes by owner without the event's tag: names the call the notifier would read it with (an IAM user: ListUserTags; a role a CloudTrail call names by name: ListRoleTags)", async () => {
    const settings = notifierSettings(hub);
    const routed = { ...settings, routes: [{ webhook: "default", owners: ["platform"] }] };
    const owners = async (file: string, stackName: string) => {
      await moto().reset();
      const x = await explainEvent(read(file), {
        stacks,
        notifier: routed,
        stackName,
        emulator: motoEmulator(),
        ruler,
        now: Date.parse("2026-12-04T07:00:00Z"),
      });
      assert.equal(x.reachesNotifier, true, x.notes.join("; "));
      return x.notifier.map((n) => n.owner);
    };
    assert.deepEqual(await owners("findings/access-analyzer-unused-permission.json", "spoke-web"), [
      "unknown here (the event carries no owner tag; the notifier reads arn:aws:iam::444444444444:user/web-deploy-bot's tags with IAM ListUserTags in its account: pass --owner to try a value)",
    ]);
    assert.deepEqual(
      await owners("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json", "spoke-web"),
      [
        "unknown here (the event carries no owner tag; the notifier reads arn:aws:iam::444444444444:role/app-runtime's tags with IAM ListRoleTags in its account: pass --owner to try a value)",
      ],
    );
  });
});
