// Pure logic of the remediator: which permissions offend, how triggers are parsed, retry policy,
// session names. No AWS calls here; the moto tests cover the calls.
import * as assert from "assert";
import {
  coversSsh,
  findOffendingPermissions,
  revokeRequestFor,
  withRuleIds,
} from "../../../handlers/remediator/permissions";
import { roleSessionName } from "../../../handlers/remediator/remediate";
import { busRegion } from "../../../handlers/remediator/report";
import { type RetriesExhausted, isRetryable, withRetry } from "../../../handlers/remediator/retry";
import { parseEvent } from "../../../handlers/remediator/triggers";
import { SEOUL, SPOKE, authorizeEvent, configEvent, modifyEvent, snsEvent } from "./support";

const RULES = ["security-guard-restricted-ssh"];
const GID = "sg-0123456789abcdef0";

describe("remediator logic", () => {
  describe("coversSsh", () => {
    const cases: Array<[string, unknown, unknown, boolean]> = [
      ["tcp", 22, 22, true],
      ["tcp", 21, 23, true],
      ["tcp", 0, 65535, true],
      ["tcp", 23, 65535, false],
      ["tcp", 0, 21, false],
      ["6", 22, 22, true],
      ["-1", undefined, undefined, true],
      ["-1", -1, -1, true],
      ["udp", 22, 22, false],
      ["icmp", -1, -1, false],
      ["tcp", "22", "22", true],
    ];
    for (const [proto, from, to, want] of cases) {
      it(`${proto} ${String(from)}-${String(to)} -> ${want}`, () =>
        assert.strictEqual(coversSsh(proto, from, to), want));
    }
  });

  it("findOffendingPermissions keeps only world CIDRs of permissions that cover port 22", () => {
    assert.deepStrictEqual(
      findOffendingPermissions([
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "10.0.0.0/8" }, { CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/9" }],
          PrefixListIds: [{ PrefixListId: "pl-1" }],
        },
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/1" }] },
      ]),
      [
        { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0", "::/0"] },
        { ipProtocol: "-1", cidrs: ["0.0.0.0/0"] },
        // Half of IPv4 is the world too (at most /8 by default); a /9 is not.
        { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/1"] },
      ],
    );
  });

  it("revokeRequestFor names exactly one CIDR, in the right address family", () => {
    const p = { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0", "::/0"] };
    assert.deepStrictEqual(revokeRequestFor(p, "::/0"), {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    });
    assert.deepStrictEqual(revokeRequestFor({ ipProtocol: "-1", cidrs: ["0.0.0.0/0"] }, "0.0.0.0/0"), {
      IpProtocol: "-1",
      IpRanges: [{ CidrIp: "0.0.0.0/0" }],
    });
  });

  it("withRuleIds matches ingress rules only, treating -1 ports as absent ports", () => {
    const rules = [
      {
        SecurityGroupRuleId: "sgr-b",
        IsEgress: false,
        IpProtocol: "-1",
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: "0.0.0.0/0",
      },
      {
        SecurityGroupRuleId: "sgr-e",
        IsEgress: true,
        IpProtocol: "-1",
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: "0.0.0.0/0",
      },
      {
        SecurityGroupRuleId: "sgr-p",
        IsEgress: false,
        IpProtocol: "-1",
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: "10.0.0.0/8",
      },
    ];
    assert.deepStrictEqual(withRuleIds([{ ipProtocol: "-1", cidrs: ["0.0.0.0/0"] }], rules), [
      { ipProtocol: "-1", cidrs: ["0.0.0.0/0"], ruleIds: ["sgr-b"] },
    ]);
    assert.deepStrictEqual(
      withRuleIds([{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["::/0"] }], rules),
      [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["::/0"] }],
    );
  });

  it("roleSessionName stays within 64 allowed characters", () => {
    assert.strictEqual(roleSessionName("abc/def ghi:1"), "security-guard-remediation-abcdefghi1");
    const long = roleSessionName("x".repeat(100));
    assert.strictEqual(long.length, 64);
    assert.match(roleSessionName(undefined), /^security-guard-remediation-t\d+$/);
    assert.match(roleSessionName("///"), /^security-guard-remediation-t\d+$/);
  });

  it("busRegion reads the region of a bus ARN and none from a bus name", () => {
    assert.strictEqual(busRegion("arn:aws:events:eu-west-1:123456789012:event-bus/hub"), "eu-west-1");
    assert.strictEqual(busRegion("hub"), undefined);
  });

  describe("retry", () => {
    it("classifies throttling, 5xx and network errors as retryable, and client errors as not", () => {
      const err = (name: string, status?: number) =>
        Object.assign(new Error("x"), { name, $metadata: { httpStatusCode: status } });
      assert.strictEqual(isRetryable(err("RequestLimitExceeded", 503)), true);
      assert.strictEqual(isRetryable(err("ThrottlingException", 400)), true);
      assert.strictEqual(isRetryable(err("SomethingNew", 500)), true);
      assert.strictEqual(isRetryable(err("ECONNRESET")), true);
      assert.strictEqual(isRetryable(err("AccessDenied", 403)), false);
      assert.strictEqual(isRetryable(err("InvalidGroup.NotFound", 400)), false);
    });

    it("backs off exponentially with full jitter, capped, and gives up after maxAttempts", async () => {
      const delays: number[] = [];
      let calls = 0;
      const throttled = Object.assign(new Error("slow down"), { name: "Throttling" });
      await assert.rejects(
        withRetry(
          async () => {
            calls++;
            throw throttled;
          },
          {
            maxAttempts: 5,
            baseDelayMs: 100,
            maxDelayMs: 300,
            sleep: async (ms) => void delays.push(ms),
            random: () => 0.5,
          },
        ),
        (e: RetriesExhausted) =>
          e.name === "RetriesExhausted" && e.attempts === 5 && e.lastError === throttled,
      );
      assert.strictEqual(calls, 5);
      assert.deepStrictEqual(delays, [50, 100, 150, 150]);
    });

    it("rethrows a non-retryable error at once", async () => {
      let calls = 0;
      const denied = Object.assign(new Error("no"), { name: "AccessDenied" });
      await assert.rejects(
        withRetry(
          async () => {
            calls++;
            throw denied;
          },
          { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
        ),
        (e) => e === denied,
      );
      assert.strictEqual(calls, 1);
    });
  });

  describe("parseEvent", () => {
    it("reads the older flat AuthorizeSecurityGroupIngress form and the group id from responseElements", () => {
      const e = authorizeEvent({ account: SPOKE, region: SEOUL, groupId: GID, permissions: [] });
      e.detail.requestParameters = {
        cidrIp: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
      } as never;
      e.detail.responseElements = { securityGroupRuleSet: { items: [{ groupId: GID }] } } as never;
      const [item] = parseEvent(e, RULES);
      assert.strictEqual(item.kind, "remediate");
      assert.strictEqual(item.kind === "remediate" && item.request.groupId, GID);
    });

    it("accepts several rules in one ModifySecurityGroupRules call (array form)", () => {
      const e = modifyEvent({
        account: SPOKE,
        region: SEOUL,
        groupId: GID,
        rule: { IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIpv4: "0.0.0.0/0" },
      });
      const req = (e.detail.requestParameters as { ModifySecurityGroupRulesRequest: Record<string, unknown> })
        .ModifySecurityGroupRulesRequest;
      req.SecurityGroupRule = [
        req.SecurityGroupRule,
        { SecurityGroupRuleId: "sgr-2", SecurityGroupRule: { IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" } },
      ];
      assert.strictEqual(parseEvent(e, RULES)[0].kind, "remediate");
    });

    it("unwraps an EventBridge event delivered through SNS, keeping the event's own id", () => {
      const [item] = parseEvent(
        snsEvent([
          { id: "m-1", body: configEvent({ id: "eb-1", account: SPOKE, region: SEOUL, groupId: GID }) },
        ]),
        RULES,
      );
      assert.deepStrictEqual(item, {
        kind: "remediate",
        eventId: "eb-1",
        request: {
          accountId: SPOKE,
          region: SEOUL,
          groupId: GID,
          trigger: { kind: "config-compliance", eventId: "eb-1", configRuleName: RULES[0] },
        },
      });
    });

    it("names a missing complianceType and a non-SNS record", () => {
      const e = configEvent({ id: "x", account: SPOKE, region: SEOUL, groupId: GID });
      delete (e.detail.newEvaluationResult as Record<string, unknown>).complianceType;
      const [a] = parseEvent(e, RULES);
      assert.strictEqual(
        a.kind === "invalid" && a.error.message,
        "EventBridge event x: detail.newEvaluationResult.complianceType is missing",
      );
      const [b] = parseEvent({ Records: [{ EventSource: "aws:sqs", body: "{}" }] }, RULES);
      assert.strictEqual(
        b.kind === "invalid" && b.error.message,
        'SNS record 0: expected EventSource "aws:sns" and a string Sns.Message',
      );
    });
  });
});
