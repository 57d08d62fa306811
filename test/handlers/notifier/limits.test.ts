// Slack limits, escaping, console links per partition, settings validation and routing, webhook parsing.
import { strict as assert } from "assert";
import {
  COLORS,
  EVENT_KINDS,
  NotifierSettings,
  chooseWebhook,
  renderMessages,
  validateNotifierSettings,
} from "../../../handlers/notifier";
import {
  LIMITS,
  TRUNCATION_MARK,
  context,
  esc,
  fieldSections,
  header,
  message,
  section,
  truncate,
} from "../../../handlers/notifier/slack";
import { alarmUrl, cloudTrailEventUrl, configRuleUrl } from "../../../handlers/findings/links";
import { parseWebhooks } from "../../../handlers/notifier/webhooks";
import { blocksOf, fixture, headerOf, sectionTexts } from "./fixtures";

const settings: NotifierSettings = { accountNames: {}, routes: [] };

describe("notifier Slack limits and escaping", () => {
  it("truncates headers to 150 and section text to 3000 characters, visibly", () => {
    const h = header("H".repeat(400));
    assert.equal(h.text.text.length, LIMITS.header);
    assert.ok(h.text.text.endsWith(TRUNCATION_MARK));
    const s = section("x".repeat(5000));
    assert.equal(s.text!.text.length, LIMITS.text);
    assert.ok(s.text!.text.endsWith(TRUNCATION_MARK));
  });

  it("never cuts inside an &entity; or a <link> and closes an open code span", () => {
    const cut = truncate("a".repeat(20) + "&amp;" + "b".repeat(50), 20 + 3 + TRUNCATION_MARK.length);
    assert.equal(cut, "a".repeat(20) + TRUNCATION_MARK);
    assert.equal(
      truncate("ab<https://x.example/long|label> and more text here", 5 + TRUNCATION_MARK.length),
      "ab" + TRUNCATION_MARK,
    );
    assert.equal(
      truncate("`" + "c".repeat(50) + "`", 10 + TRUNCATION_MARK.length),
      "`" + "c".repeat(8) + "`" + TRUNCATION_MARK,
    );
  });

  it("splits fields into sections of at most 10 and caps each at 2000 characters", () => {
    const secs = fieldSections(
      Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: "v".repeat(i === 0 ? 5000 : 1) })),
    );
    assert.deepEqual(
      secs.map((s) => s.fields!.length),
      [10, 10, 3],
    );
    assert.equal(secs[0].fields![0].text.length, LIMITS.fieldText);
  });

  it("keeps at most 50 blocks, the last saying how many were omitted", () => {
    const m = message(
      "neutral",
      "t",
      Array.from({ length: 70 }, (_, i) => context(`b${i}`)),
    );
    const blocks = blocksOf(m);
    assert.equal(blocks.length, 50);
    assert.deepEqual(blocks[49], context("… 21 more block(s) omitted (Slack allows 50)"));
    assert.equal(m.attachments[0].color, COLORS.neutral);
    assert.equal(COLORS.neutral, "#9E9E9E");
  });

  it("escapes &, < and > so event content cannot mention @channel or inject links", () => {
    assert.equal(esc("<!channel> & <https://evil|x>"), "&lt;!channel&gt; &amp; &lt;https://evil|x&gt;");
    const alarm = fixture("messages/cloudwatch-alarm.json") as Record<string, unknown>;
    const [r] = renderMessages({ ...alarm, AlarmDescription: "<!channel> wake up" }, settings);
    assert.equal(sectionTexts(r.message!)[0], "&lt;!channel&gt; wake up");
  });

  it("a CloudTrail event with hundreds of rules stays within limits and says it was truncated", () => {
    const ev = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as {
      detail: { requestParameters: { ipPermissions: { items: unknown[] } } };
    };
    ev.detail.requestParameters.ipPermissions.items = Array.from({ length: 300 }, (_, i) => ({
      ipProtocol: "tcp",
      fromPort: 1000 + i,
      toPort: 1000 + i,
      ipRanges: { items: [{ cidrIp: `10.0.${i % 256}.0/24` }] },
    }));
    const [r] = renderMessages(ev, settings);
    const changed = sectionTexts(r.message!).find((t) => t.startsWith("*What changed*"))!;
    assert.equal(changed.length, LIMITS.text);
    assert.ok(changed.endsWith(TRUNCATION_MARK));
    for (const t of sectionTexts(r.message!)) assert.ok(t.length <= LIMITS.text);
    assert.ok(r.message!.text.length <= LIMITS.text);
  });

  it("many IAM request parameters are cut to 15 lines plus a count", () => {
    const ev = fixture("eventbridge/cloudtrail-iam-createuser-root.json") as {
      detail: { requestParameters: Record<string, unknown> };
    };
    ev.detail.requestParameters = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`p${i}`, `v${i}`]),
    );
    const [r] = renderMessages(ev, settings);
    const lines = sectionTexts(r.message!)
      .find((t) => t.startsWith("*What changed*"))!
      .split("\n");
    assert.equal(lines.length, 1 + 15 + 1);
    assert.equal(lines[16], "… 25 more parameter(s)");
  });

  it("a 300-character alarm name gives a 150-character header", () => {
    const alarm = fixture("messages/cloudwatch-alarm.json") as Record<string, unknown>;
    const [r] = renderMessages({ ...alarm, AlarmName: "n".repeat(300) }, settings);
    assert.equal(headerOf(r.message!).length, 150);
  });
});

