// The detection formats: GuardDuty, Security Hub and Access Analyzer findings, console sign-ins and
// the CIS monitoring calls, from AWS's documented sample events: exact headers, fields and links.
import { strict as assert } from "assert";
import { COLORS, NotifierSettings, renderMessages } from "../../../handlers/notifier";
import { buttonUrls, contextTexts, fieldsOf, fixture, headerOf, sectionTexts } from "./fixtures";

const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments", "333333333333": "data", "444444444444": "web" },
  routes: [
    { webhook: "findings", kinds: ["guardduty", "security-hub", "access-analyzer"] },
    { webhook: "network", kinds: ["network"] },
  ],
};

function one(rel: string) {
  const out = renderMessages(fixture(rel), settings);
  assert.equal(out.length, 1, `${rel} should render one message`);
  assert.ok(out[0].message, `${rel} should not be skipped`);
  assert.deepEqual(out[0].problems, [], `${rel} problems`);
  return { ...out[0], message: out[0].message! };
}

describe("notifier: detection formats", () => {
  it("GuardDuty: type, title, severity, instance, actor IP, count, first/last seen, deep link", () => {
    const r = one("findings/guardduty-ec2-ssh-bruteforce-seoul.json");
    assert.equal(r.kind, "guardduty");
    assert.equal(r.webhook, "findings");
    assert.equal(r.eventId, "16afba5c5c43e07c9e3e5e2e544e95df");
    assert.equal(r.message.attachments[0].color, COLORS.warning);
    assert.equal(
      headerOf(r.message),
      "GuardDuty: 198.51.100.77 is performing SSH brute force attacks against i-0a1b2c3d4e5f67890.",
    );
    assert.deepEqual(fieldsOf(r.message), {
      Severity: "Medium (5)",
      "Finding type": "`UnauthorizedAccess:EC2/SSHBruteForce`",
      Account: "`222222222222` (payments)",
      Region: "`ap-northeast-2` (Asia Pacific (Seoul))",
      Resource: "instance `i-0a1b2c3d4e5f67890` (payments-bastion)",
      Actor: "`198.51.100.77` (Netherlands, Example Hosting)",
      Count: "37",
      "First / last seen": "2026-11-20 09:41:02 UTC\n2026-11-20 10:09:57 UTC",
    });
    assert.deepEqual(buttonUrls(r.message), [
      "https://ap-northeast-2.console.aws.amazon.com/guardduty/home?region=ap-northeast-2#/findings?macros=current&fId=16afba5c5c43e07c9e3e5e2e544e95df",
    ]);
  });

  it("GuardDuty: an access-key finding names the key and user; high severity is red", () => {
    const r = one("findings/guardduty-iam-anomalous-behavior-high.json");
    assert.equal(r.message.attachments[0].color, COLORS.danger);
    const f = fieldsOf(r.message);
    assert.equal(f.Severity, "High (8)");
    assert.equal(f.Resource, "access key `AKIAEXAMPLEDATA00042` of IAMUser `etl-loader`");
    assert.equal(f.Actor, "`192.0.2.201` (Brazil, Example Transit)");
  });

  it("Security Hub: severity label, title, control id, product, resources, workflow, record and compliance state", () => {
    const r = one("findings/securityhub-imported-ec2-19-critical.json");
    assert.equal(r.kind, "security-hub");
    assert.equal(r.accountId, "444444444444");
    assert.equal(r.message.attachments[0].color, COLORS.danger);
    assert.equal(
      headerOf(r.message),
      "Security Hub: Security groups should not allow unrestricted access to ports with high risk",
    );
    assert.deepEqual(fieldsOf(r.message), {
      Severity: "CRITICAL",
      Control: "`EC2.19`",
      Product: "Security Hub",
      Account: "`444444444444` (web)",
      Region: "`ap-northeast-1` (Asia Pacific (Tokyo))",
      Compliance: "FAILED",
      "Workflow / record": "NEW / ACTIVE",
      Updated: "2026-11-20 11:58:06 UTC",
      Resources:
        "AwsEc2SecurityGroup `arn:aws:ec2:ap-northeast-1:444444444444:security-group/sg-0b1c2d3e4f5a6b7c8`",
    });
    const urls = buttonUrls(r.message);
    assert.equal(urls.length, 2);
    assert.ok(
      urls[0].startsWith(
        "https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%5Coperator%5C%3AEQUALS%5C%3Aarn%3Aaws%3Asecurityhub",
      ),
      urls[0],
    );
    assert.equal(urls[1], "https://docs.aws.amazon.com/console/securityhub/EC2.19/remediation");
  });

  it("Access Analyzer: a public bucket is red and says who can do what", () => {
    const r = one("findings/access-analyzer-s3-public.json");
    assert.equal(r.kind, "access-analyzer");
    assert.equal(r.message.attachments[0].color, COLORS.danger);
    assert.equal(headerOf(r.message), "Access Analyzer: AWS::S3::Bucket public");
    const f = fieldsOf(r.message);
    assert.equal(f["Shared with"], "anyone (AWS `*`)");
    assert.equal(f.Actions, "`s3:GetObject`, `s3:ListBucket`");
    assert.equal(f.Public, ":warning: yes");
    assert.equal(f.Status, "ACTIVE");
    assert.deepEqual(buttonUrls(r.message), [
      "https://us-east-1.console.aws.amazon.com/access-analyzer/home?region=us-east-1#/findings/details/security-guard-account/8e4f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    ]);
  });

  it("Access Analyzer: a cross-account role names the external account and the conditions", () => {
    const f = fieldsOf(one("findings/access-analyzer-role-cross-account.json").message);
    assert.equal(f["Shared with"], "AWS `999999999999`");
    assert.equal(f.Conditions, "`sts:ExternalId`");
    assert.equal(f.Public, "no");
  });

  it("console sign-in: without MFA, root, and failures each name their CIS control", () => {
    const noMfa = one("cis/signin-console-login-no-mfa-iamuser.json");
    assert.equal(noMfa.kind, "sign-in");
    assert.equal(headerOf(noMfa.message), "Console sign-in without MFA: IAM user bob");
    assert.equal(noMfa.message.attachments[0].color, COLORS.warning);
    assert.equal(fieldsOf(noMfa.message)["MFA used"], "No");
    assert.equal(contextTexts(noMfa.message)[0], ":red_circle: Severity: *high*");
    assert.equal(
      contextTexts(noMfa.message)[1],
      "CIS 4.2 (Security Hub CloudWatch.3): Console sign-in without MFA",
    );

    const root = one("cis/signin-console-login-root.json");
    assert.equal(headerOf(root.message), "Console sign-in: the root user");
    assert.equal(root.message.attachments[0].color, COLORS.danger);
    assert.equal(contextTexts(root.message)[0], ":rotating_light: Severity: *critical*");
    assert.equal(contextTexts(root.message)[1], "CIS 4.3 (Security Hub CloudWatch.1): Root user activity");

    const failed = one("cis/signin-console-login-failure.json");
    assert.match(headerOf(failed.message), /^Console sign-in failed: /);
    assert.equal(fieldsOf(failed.message).Result, ":x: failed (Failed authentication)");
    assert.equal(contextTexts(failed.message)[0], ":large_orange_circle: Severity: *medium*");
    assert.equal(
      contextTexts(failed.message)[1],
      "CIS 4.6 (Security Hub CloudWatch.6): Console authentication failures",
    );
  });

  const cisCases: Array<[string, string, string, string]> = [
    [
      "cis/cloudtrail-stoplogging-tokyo.json",
      "audit-logging",
      "CLOUDTRAIL StopLogging on arn:aws:cloudtrail:us-east-1:222222222222:trail/org-trail",
      "CIS 4.5 (Security Hub CloudWatch.5): CloudTrail configuration changes",
    ],
    [
      "cis/kms-schedule-key-deletion-seoul.json",
      "kms",
      "KMS ScheduleKeyDeletion on 1234abcd-12ab-34cd-56ef-1234567890ab",
      "CIS 4.7 (Security Hub CloudWatch.7): Disabling or scheduled deletion of customer managed keys",
    ],
    [
      "cis/s3-put-bucket-policy-tokyo.json",
      "s3-policy",
      "S3 PutBucketPolicy on payments-exports",
      "CIS 4.8 (Security Hub CloudWatch.8): S3 bucket policy changes",
    ],
    [
      "cis/config-stop-configuration-recorder.json",
      "audit-logging",
      "CONFIG StopConfigurationRecorder on default",
      "CIS 4.9 (Security Hub CloudWatch.9): AWS Config configuration changes",
    ],
    [
      "cis/ec2-create-network-acl-entry-seoul.json",
      "network",
      "EC2 CreateNetworkAclEntry on acl-0a1b2c3d4e5f60718",
      "CIS 4.11 (Security Hub CloudWatch.11): Network ACL changes",
    ],
    [
      "cis/ec2-attach-internet-gateway.json",
      "network",
      "EC2 AttachInternetGateway on igw-0123456789abcdef0",
      "CIS 4.12 (Security Hub CloudWatch.12): Network gateway changes",
    ],
    [
      "cis/ec2-create-route-tokyo.json",
      "network",
      "EC2 CreateRoute on rtb-0a9b8c7d6e5f40312",
      "CIS 4.13 (Security Hub CloudWatch.13): Route table changes",
    ],
    [
      "cis/ec2-create-vpc-peering-connection.json",
      "network",
      "EC2 CreateVpcPeeringConnection on vpc-0fedcba9876543210",
      "CIS 4.14 (Security Hub CloudWatch.14): VPC changes",
    ],
    [
      "cis/organizations-leave-organization.json",
      "organizations",
      "ORGANIZATIONS LeaveOrganization",
      "CIS 4.15: AWS Organizations changes",
    ],
    [
      "cis/root-s3-create-bucket-tokyo.json",
      "root-usage",
      "S3 CreateBucket on root-made-bucket",
      "CIS 4.3 (Security Hub CloudWatch.1): Root user activity",
    ],
    [
      "cis/unauthorized-describe-instances-seoul.json",
      "unauthorized-call",
      "EC2 DescribeInstances (failed: Client.UnauthorizedOperation)",
      "CIS 4.1 (Security Hub CloudWatch.2): Unauthorized API calls",
    ],
  ];
  for (const [file, kind, head, control] of cisCases) {
    it(`${file}: kind ${kind}, names actor, resource and control`, () => {
      const r = one(file);
      assert.equal(r.kind, kind);
      assert.equal(headerOf(r.message), head);
      assert.ok(contextTexts(r.message).includes(control), contextTexts(r.message).join(" | "));
      assert.ok(fieldsOf(r.message).Actor.length > 0);
      assert.ok(sectionTexts(r.message).some((t) => t.startsWith("*What changed*")));
    });
  }

  it("network changes route by kind; findings of every service to the findings webhook", () => {
    assert.equal(one("cis/ec2-create-route-tokyo.json").webhook, "network");
    assert.equal(one("findings/access-analyzer-role-cross-account.json").webhook, "findings");
  });
});
