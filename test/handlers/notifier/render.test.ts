// Rendering: every fixture kind and identity type, asserting the exact text, colour, fields and link.
import { strict as assert } from "assert";
import { jsonErrorMeaning } from "../../helpers/jsonError";
import { COLORS, NotifierSettings, renderMessages } from "../../../handlers/notifier";
import {
  allJsonFixtures,
  allStrings,
  blocksOf,
  buttonUrls,
  contextTexts,
  fieldsOf,
  fixture,
  headerOf,
  sectionTexts,
} from "./fixtures";

const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments", "333333333333": "data" },
  routes: [
    { webhook: "payments", accounts: ["222222222222"] },
    { webhook: "alarms", kinds: ["alarm"] },
  ],
};

function one(rel: string) {
  const out = renderMessages(fixture(rel), settings);
  assert.equal(out.length, 1, `${rel} should render one message`);
  assert.ok(out[0].message, `${rel} should not be skipped`);
  return { ...out[0], message: out[0].message! };
}

describe("notifier rendering", () => {
  it("a Security Hub event with several findings leads with its most severe (header, colour, severity, finding)", () => {
    const e = fixture("findings/securityhub-imported-ec2-19-critical.json") as {
      detail: { findings: Array<Record<string, unknown>> };
    };
    const critical = e.detail.findings[0];
    const low = {
      ...critical,
      Id: `${String(critical.Id)}-low`,
      Title: "A low finding",
      Severity: { Label: "LOW" },
    };
    const [r] = renderMessages({ ...e, detail: { findings: [low, critical] } }, settings);
    assert.equal(headerOf(r.message!), `Security Hub: ${String(critical.Title)} (+1 more)`);
    assert.equal(r.message!.attachments[0].color, COLORS.danger);
    assert.equal(r.severity, "critical");
    assert.equal(r.finding?.uid, critical.Id);
    assert.deepEqual(
      r.finding?.related?.map((f) => f.title),
      ["A low finding"],
    );
  });

  describe("CloudTrail security-group events", () => {
    it("AuthorizeSecurityGroupIngress to 0.0.0.0/0 and ::/0 port 22 by an IAM user (Seoul) is red with rules, actor and link", () => {
      const r = one("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json");
      assert.equal(r.kind, "security-group");
      assert.equal(r.accountId, "222222222222");
      assert.equal(r.eventId, "b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c");
      assert.equal(r.webhook, "payments");
      assert.deepEqual(r.problems, []);
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(COLORS.danger, "#D00000");
      assert.equal(
        r.message.text,
        "[critical] :red_circle: EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718 by IAM user alice in payments (222222222222) ap-northeast-2 (opens ingress to the internet)",
      );
      assert.equal(headerOf(r.message), "EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718");
      assert.deepEqual(fieldsOf(r.message), {
        Account: "`222222222222` (payments)",
        Region: "`ap-northeast-2` (Asia Pacific (Seoul))",
        Actor: "IAM user alice\n`arn:aws:iam::222222222222:user/alice`",
        "Source IP": "`203.0.113.10`",
        "Event time": "2026-11-20 01:02:03 UTC",
        Result: "succeeded",
      });
      assert.ok(
        sectionTexts(r.message).includes(
          "*What changed*\n• ingress tcp 22 from `0.0.0.0/0`, `::/0` :warning: *open to the internet*",
        ),
      );
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
      ]);
      // The severity line sits right under the header.
      assert.equal(r.severity, "critical");
      assert.deepEqual(blocksOf(r.message)[1], {
        type: "context",
        elements: [{ type: "mrkdwn", text: ":rotating_light: Severity: *critical*" }],
      });
      assert.deepEqual(contextTexts(r.message), [
        ":rotating_light: Severity: *critical*",
        "CIS 4.10 (Security Hub CloudWatch.10): Security group changes",
        "CloudTrail event `b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c`",
      ]);
    });

    it("RevokeSecurityGroupIngress by an assumed role (Tokyo) is red and shows role, session, CIDR and group peer", () => {
      const r = one("eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(r.webhook, "default");
      const f = fieldsOf(r.message);
      assert.equal(
        f.Actor,
        "role OpsAdmin (session bob@example.com)\n`arn:aws:sts::333333333333:assumed-role/OpsAdmin/bob@example.com`",
      );
      assert.equal(f.Account, "`333333333333` (data)");
      assert.equal(f.Region, "`ap-northeast-1` (Asia Pacific (Tokyo))");
      assert.ok(
        sectionTexts(r.message).includes(
          "*What changed*\n• ingress tcp 3306 from `10.20.0.0/16`\n• ingress all traffic from `sg-0c3d4e5f607182930 (account 333333333333)`",
        ),
      );
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-1.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-1#/events/c8b2f1d3-4e5a-4f6b-8c7d-9e0f1a2b3c4d",
      ]);
    });

    it("ModifySecurityGroupRules to 0.0.0.0/0 is red and shows the rule id, ports and CIDR", () => {
      const r = one("eventbridge/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json");
      assert.equal(r.kind, "security-group");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(headerOf(r.message), "EC2 ModifySecurityGroupRules on sg-0d4e5f60718293a4b");
      assert.ok(
        sectionTexts(r.message).includes(
          '*What changed*\n• rule tcp 22 from `0.0.0.0/0` (`sgr-0aaaabbbbccccdddd`) "debug" :warning: *open to the internet*',
        ),
      );
    });
  });

  describe("CloudTrail IAM events and identity types", () => {
    it("CreateUser by root is red (root user activity) and names the root user", () => {
      const r = one("eventbridge/cloudtrail-iam-createuser-root.json");
      assert.equal(r.kind, "iam");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.deepEqual(contextTexts(r.message).slice(0, 2), [
        ":rotating_light: Severity: *critical*",
        "CIS 4.3 (Security Hub CloudWatch.1): Root user activity",
      ]);
      assert.equal(
        r.message.text,
        "[critical] :red_circle: IAM CreateUser on deploy-bot by root user of account 222222222222 in payments (222222222222) us-east-1",
      );
      assert.equal(
        fieldsOf(r.message).Actor,
        "root user of account 222222222222\n`arn:aws:iam::222222222222:root`",
      );
      assert.ok(
        sectionTexts(r.message).includes(
          "*What changed*\n• `userName`: `deploy-bot`\n• `tags[0].key`: `team`\n• `tags[0].value`: `payments`",
        ),
      );
      assert.deepEqual(buttonUrls(r.message), [
        "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f",
      ]);
    });

    it("AttachRolePolicy by an AWS service names the service, not an undefined user", () => {
      const r = one("eventbridge/cloudtrail-iam-attachrolepolicy-awsservice.json");
      assert.equal(fieldsOf(r.message).Actor, "AWS service sso.amazonaws.com\n`sso.amazonaws.com`");
      assert.equal(fieldsOf(r.message)["Source IP"], "`sso.amazonaws.com`");
      assert.equal(
        headerOf(r.message),
        "IAM AttachRolePolicy on AWSReservedSSO_AdministratorAccess_0123456789abcdef",
      );
      assert.ok(
        sectionTexts(r.message)[1].includes("• `policyArn`: `arn:aws:iam::aws:policy/AdministratorAccess`"),
      );
    });

    it("AttachRolePolicy by a federated user names the user and the IAM user that federated it", () => {
      const r = one("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json");
      assert.equal(
        fieldsOf(r.message).Actor,
        "federated user dave (via IAM user ci-broker)\n`arn:aws:sts::444444444444:federated-user/dave`",
      );
      assert.equal(fieldsOf(r.message).Account, "`444444444444`");
    });

    it("an IAM user event without userName (the seed's crash) takes the name from the ARN; Detach* is red", () => {
      const r = one("eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json");
      assert.deepEqual(r.problems, []);
      assert.equal(fieldsOf(r.message).Actor, "IAM user erin\n`arn:aws:iam::222222222222:user/ops/erin`");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
    });
  });

  describe("failed CloudTrail calls", () => {
    it("shows the error code and message, and marks the header as failed", () => {
      const ev = fixture("eventbridge/cloudtrail-iam-createuser-root.json") as {
        detail: Record<string, unknown>;
      };
      ev.detail.errorCode = "AccessDenied";
      ev.detail.errorMessage =
        "User: arn:aws:iam::222222222222:user/x is not authorized to perform: iam:CreateUser";
      ev.detail.responseElements = null;
      const [r] = renderMessages(ev, settings);
      assert.equal(headerOf(r.message!), "IAM CreateUser on deploy-bot (failed: AccessDenied)");
      assert.equal(
        fieldsOf(r.message!).Result,
        ":x: `AccessDenied` User: arn:aws:iam::222222222222:user/x is not authorized to perform: iam:CreateUser",
      );
    });
  });

  describe("Config compliance", () => {
    it("EventBridge NON_COMPLIANT is red with rule, resource, transition and the Config rule link", () => {
      const r = one("eventbridge/config-compliance-change-noncompliant.json");
      assert.equal(r.kind, "config-compliance");
      assert.equal(r.eventId, "6c7d8e9f-0a1b-4c2d-3e4f-5a6b7c8d9e0f");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(
        r.message.text,
        "[high] :red_circle: sg-0a1b2c3d4e5f60718 is NON_COMPLIANT with restricted-ssh in payments (222222222222) ap-northeast-2",
      );
      assert.deepEqual(fieldsOf(r.message), {
        Account: "`222222222222` (payments)",
        Region: "`ap-northeast-2` (Asia Pacific (Seoul))",
        Rule: "`restricted-ssh`",
        Resource: "AWS::EC2::SecurityGroup `sg-0a1b2c3d4e5f60718`",
        Compliance: "`COMPLIANT` → *NON_COMPLIANT*",
        Recorded: "2026-11-20 01:03:05 UTC",
      });
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-2.console.aws.amazon.com/config/home?region=ap-northeast-2#/rules/details?configRuleName=restricted-ssh",
      ]);
    });

    it("EventBridge COMPLIANT is green", () => {
      const r = one("eventbridge/config-compliance-change-compliant.json");
      assert.equal(r.message.attachments[0].color, COLORS.good);
      assert.equal(COLORS.good, "#2EB67D");
      assert.equal(fieldsOf(r.message).Compliance, "`NON_COMPLIANT` → *COMPLIANT*");
    });

    it("the SNS ComplianceChangeNotification renders like the EventBridge form, with its annotation", () => {
      const r = one("sns/lambda-sns-config-compliance-noncompliant.json");
      assert.equal(r.recordId, "95df01b4-ee98-5cb9-9903-4c221d41eb5e");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(fieldsOf(r.message).Compliance, "*NON_COMPLIANT*");
      assert.ok(sectionTexts(r.message).includes("*Annotation*\nPort 22 is open to 0.0.0.0/0"));
      assert.equal(buttonUrls(r.message).length, 1);
      assert.deepEqual(contextTexts(r.message), [
        ":red_circle: Severity: *high*",
        "Config notification `95df01b4-ee98-5cb9-9903-4c221d41eb5e` · via `arn:aws:sns:us-east-1:111111111111:security-guard-config`",
      ]);
    });

    it("a bare Config message body renders the same as its SNS-wrapped form", () => {
      const bare = one("messages/config-compliance-change-notification.json");
      const wrapped = one("sns/lambda-sns-config-compliance-noncompliant.json");
      assert.deepEqual(fieldsOf(bare.message), fieldsOf(wrapped.message));
      assert.equal(bare.message.text, wrapped.message.text);
    });

    it("a configuration-item change is skipped with the reason, by SNS and by EventBridge", () => {
      const [r] = renderMessages(fixture("sns/lambda-sns-config-item-change.json"), settings);
      assert.equal(r.kind, "other");
      assert.equal(r.message, undefined);
      assert.equal(r.accountId, "222222222222");
      assert.match(
        r.skipped!,
        /^AWS Config configuration-item changes are not posted: they record every change/,
      );
      const eb = renderMessages(
        {
          version: "0",
          id: "c1",
          "detail-type": "Config Configuration Item Change",
          source: "aws.config",
          account: "222222222222",
          region: "us-east-1",
          time: "2026-11-20T01:02:03Z",
          resources: [],
          detail: { messageType: "ConfigurationItemChangeNotification", configurationItem: {} },
        },
        settings,
      );
      assert.equal(eb[0].skipped, r.skipped);
      assert.equal(eb[0].message, undefined);
    });

    it("a snapshot delivery notice is skipped with a reason, not silently dropped", () => {
      const out = renderMessages(fixture("sns/lambda-sns-config-snapshot-delivery.json"), settings);
      assert.equal(out.length, 1);
      assert.equal(out[0].message, undefined);
      assert.equal(
        out[0].skipped,
        "AWS Config ConfigurationSnapshotDeliveryCompleted is a routine delivery/evaluation notice",
      );
    });
  });

  describe("CloudWatch alarms", () => {
    it("the SNS alarm message is red, maps the display-name region to its code, and links the alarm", () => {
      const r = one("sns/lambda-sns-cloudwatch-alarm.json");
      assert.equal(r.kind, "alarm");
      assert.equal(r.webhook, "alarms");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(
        r.message.text,
        "[high] :red_circle: ALARM: security-group-changes in 444444444444 ap-northeast-2",
      );
      assert.deepEqual(fieldsOf(r.message), {
        Account: "`444444444444`",
        Region: "`ap-northeast-2` (Asia Pacific (Seoul))",
        State: "`OK` → *ALARM*",
        "Changed at": "2026-11-20 10:00:00 UTC",
        Metric: "CloudTrailMetrics SecurityGroupEventCount",
        Condition: "sum &gt;= 1 over 1 × 300 s",
      });
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/security-group-changes",
      ]);
    });

    it("the SNS alarm OK message is green", () => {
      const r = one("messages/cloudwatch-alarm-ok.json");
      assert.equal(r.message.attachments[0].color, COLORS.good);
      assert.equal(headerOf(r.message), "OK: security-group-changes");
    });

    it("the EventBridge Alarm State Change is red with description, metric and link", () => {
      const r = one("eventbridge/cloudwatch-alarm-state-change-alarm.json");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(r.eventId, "8e9f0a1b-2c3d-4e4f-5a6b-7c8d9e0f1a2b");
      assert.equal(fieldsOf(r.message).State, "`OK` → *ALARM*");
      assert.equal(fieldsOf(r.message).Metric, "CloudTrailMetrics RootAccountUsageCount");
      assert.equal(sectionTexts(r.message)[0], "Root user signed in or made an API call");
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/root-account-usage",
      ]);
    });

    it("the EventBridge OK state is green", () => {
      assert.equal(
        one("eventbridge/cloudwatch-alarm-state-change-ok.json").message.attachments[0].color,
        COLORS.good,
      );
    });
  });

  describe("remediation reports", () => {
    it("revoked is red and lists the permissions revoked, with group and trigger links", () => {
      const r = one("eventbridge/remediation-revoked.json");
      assert.equal(r.kind, "remediation");
      assert.equal(r.accountId, "222222222222");
      assert.equal(r.message.attachments[0].color, COLORS.danger);
      assert.equal(headerOf(r.message), "Revoked SSH open to the internet on sg-0a1b2c3d4e5f60718");
      assert.ok(
        sectionTexts(r.message).includes(
          "*Permissions revoked*\n• ingress tcp 22 from `0.0.0.0/0`, `::/0` (`sgr-0123456789abcdef0`, `sgr-0fedcba9876543210`)",
        ),
      );
      assert.equal(
        fieldsOf(r.message)["Security group"],
        "`sg-0a1b2c3d4e5f60718` (bastion)\nin `vpc-0123456789abcdef0`",
      );
      assert.equal(
        fieldsOf(r.message).Trigger,
        "CloudTrail `AuthorizeSecurityGroupIngress`\n`b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c`",
      );
      assert.deepEqual(buttonUrls(r.message), [
        "https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0a1b2c3d4e5f60718",
        "https://ap-northeast-2.console.aws.amazon.com/cloudtrail/home?region=ap-northeast-2#/events/b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
      ]);
    });

    it("dry-run and exempt are yellow; already-compliant is green with a Config rule link", () => {
      const dry = one("eventbridge/remediation-dry-run.json");
      assert.equal(dry.message.attachments[0].color, COLORS.warning);
      assert.ok(sectionTexts(dry.message).some((t) => t.startsWith("*Permissions that would be revoked*\n")));
      const exempt = one("eventbridge/remediation-exempt.json");
      assert.equal(exempt.message.attachments[0].color, COLORS.warning);
      assert.equal(sectionTexts(exempt.message)[0], "exempt by tag security-guard:ssh-exempt=true");
      const ok = one("eventbridge/remediation-already-compliant-config-trigger.json");
      assert.equal(ok.message.attachments[0].color, COLORS.good);
      assert.equal(
        fieldsOf(ok.message).Trigger,
        "Config rule `restricted-ssh`\n`6c7d8e9f-0a1b-4c2d-3e4f-5a6b7c8d9e0f`",
      );
      assert.equal(
        buttonUrls(ok.message)[1],
        "https://ap-northeast-2.console.aws.amazon.com/config/home?region=ap-northeast-2#/rules/details?configRuleName=restricted-ssh",
      );
    });
  });

  describe("batches and envelopes", () => {
    it("renders every record of an SNS batch, in order, each with its SNS message id", () => {
      const out = renderMessages(fixture("sns/lambda-sns-eventbridge-batch.json"), settings);
      assert.deepEqual(
        out.map((r) => [r.recordId, r.kind, r.webhook]),
        [
          ["b7f123d6-0a1b-4edb-8b25-6e443f63ad70", "security-group", "payments"],
          ["c8a234e7-1b2c-4fec-9c36-7f554a74be81", "iam", "payments"],
          ["d9b345f8-2c3d-4afd-8d47-8a665b85cf92", "alarm", "alarms"],
        ],
      );
    });

    it("renders SQS records whose bodies are an SNS notification document and a raw EventBridge event", () => {
      const out = renderMessages(fixture("sqs/lambda-sqs-batch.json"), settings);
      assert.deepEqual(
        out.map((r) => [r.recordId, r.kind, r.eventId]),
        [
          ["059f36b4-87a3-44ab-83d2-661975830a7d", "security-group", "c8b2f1d3-4e5a-4f6b-8c7d-9e0f1a2b3c4d"],
          ["2e1424d4-f796-459a-8184-9c92662be6da", "alarm", "8e9f0a1b-2c3d-4e4f-5a6b-7c8d9e0f1a2b"],
        ],
      );
      assert.ok(
        contextTexts(out[0].message!)
          .at(-1)!
          .includes("via `arn:aws:sns:us-east-1:111111111111:security-guard-events`"),
      );
    });
  });

  describe("unknown and malformed input", () => {
    it("an unknown EventBridge event gets a readable generic message, not a JSON dump", () => {
      const r = one("eventbridge/unknown-macie-finding.json");
      assert.equal(r.kind, "other");
      assert.equal(r.message.attachments[0].color, COLORS.neutral);
      assert.equal(r.message.text, "[medium] Macie Finding from aws.macie in 444444444444");
      assert.equal(fieldsOf(r.message).Source, "`aws.macie`");
      const body = sectionTexts(r.message).join("\n");
      // The identifying values it carries, not only its field names.
      assert.ok(
        body.includes(
          "*What it is about*\n• `id`: a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6\n• `type`: SensitiveData:S3Object/Personal\n" +
            "• `title`: The S3 object contains personal information.\n• `severity.description`: Medium\n" +
            "• `resourcesAffected.s3Bucket.name`: web-uploads\n• `resourcesAffected.s3Bucket.arn`: arn:aws:s3:::web-uploads\n*Detail fields*",
        ),
        body,
      );
      assert.ok(body.includes("*Detail fields*: `schemaVersion`, `accountId`"), body);
      assert.ok(!body.includes("{"), "no JSON in the message");
    });

    it("no fixture renders undefined, null or [object Object] anywhere", () => {
      for (const rel of allJsonFixtures()) {
        if (rel.includes("empty-records")) continue;
        for (const r of renderMessages(fixture(rel), settings)) {
          for (const s of allStrings(r.message ?? {})) {
            assert.ok(!/undefined|\bnull\b|\[object Object\]/.test(s), `${rel}: ${s}`);
          }
        }
      }
    });

    it("a truncated SNS message gives an 'Unreadable notification' fallback with the error and the message id", () => {
      const out = renderMessages(fixture("malformed/sns-truncated-message.json"), settings);
      assert.equal(out.length, 1);
      const r = out[0];
      assert.equal(r.recordId, "0b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e");
      assert.deepEqual(r.problems!.map(jsonErrorMeaning), [
        "the message body is not valid JSON (…position 180…)",
      ]);
      assert.equal(r.message!.attachments[0].color, COLORS.warning);
      assert.equal(headerOf(r.message!), "Unreadable notification");
      assert.ok(contextTexts(r.message!).some((t) => t.includes("`0b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e`")));
    });

    it("an SNS Message of the wrong type is reported by path", () => {
      const [r] = renderMessages(fixture("malformed/sns-message-not-a-string.json"), settings);
      assert.deepEqual(r.problems, ["Records[0].Sns.Message is a number, expected a string"]);
      assert.equal(headerOf(r.message!), "Unreadable notification");
    });

    it("missing CloudTrail fields are listed on the message and in problems", () => {
      const r = one("malformed/eventbridge-cloudtrail-missing-fields.json");
      assert.deepEqual(r.problems, ["detail.eventID is missing", "detail.userIdentity.type is missing"]);
      assert.equal(fieldsOf(r.message).Actor, "unknown identity");
      assert.deepEqual(buttonUrls(r.message), [], "no link without an event id");
      assert.ok(
        contextTexts(r.message).includes(
          ":warning: Incomplete event: detail.eventID is missing; detail.userIdentity.type is missing",
        ),
      );
    });

    it("wrong field types are named with what was expected", () => {
      const r = one("malformed/eventbridge-cloudtrail-wrong-types.json");
      assert.deepEqual(r.problems, [
        "detail.eventName is an object, expected a string",
        "detail.userIdentity.type is a number, expected a string",
        "detail.userIdentity.arn is an array, expected a string",
      ]);
      const c = one("malformed/config-compliance-wrong-types.json");
      assert.deepEqual(c.problems, [
        "newEvaluationResult is a string, expected an object",
        "configRuleName is missing",
      ]);
      assert.equal(c.message.attachments[0].color, COLORS.neutral);
    });

    it("empty Records, a non-object event and a non-array Records throw NotifierInputError", () => {
      assert.throws(() => renderMessages(fixture("malformed/sns-empty-records.json"), settings), {
        name: "NotifierInputError",
        message: "the event's Records array is empty: there is nothing to notify",
      });
      assert.throws(() => renderMessages("hello", settings), /the event is a string, expected a JSON object/);
      assert.throws(() => renderMessages({ Records: {} }, settings), {
        name: "NotifierInputError",
        message: "the event's Records is an object, expected an array",
      });
    });

    it("a plain-text SNS message is shown as text under its subject", () => {
      const [r] = renderMessages(
        {
          Records: [
            {
              EventSource: "aws:sns",
              Sns: { MessageId: "m-1", Subject: "Hello <!channel>", Message: "disk <full> & slow" },
            },
          ],
        },
        settings,
      );
      assert.equal(headerOf(r.message!), "Hello <!channel>");
      assert.equal(sectionTexts(r.message!)[0], "disk &lt;full&gt; &amp; slow");
      assert.equal(r.message!.text, "[medium] Hello &lt;!channel&gt;");
    });
  });
});