describe("notifier console links", () => {
  it("uses the region's partition console host", () => {
    assert.equal(
      cloudTrailEventUrl("us-east-1", "abc"),
      "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/abc",
    );
    assert.equal(
      cloudTrailEventUrl("us-gov-west-1", "abc"),
      "https://console.amazonaws-us-gov.com/cloudtrail/home?region=us-gov-west-1#/events/abc",
    );
    assert.equal(
      configRuleUrl("cn-north-1", "restricted-ssh"),
      "https://console.amazonaws.cn/config/home?region=cn-north-1#/rules/details?configRuleName=restricted-ssh",
    );
  });

  it("URL-encodes alarm and rule names", () => {
    assert.equal(
      alarmUrl("eu-west-1", "CPU high / web"),
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/CPU%20high%20%2F%20web",
    );
    assert.ok(configRuleUrl("eu-west-1", "a&b").endsWith("configRuleName=a%26b"));
  });

  it("takes an alarm's partition from its ARN", () => {
    const alarm = fixture("messages/cloudwatch-alarm.json") as Record<string, unknown>;
    const [r] = renderMessages(
      {
        ...alarm,
        Region: "China (Beijing)",
        AlarmArn: "arn:aws-cn:cloudwatch:cn-north-1:444444444444:alarm:security-group-changes",
      },
      settings,
    );
    const actions = blocksOf(r.message!).find((b) => b.type === "actions")!;
    assert.equal(
      actions.elements![0].url,
      "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/security-group-changes",
    );
  });
});

describe("notifier settings and routing", () => {
  it("exports the event kinds the config validator uses", () => {
    assert.deepEqual(
      [...EVENT_KINDS],
      [
        "iam",
        "security-group",
        "config-compliance",
        "alarm",
        "remediation",
        "guardduty",
        "security-hub",
        "access-analyzer",
        "sign-in",
        "root-usage",
        "audit-logging",
        "kms",
        "s3-policy",
        "network",
        "organizations",
        "unauthorized-call",
        "malware-scan",
        "unused-access",
        "internal-access",
        "inspector",
        "other",
      ],
    );
  });

  it("accepts the hub's settings and reports every problem, naming key and value", () => {
    assert.deepEqual(
      validateNotifierSettings({
        accountNames: { "222222222222": "payments" },
        routes: [{ webhook: "payments", accounts: ["222222222222"] }],
      }),
      [],
    );
    assert.deepEqual(
      validateNotifierSettings({
        accountNames: { "12": "x" },
        routes: [
          { webhook: "", kinds: ["iam", "ssh"] },
          { webhook: "a", accounts: ["abc"] },
        ],
        delivery: { maxAttempts: 0 },
      }),
      [
        'accountNames: key "12" is not a 12-digit account id',
        "routes[0].webhook must be a non-empty webhook name",
        'routes[0].kinds: "ssh" is not one of iam, security-group, config-compliance, alarm, remediation, guardduty, security-hub, access-analyzer, sign-in, root-usage, audit-logging, kms, s3-policy, network, organizations, unauthorized-call, malware-scan, unused-access, internal-access, inspector, other',
        'routes[1].accounts: "abc" is not a 12-digit account id',
        "delivery.maxAttempts must be a number >= 1, got 0",
      ],
    );
  });

  it("the first route matching account and kind wins; otherwise default", () => {
    const s: NotifierSettings = {
      accountNames: {},
      routes: [
        { webhook: "payments-alarms", accounts: ["222222222222"], kinds: ["alarm"] },
        { webhook: "payments", accounts: ["222222222222"] },
        { webhook: "iam", kinds: ["iam"] },
      ],
    };
    assert.equal(chooseWebhook(s, "222222222222", "alarm"), "payments-alarms");
    assert.equal(chooseWebhook(s, "222222222222", "iam"), "payments");
    assert.equal(chooseWebhook(s, "333333333333", "iam"), "iam");
    assert.equal(chooseWebhook(s, "333333333333", "alarm"), "default");
    assert.equal(chooseWebhook(s, undefined, "alarm"), "default");
  });
});

describe("notifier webhook map", () => {
  it("accepts https URLs and names each problem without printing the URL", () => {
    assert.deepEqual(
      parseWebhooks('{"default":"https://hooks.slack.com/services/T/B/X"}', "SLACK_WEBHOOKS", false),
      {
        default: "https://hooks.slack.com/services/T/B/X",
      },
    );
    assert.throws(
      () =>
        parseWebhooks(
          '{"payments":"http://hooks.slack.com/services/T/B/SECRET","x":5}',
          "SLACK_WEBHOOKS",
          false,
        ),
      (err: Error) => {
        assert.equal(
          err.message,
          'SLACK_WEBHOOKS: it has no "default" webhook; webhook "payments" must be an https:// URL (got scheme http:); webhook "x" is number, expected a URL string',
        );
        return true;
      },
    );
  });

  it("allows http://127.0.0.1 only for local runs", () => {
    assert.throws(
      () => parseWebhooks('{"default":"http://127.0.0.1:9/hook"}', "S", false),
      /allowed only for local runs \(LOCAL_RUN=1\)/,
    );
    assert.deepEqual(parseWebhooks('{"default":"http://127.0.0.1:9/hook"}', "S", true), {
      default: "http://127.0.0.1:9/hook",
    });
  });

  it("rejects non-JSON and non-object values clearly", () => {
    assert.throws(
      () => parseWebhooks("https://hooks.slack.com/x", "S", false),
      /S is not valid JSON .*expected \{"default"/,
    );
    assert.throws(
      () => parseWebhooks('["https://x"]', "S", false),
      /must be a JSON object mapping webhook names to URLs, got an array/,
    );
  });
});
