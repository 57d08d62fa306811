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
import { fixture } from "./fixtures";

const settings = { accountNames: { "222222222222": "payments" }, routes: [] };
const message = (rel: string) => renderMessages(fixture(rel), settings)[0].message!;

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

  it("a digest is one email: count subject with the worst severity, every event's body, most severe first", () => {
    const email = renderDigestEmail([
      { severity: "info", message: message("eventbridge/cloudwatch-alarm-state-change-ok.json") },
      {
        severity: "critical",
        message: message("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      },
      { severity: "high", message: message("eventbridge/cloudtrail-iam-createuser-root.json") },
    ]);
    assert.equal(email.subject, "[CRITICAL] 3 security events (1 critical, 1 high, 1 info)");
    const first = email.body.indexOf("--- 1 of 3 ---\nEC2 AuthorizeSecurityGroupIngress");
    const second = email.body.indexOf("--- 2 of 3 ---\nIAM CreateUser");
    const third = email.body.indexOf("--- 3 of 3 ---\nOK: ");
    assert.ok(first > 0 && second > first && third > second, email.body);
  });
});
