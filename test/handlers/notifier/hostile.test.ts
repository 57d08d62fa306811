// Hostile and oversized input: every Block Kit limit at its boundary (limit-1, limit, limit+1) on
// the final strings, over-long console links, event values that are JavaScript member names, and
// the log of an unreadable record.
import { strict as assert } from "assert";
import {
  NotifierSettings,
  SlackMessage,
  createNotifierHandler,
  renderMessages,
} from "../../../handlers/notifier";
import { fitToSlack } from "../../../handlers/notifier/blockKit";
import { digestMessages } from "../../../handlers/notifier/digest";
import { digestEntry } from "../../../handlers/notifier/digestEntry";
import { SEVERITY_LEVEL_EMOJI } from "../../../handlers/notifier/severity";
import {
  TRUNCATION_MARK,
  buttons,
  context,
  fieldSections,
  header,
  message,
  section,
  truncate,
} from "../../../handlers/notifier/slack";
import { SlackServer, startSlackServer } from "../../helpers/slackServer";
import { captureLogs } from "../../helpers/logs";
import { blocksOf, buttonUrls, fieldsOf, fixture, headerOf, sectionTexts } from "./fixtures";
import { artefacts, slackLimitViolations, unbalancedBackticks } from "./slackChecks";

const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments" },
  routes: [{ webhook: "payments", accounts: ["222222222222"] }],
};
const JS_NAMES = ["toString", "constructor", "valueOf", "hasOwnProperty", "__proto__"];

function msg(blocks: ReturnType<typeof section>[] | Parameters<typeof message>[2], text = "t"): SlackMessage {
  return {
    text,
    attachments: [{ color: "#000000", blocks: blocks as SlackMessage["attachments"][0]["blocks"] }],
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("notifier: Block Kit limits at their boundaries, on the final strings", () => {
  const around = (limit: number) => [limit - 1, limit, limit + 1];

  it("section text 3,000 (also when the cut leaves an open code span)", () => {
    for (const n of around(3000)) {
      const plain = section("x".repeat(n)).text!.text;
      assert.equal(plain.length, Math.min(n, 3000));
      assert.equal(plain.endsWith(TRUNCATION_MARK), n > 3000);
      const coded = section("`" + "c".repeat(n - 1)).text!.text;
      assert.ok(coded.length <= 3000, `${n}: ${coded.length}`);
      if (n > 3000)
        assert.equal(coded, "`" + "c".repeat(3000 - 2 - TRUNCATION_MARK.length) + "`" + TRUNCATION_MARK);
    }
  });

  it("field text 2,000 and 10 fields per section", () => {
    for (const n of around(2000)) {
      const [s] = fieldSections([{ label: "L", value: "v".repeat(n - 4) }]);
      assert.equal(s.fields![0].text.length, Math.min(n, 2000));
    }
    for (const n of around(10)) {
      const secs = fieldSections(Array.from({ length: n }, (_, i) => ({ label: `F${i}`, value: "v" })));
      assert.deepEqual(
        secs.map((s) => s.fields!.length),
        n > 10 ? [10, n - 10] : [n],
      );
      const raw = msg([{ type: "section", fields: secs.flatMap((s) => s.fields!) }]);
      assert.equal((blocksOf(fitToSlack(raw))[0] as { fields?: unknown[] }).fields!.length, Math.min(n, 10));
    }
  });

  it("header 150, button text 75, context elements 10", () => {
    for (const n of around(150)) assert.equal(header("h".repeat(n)).text.text.length, Math.min(n, 150));
    for (const n of around(75)) {
      const [b] = buttons([{ text: "b".repeat(n), url: "https://example.com/" }]);
      assert.equal((b.elements[0] as { text: { text: string } }).text.text.length, Math.min(n, 75));
    }
    for (const n of around(10)) {
      const c = context(...Array.from({ length: n }, (_, i) => `e${i}`));
      assert.equal(c.elements.length, Math.min(n, 10));
    }
  });

  it("button URL 3,000: a longer link is dropped (with its block when it was the only one), never cut", () => {
    for (const n of around(3000)) {
      const url = "https://example.com/" + "u".repeat(n - 20);
      assert.equal(url.length, n);
      const blocks = buttons([{ text: "Open", url }]);
      assert.equal(blocks.length, n > 3000 ? 0 : 1);
      const fitted = fitToSlack(
        msg([
          { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "x" }, url }] },
        ]),
      );
      assert.deepEqual(buttonUrls(fitted), n > 3000 ? [] : [url]);
    }
  });

  it("top-level text 40,000 and 50 blocks", () => {
    for (const n of around(40_000))
      assert.equal(fitToSlack(msg([], "t".repeat(n))).text.length, Math.min(n, 40_000));
    for (const n of around(50)) {
      const blocks = Array.from({ length: n }, (_, i) => section(`s${i}`));
      assert.equal(blocksOf(message("neutral", "t", blocks)).length, Math.min(n, 50));
      assert.equal(blocksOf(fitToSlack(msg(blocks))).length, Math.min(n, 50));
    }
  });

  it("truncate never exceeds its limit, whatever the cut lands on", () => {
    const nasty = ["`", "&amp;", "<https://x|y>", "😀", "a"];
    for (let max = 0; max < 60; max++) {
      for (const unit of nasty) {
        const s = unit.repeat(40) + "`tail";
        const cut = truncate(s, max);
        assert.ok(cut.length <= max, `${JSON.stringify(unit)} max ${max}: ${cut.length}`);
      }
    }
  });

  it("a real-shaped security-group call with 400 rules renders within every limit", () => {
    const event = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
    const [perm] = event.detail.requestParameters.ipPermissions.items;
    event.detail.requestParameters.ipPermissions.items = Array.from({ length: 400 }, (_, i) => ({
      ...perm,
      fromPort: 1000 + i,
      toPort: 1000 + i,
      ipRanges: { items: [{ cidrIp: "0.0.0.0/0", description: `rule ${i} & <team>` }] },
      groups: { items: [{ groupId: `sg-${String(i).padStart(17, "0")}`, userId: "222222222222" }] },
    }));
    const [r] = renderMessages(event, settings);
    assert.deepEqual(slackLimitViolations(r.message), []);
    assert.deepEqual(unbalancedBackticks(r.message), []);
    const changed = sectionTexts(r.message!).find((t) => t.startsWith("*What changed*"))!;
    assert.ok(changed.length <= 3000 && changed.length > 2900, String(changed.length));
    assert.ok(changed.endsWith(TRUNCATION_MARK));
    assert.equal(r.webhook, "payments");
  });
});

