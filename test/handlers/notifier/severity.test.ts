// The severity table, on real-shaped fixtures: each row of the README's table by an event that
// takes it, and the order of the rows (a failed call that would open SSH is low, not critical).
import { strict as assert } from "assert";
import type { Finding } from "../../../handlers/findings/model";
import { SOURCES, severityRules, severityTableRows } from "../../../handlers/findings/registry";
import { SEVERITY_LEVELS, atLeast } from "../../../handlers/notifier/severity";
import { factsOfPayload, findingOfPayload, fixture } from "./fixtures";
import * as fs from "fs";
import * as path from "path";

type Json = Record<string, unknown>;
const SSH_RULES = ["restricted-ssh", "security-guard-restricted-ssh"];
/** The finding's severity; a record a source skips is never posted and has none. */
const sev = (payload: unknown) => {
  const f = findingOfPayload(payload, SSH_RULES);
  return "skipped" in f ? "skipped" : f.severity;
};
const snsMessage = (rel: string) =>
  JSON.parse(
    (fixture(rel) as { Records: Array<{ Sns: { Message: string } }> }).Records[0].Sns.Message,
  ) as Json;

describe("severity table", () => {
  it("SSH opened to the world (ipPermissions, ModifySecurityGroupRules) is critical", () => {
    assert.equal(
      sev(fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json")),
      "critical",
    );
    const e = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json");
    assert.equal((findingOfPayload(e) as Finding).evidence.world_ssh, true);
    assert.equal(factsOfPayload(e).resourceId, "sg-0a1b2c3d4e5f60718");
  });

  it("the same call that failed (AccessDenied) is low: nothing changed", () => {
    const e = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
    const failed = { ...e, detail: { ...(e.detail as Json), errorCode: "Client.UnauthorizedOperation" } };
    assert.equal(sev(failed), "low");
  });

  it("world ingress on HTTPS (not SSH) is high; a private-range rule is medium; a revoke is medium", () => {
    const e = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
    const d = e.detail as Json;
    const https = {
      ...e,
      detail: {
        ...d,
        requestParameters: {
          groupId: "sg-1",
          ipPermissions: {
            items: [
              {
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
              },
            ],
          },
        },
      },
    };
    assert.equal(sev(https), "high");
    const privateRange = {
      ...https,
      detail: {
        ...d,
        requestParameters: {
          groupId: "sg-1",
          ipPermissions: {
            items: [
              {
                ipProtocol: "tcp",
                fromPort: 22,
                toPort: 22,
                ipRanges: { items: [{ cidrIp: "10.0.0.0/8" }] },
              },
            ],
          },
        },
      },
    };
    assert.equal(sev(privateRange), "medium");
    const allTraffic = {
      ...https,
      detail: {
        ...d,
        requestParameters: {
          groupId: "sg-1",
          ipPermissions: { items: [{ ipProtocol: "-1", ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] } }] },
        },
      },
    };
    assert.equal(sev(allTraffic), "critical", "all traffic includes port 22");
    assert.equal(sev(fixture("eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json")), "medium");
  });

  it("IAM changes are high; the root user acting is critical", () => {
    assert.equal(sev(fixture("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json")), "high");
    assert.equal(sev(fixture("eventbridge/cloudtrail-iam-createuser-root.json")), "critical");
    assert.equal(sev(fixture("cis/root-s3-create-bucket-tokyo.json")), "critical");
    assert.equal(sev(fixture("cis/signin-console-login-root.json")), "critical");
  });

  it("findings take their source's rating; archived or resolved ones are info", () => {
    assert.equal(sev(fixture("findings/guardduty-ec2-ssh-bruteforce-seoul.json")), "medium");
    assert.equal(sev(fixture("findings/guardduty-iam-anomalous-behavior-high.json")), "high");
    assert.equal(sev(fixture("findings/guardduty-recon-low-severity-seoul.json")), "low");
    assert.equal(sev(fixture("findings/securityhub-imported-ec2-19-critical.json")), "critical");
    assert.equal(sev(fixture("findings/securityhub-imported-ec2-19-resolved-archived.json")), "info");
    assert.equal(sev(fixture("findings/access-analyzer-s3-public.json")), "high");
    assert.equal(sev(fixture("findings/access-analyzer-role-cross-account.json")), "medium");
  });

  it("CIS monitoring: logging, keys, bucket policies and Organizations high; network medium; sign-ins by outcome", () => {
    for (const f of [
      "cloudtrail-stoplogging-tokyo",
      "cloudtrail-put-event-selectors",
      "config-stop-configuration-recorder",
      "config-delete-delivery-channel",
      "kms-disable-key",
      "kms-schedule-key-deletion-seoul",
      "s3-put-bucket-policy-tokyo",
      "organizations-attach-policy",
      "organizations-leave-organization",
      "signin-console-login-no-mfa-iamuser",
    ])
      assert.equal(sev(fixture(`cis/${f}.json`)), "high", f);
    for (const f of [
      "ec2-attach-internet-gateway",
      "ec2-create-network-acl-entry-seoul",
      "ec2-create-route-tokyo",
      "ec2-create-vpc-peering-connection",
      "signin-console-login-failure",
    ])
      assert.equal(sev(fixture(`cis/${f}.json`)), "medium", f);
    assert.equal(sev(fixture("cis/unauthorized-describe-instances-seoul.json")), "low");
  });

  it("alarms: ALARM high, OK info (EventBridge and SNS forms)", () => {
    assert.equal(sev(fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json")), "high");
    assert.equal(sev(fixture("eventbridge/cloudwatch-alarm-state-change-ok.json")), "info");
    assert.equal(sev(fixture("messages/cloudwatch-alarm.json")), "high");
    assert.equal(sev(fixture("messages/cloudwatch-alarm-ok.json")), "info");
  });

  it("compliance: the SSH rule NON_COMPLIANT is critical, another rule's high, COMPLIANT info", () => {
    const nc = fixture("eventbridge/config-compliance-change-noncompliant.json") as Json;
    assert.equal(sev(nc), "critical");
    assert.equal(sev(fixture("messages/config-compliance-change-notification.json")), "critical");
    const other = { ...nc, detail: { ...(nc.detail as Json), configRuleName: "s3-bucket-logging-enabled" } };
    assert.equal(sev(other), "high");
    assert.equal(sev(fixture("eventbridge/config-compliance-change-compliant.json")), "info");
  });

  it("remediation: dry run critical, revoked and exempt high, nothing to do info", () => {
    assert.equal(sev(fixture("eventbridge/remediation-dry-run.json")), "critical");
    assert.equal(sev(fixture("eventbridge/remediation-revoked.json")), "high");
    assert.equal(sev(fixture("eventbridge/remediation-exempt.json")), "high");
    assert.equal(sev(fixture("eventbridge/remediation-already-compliant-config-trigger.json")), "info");
  });

  it("a configuration-item change is skipped; an unknown event type medium; an unreadable record medium", () => {
    assert.equal(sev(snsMessage("sns/lambda-sns-config-item-change.json")), "skipped");
    assert.equal(sev(fixture("eventbridge/unknown-macie-finding.json")), "medium");
    assert.equal(sev(undefined), "medium");
  });

  it("every row names its condition; every source's table ends in the fallback; atLeast orders the levels", () => {
    for (const source of SOURCES) {
      const table = severityRules(source);
      assert.ok(
        table.every((r) => r.when.length > 10 && SEVERITY_LEVELS.includes(r.severity)),
        source.id,
      );
      assert.equal(table[table.length - 1].test({} as never, { sshConfigRules: [] }), true, source.id);
    }
    assert.ok(atLeast("critical", "high") && atLeast("high", "high") && !atLeast("medium", "high"));
    assert.ok(atLeast("info", "info") && !atLeast("info", "low"));
  });

  it("the README's severity table is the sources' rules, row for row", () => {
    const readme = fs.readFileSync(path.join(__dirname, "../../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Severity\n"));
    const rows = section
      .slice(0, section.indexOf("\n### ", 4))
      .split("\n")
      .filter((l) => /^\| .* \| (critical|high|medium|low|info) /.test(l))
      .map((l) => l.split("|").map((c) => c.trim()))
      .map((c) => [c[1], c[2], c[3]]);
    assert.deepEqual(rows, severityTableRows());
  });
});
