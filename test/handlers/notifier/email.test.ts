// The plain-text email of a rendered message: SNS's subject rules (ASCII, one line, under 100
// characters) at the boundary, and the body carrying the message's fields and links as text.
import { strict as assert } from "assert";
import { renderMessages } from "../../../handlers/notifier";
import {
  MAX_SUBJECT_CHARS,
  emailSubject,
  plainText,
  renderDigestEmail,
  renderEmail,
} from "../../../handlers/notifier/email";
import { digestEntry } from "../../../handlers/notifier/digestEntry";
import { fixture } from "./fixtures";

const settings = { accountNames: { "222222222222": "payments" }, routes: [] };
const message = (rel: string) => renderMessages(fixture(rel), settings)[0].message!;

/** The digest email's list of the three events below, from their findings. */
const LIST = [
  "3 security events (2 critical, 1 info), most severe first.",
  "",
  "1. [CRITICAL] EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718",
  "   sg-0a1b2c3d4e5f60718 · by IAM user alice · payments (222222222222) · ap-northeast-2 · event b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
  "   Open in CloudTrail: https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
  "",
  "2. [CRITICAL] IAM CreateUser on deploy-bot",
  "   deploy-bot · by root user of account 222222222222 · payments (222222222222) · us-east-1 · event e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f",
  "   Open in CloudTrail: https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f",
  "",
  "3. [INFO] OK: root-account-usage",
  "   root-account-usage · 333333333333 · ap-northeast-1 · event 9f0a1b2c-3d4e-4f5a-6b7c-8d9e0f1a2b3c",
  "   Open alarm in CloudWatch: https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/root-account-usage",
  "",
  "",
].join("\n");

describe("email rendering", () => {
  it("an SSH-to-the-world change: subject with severity and title; body with fields, rules and the CloudTrail link", () => {
    const email = renderEmail(
      message("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      "critical",
    );
    assert.equal(email.subject, "[CRITICAL] EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718");
    const lines = email.body.split("\n");
    assert.equal(lines[0], "EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718");
    assert.ok(lines.includes("Severity: critical"));
    assert.ok(lines.includes("Account: 222222222222 (payments)"), email.body);
    assert.ok(lines.includes("Region: ap-northeast-2 (Asia Pacific (Seoul))"), email.body);
    assert.ok(
      lines.some((l) =>
        /^Open in CloudTrail: https:\/\/ap-northeast-2\.console\.aws\.amazon\.com\/cloudtrail\//.test(l),
      ),
      email.body,
    );
    assert.ok(
      lines.some((l) => l.includes("ingress tcp 22 from 0.0.0.0/0") && l.includes("open to the internet")),
      email.body,
    );
    assert.doesNotMatch(email.body, /[`*]|&lt;|&gt;|&amp;|:warning:|:rotating_light:/);
  });

  it("the subject is valid for SNS Publish at and over the limit: ASCII, no line breaks, < 100 characters", () => {
    for (const n of [98, 99, 100, 101, 400]) {
      const s = emailSubject("A".repeat(n));
      assert.ok(s.length <= MAX_SUBJECT_CHARS && s.length < 100, `${n}: ${s.length}`);
      if (n <= 99) assert.equal(s, "A".repeat(n));
      else assert.ok(s.endsWith("..."));
    }
    const s = emailSubject("  ✅ alarm → OK\nnext line — héllo  ");
    assert.equal(s, "alarm -> OK next line - hello");
    assert.match(s, /^[\x20-\x7e]+$/);
    assert.equal(emailSubject("✅"), "Security event");
  });

  it("mrkdwn becomes plain text: links as 'label (url)', escapes undone, no code or bold marks", () => {
    assert.equal(
      plainText("*Rule* `a&lt;b` <https://x.example/a|open &amp; see>"),
      "Rule a<b open & see (https://x.example/a)",
    );
  });

  it("a digest is one email: count subject with the worst severity, the list from the findings, then every event's body, most severe first", () => {
    const rendered = (rel: string) => renderMessages(fixture(rel), settings)[0];
    const email = renderDigestEmail(
      [
        "eventbridge/cloudwatch-alarm-state-change-ok.json",
        "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json",
        "eventbridge/cloudtrail-iam-createuser-root.json",
      ]
        .map(rendered)
        .map((r) => ({ entry: digestEntry(r), message: r.message! })),
      settings,
    );
    assert.equal(email.subject, "[CRITICAL] 3 security events (2 critical, 1 info)");
    const list = email.body.slice(0, email.body.indexOf("--- 1 of 3 ---"));
    assert.equal(list, LIST);
    const first = email.body.indexOf("--- 1 of 3 ---\nEC2 AuthorizeSecurityGroupIngress");
    const second = email.body.indexOf("--- 2 of 3 ---\nIAM CreateUser");
    const third = email.body.indexOf("--- 3 of 3 ---\nOK: ");
    assert.ok(first > 0 && second > first && third > second, email.body);
  });
});