describe("notifier: over-long alarm names and event ids never make an invalid button", () => {
  it("drops the console button when its URL would pass 3,000 characters, keeps the rest", () => {
    const alarm = fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json") as Json;
    alarm.detail.alarmName = "a".repeat(2950);
    const trail = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
    trail.detail.eventID = "e".repeat(3100);
    const shortAlarm = fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json") as Json;
    shortAlarm.detail.alarmName = "a".repeat(2000);
    const [longAlarm, longTrail, fits] = [alarm, trail, shortAlarm].map(
      (e) => renderMessages(e, settings)[0],
    );
    assert.deepEqual(buttonUrls(longAlarm.message!), []);
    assert.deepEqual(buttonUrls(longTrail.message!), []);
    assert.equal(buttonUrls(fits.message!).length, 1);
    assert.ok(buttonUrls(fits.message!)[0].length <= 3000);
    // A digest line leaves out a link it cannot hold whole (Slack's 3,000-character text), never cuts it.
    const line = (r: typeof fits) => {
      const [part] = digestMessages([digestEntry(r)], settings, 40);
      return (part.message.attachments[0].blocks[2] as { text: { text: string } }).text.text;
    };
    const long = line(longAlarm);
    assert.ok(long.length <= 3000, String(long.length));
    assert.ok(
      long.startsWith(`${SEVERITY_LEVEL_EMOJI[longAlarm.severity!]} *[${longAlarm.severity}] ALARM: aaa`),
      long,
    );
    assert.doesNotMatch(long, /<https:/);
    const fitting = line(fits);
    assert.ok(fitting.length <= 3000, String(fitting.length));
    assert.ok(fitting.includes(`*<${buttonUrls(fits.message!)[0]}|[${fits.severity}] ALARM: aaa`), fitting);
    for (const r of [longAlarm, longTrail, fits]) assert.deepEqual(slackLimitViolations(r.message), []);
  });
});

describe("notifier: event values that are JavaScript member names", () => {
  it("a world-open SSH alert full of them still goes to its route, as a security-group alert, shown as given", () => {
    for (const name of JS_NAMES) {
      const e = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
      e.detail.userIdentity.userName = name;
      e.detail.userIdentity.type = name;
      e.detail.sourceIPAddress = name;
      e.detail.requestParameters.groupId = name;
      e.detail.requestParameters.ipPermissions.items[0].ipProtocol = name;
      e.detail.requestParameters.ipPermissions.items[0].ipRanges.items.push({
        cidrIp: `<!channel> & ${name}`,
      });
      const [r] = renderMessages(e, settings);
      assert.equal(r.webhook, "payments", name);
      assert.equal(r.kind, "security-group");
      assert.deepEqual(r.problems, []);
      assert.equal(r.message!.attachments[0].color, "#D00000");
      assert.equal(headerOf(r.message!), `EC2 AuthorizeSecurityGroupIngress on ${name}`);
      const f = fieldsOf(r.message!);
      assert.equal(f["Source IP"], `\`${name}\``);
      assert.match(f.Actor, new RegExp(`^${name} ${name}`));
      const changed = sectionTexts(r.message!).find((t) => t.startsWith("*What changed*"))!;
      assert.ok(changed.includes(`ingress ${name.toLowerCase()} 22 from`), changed);
      assert.ok(changed.includes(`\`&lt;!channel&gt; &amp; ${name}\``), changed);
      assert.deepEqual(artefacts(r.message), [], name);
    }
  });

  it("as account ids, region names, alarm operators and remediation outcomes they are shown as given", () => {
    for (const name of JS_NAMES) {
      const trail = fixture("eventbridge/cloudtrail-iam-createuser-root.json") as Json;
      trail.detail.recipientAccountId = name;
      trail.detail.awsRegion = name;
      const alarm = fixture("messages/cloudwatch-alarm.json") as Json;
      alarm.Region = name;
      alarm.AlarmArn = undefined;
      alarm.Trigger.ComparisonOperator = name;
      const rem = fixture("eventbridge/remediation-revoked.json") as Json;
      rem.detail.outcome = name;
      rem.detail.permissions[0].ipProtocol = name;
      for (const e of [trail, alarm, rem]) {
        const [r] = renderMessages(e, settings);
        assert.notEqual(headerOf(r.message!), "Unreadable notification", `${name}: ${r.problems}`);
        assert.deepEqual(artefacts(r.message), [], `${name}: ${JSON.stringify(r.message)}`);
        assert.deepEqual(slackLimitViolations(r.message), []);
      }
      const [t] = renderMessages(trail, settings);
      assert.equal(t.webhook, "default");
      assert.equal(fieldsOf(t.message!).Account, `\`${name}\``);
      assert.equal(fieldsOf(t.message!).Region, `\`${name}\``);
      const [a] = renderMessages(alarm, settings);
      assert.ok(a.problems.includes(`Region "${name}" is not a known region name and AlarmArn is missing`));
      assert.match(fieldsOf(a.message!).Condition, new RegExp(` ${name} `));
      const [m] = renderMessages(rem, settings);
      assert.equal(headerOf(m.message!), `Remediation report for sg-0a1b2c3d4e5f60718: ${name}`);
      assert.equal(m.webhook, "payments");
    }
  });
});

describe("notifier: an unreadable record is logged as received under the id its message names", () => {
  let slack: SlackServer;
  before(async () => (slack = await startSlackServer()));
  after(async () => slack.stop());

  it("logs the first 16,384 characters and says it was cut", async () => {
    const logs = captureLogs();
    const body = "{ not json " + "x".repeat(20_000);
    const small = "{ also not json }";
    const event = {
      Records: [
        { messageId: "m-big", body, eventSource: "aws:sqs", eventSourceARN: "arn:aws:sqs:us-east-1:1:q" },
        {
          messageId: "m-small",
          body: small,
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-east-1:1:q",
        },
      ],
    };
    try {
      const handler = createNotifierHandler(settings, {
        LOCAL_RUN: "1",
        SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/default") }),
      });
      assert.deepEqual(await handler(event, { awsRequestId: "req-u" }), { batchItemFailures: [] });
    } finally {
      logs.restore();
    }
    const posts = slack.posts() as SlackMessage[];
    assert.equal(posts.length, 2);
    assert.match(
      sectionTexts(posts[0])[0],
      /The record as received is in the notifier's log under this id\./,
    );
    const lines = logs.lines.filter(
      (l) => l.message === "event is incomplete or unreadable; posting what could be read",
    );
    assert.deepEqual(
      lines.map((l) => [l.eventId, l.recordTruncated]),
      [
        ["m-big", `first 16384 of ${JSON.stringify(event.Records[0]).length} characters`],
        ["m-small", undefined],
      ],
    );
    assert.equal(lines[0].record, JSON.stringify(event.Records[0]).slice(0, 16_384));
    assert.equal(lines[1].record, JSON.stringify(event.Records[1]));
    // The id in the log is the one the message's footer names.
    assert.ok(JSON.stringify(posts[0]).includes("`m-big`"));
  });
});
