// The remediation handler against moto: hub credentials, AssumeRole into spoke account ids, groups
// in the spokes' regions, reports read back from the hub bus through a rule and an SQS queue.
import * as assert from "assert";
import { DescribeSecurityGroupsCommand, EC2Client, IpPermission } from "@aws-sdk/client-ec2";
import { RemediatorSettings, createRemediatorHandler, isEventError } from "../../../handlers/remediator";
import type { RemediationReport } from "../../../handlers/shared/remediationReport";
import { useMoto } from "../../helpers/moto";
import {
  CLOUDTRAIL_ACTOR,
  REPORT_BUS,
  ReportSink,
  RULE,
  SEOUL,
  SPOKE,
  SPOKE2,
  TOKYO,
  authorizeEvent,
  captureLogs,
  configEvent,
  configNotification,
  createGroup,
  deleteGroup,
  ingress,
  ingressDescribed,
  modifyEvent,
  prefixList,
  reportSink,
  ruleIds,
  settings,
  snsEvent,
  spokeEc2,
  tcp,
  tcpEntry,
  vpcOf,
} from "./support";

const EVENT_ID = "11111111-2222-3333-4444-555555555555";

describe("remediator handler (moto)", function () {
  useMoto();
  let sink: ReportSink;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    sink = await reportSink();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  /** Report fields every case shares, for the group as created in the spoke. */
  async function base(ec2: EC2Client, groupId: string, name: string, account = SPOKE, region = SEOUL) {
    return {
      accountId: account,
      region,
      groupId,
      groupName: name,
      vpcId: await vpcOf(ec2, groupId),
      trigger: { kind: "config-compliance" as const, eventId: EVENT_ID, configRuleName: RULE },
    };
  }

  /** The handler's return value and what reached the hub bus must be the same reports. */
  async function assertPublished(reports: RemediationReport[], expected: RemediationReport[]) {
    assert.deepStrictEqual(reports, expected);
    const got = await sink.drain();
    assert.deepStrictEqual(
      got,
      expected.map((r) => ({
        source: "security-guard.remediation",
        detailType: "SSH Remediation Result",
        resources: [`arn:aws:ec2:${r.region}:${r.accountId}:security-group/${r.groupId}`],
        detail: r,
      })),
    );
  }

  it("revokes 0.0.0.0/0:22 in the spoke account and region, via the assumed role, and reports it", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "web", [tcp(22, 22, ["0.0.0.0/0"])]);
    const ids = await ruleIds(spoke, gid);
    // The group is the spoke's: the hub's own credentials cannot see it.
    const hubEc2 = new EC2Client({ region: SEOUL });
    await assert.rejects(hubEc2.send(new DescribeSecurityGroupsCommand({ GroupIds: [gid] })), {
      name: "InvalidGroup.NotFound",
    });

    const handler = createRemediatorHandler(settings());
    const reports = await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: gid }), {
      awsRequestId: "req-1",
    });

    await assertPublished(reports, [
      {
        ...(await base(spoke, gid, "web")),
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0"])],
        reason: "revoked TCP port 22 from 0.0.0.0/0",
      },
    ]);
    assert.deepStrictEqual(await ingress(spoke, gid), []);
    const done = logs.lines.find((l) => l.message === "remediation revoked");
    assert.ok(done, "a log line for the decision");
    assert.strictEqual(done.eventId, EVENT_ID);
    assert.strictEqual(done.requestId, "req-1");
  });

  /** One group in the spoke (SPOKE, SEOUL), one Config event, one report: the cases differ only in data. */
  interface GroupCase {
    title: string;
    name: string;
    /** The group's ingress; `pl` is the id of the prefix list `prefixList` created, if any. */
    permissions: IpPermission[] | ((pl: string) => IpPermission[]);
    /** CIDRs of a managed prefix list to create in the spoke first. */
    prefixList?: string[];
    tags?: Record<string, string>;
    settings?: Partial<RemediatorSettings>;
    /** Outcome, permissions and reason of the one report; `ids` are the group's rule ids by ingress() line. */
    expect: (
      ids: Record<string, string>,
      pl: string,
    ) => Pick<RemediationReport, "outcome" | "permissions" | "reason" | "added">;
    /** The group's ingress() lines afterwards (`pl` replaced by the prefix list id). */
    after: string[];
    /** ingressDescribed() lines afterwards, where descriptions matter. */
    described?: string[];
  }
  /** A 0-65535 TCP range and an all-traffic permission open to the world, and UDP (not SSH). */
  const WIDE_OPEN: IpPermission[] = [
    tcp(0, 65535, ["0.0.0.0/0"]),
    { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "192.168.0.0/16" }] },
    { IpProtocol: "udp", FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
  ];
  /** What WIDE_OPEN's group reports revoked, with or without revokeWholeRule. */
  const wideRevoked = (ids: Record<string, string>) => [
    tcpEntry(ids, 0, 65535, ["0.0.0.0/0"]),
    { ipProtocol: "-1", cidrs: ["0.0.0.0/0"], ruleIds: [ids["-1 all 0.0.0.0/0"]] },
  ];
  const groupCases: GroupCase[] = [
    {
      title: "revokes ::/0:22 and leaves the IPv4 rules on other ports",
      name: "v6",
      permissions: [tcp(22, 22, [], ["::/0"]), tcp(443, 443, ["0.0.0.0/0"])],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["::/0"])],
        reason: "revoked TCP port 22 from ::/0",
      }),
      after: ["tcp 443-443 0.0.0.0/0"],
    },
    {
      title:
        "revokeWholeRule: revokes a 0-65535 TCP range and an all-traffic (-1) permission open to the world",
      name: "wide",
      settings: { revokeWholeRule: true },
      permissions: WIDE_OPEN,
      expect: (ids) => ({
        outcome: "revoked",
        permissions: wideRevoked(ids),
        reason: "revoked TCP ports 0-65535 from 0.0.0.0/0; all traffic from 0.0.0.0/0",
      }),
      // UDP is not SSH; the private CIDR of the all-traffic permission stays.
      after: ["-1 all 192.168.0.0/16", "udp 0-65535 0.0.0.0/0"],
    },
    {
      title:
        "closes only SSH of a 0-65535 TCP range and an all-traffic (-1) permission: the other ports stay open",
      name: "wide",
      permissions: WIDE_OPEN,
      expect: (ids) => ({
        outcome: "revoked",
        permissions: wideRevoked(ids),
        // Only what really changed: TCP 0-21/23-65535 once (the -1 narrowing finds them present),
        // UDP was already open, ICMP is new.
        added: [
          { ipProtocol: "tcp", fromPort: 0, toPort: 21, cidrs: ["0.0.0.0/0"] },
          { ipProtocol: "tcp", fromPort: 23, toPort: 65535, cidrs: ["0.0.0.0/0"] },
          { ipProtocol: "icmp", fromPort: -1, toPort: -1, cidrs: ["0.0.0.0/0"] },
        ],
        reason:
          "revoked TCP ports 0-65535 from 0.0.0.0/0; all traffic from 0.0.0.0/0; kept the other ports open: " +
          "added TCP ports 0-21 from 0.0.0.0/0; TCP ports 23-65535 from 0.0.0.0/0; ICMP from 0.0.0.0/0; " +
          "IP protocols other than TCP, UDP and ICMP are no longer allowed from 0.0.0.0/0",
      }),
      after: [
        "-1 all 192.168.0.0/16",
        "icmp -1--1 0.0.0.0/0",
        "tcp 0-21 0.0.0.0/0",
        "tcp 23-65535 0.0.0.0/0",
        "udp 0-65535 0.0.0.0/0",
      ],
    },
    {
      title: "closes only SSH of a 20-25 range from 0.0.0.0/0 and ::/0, keeping each source's description",
      name: "range",
      permissions: [
        {
          IpProtocol: "tcp",
          FromPort: 20,
          ToPort: 25,
          IpRanges: [
            { CidrIp: "0.0.0.0/0", Description: "legacy ftp+smtp" },
            { CidrIp: "10.0.0.0/8", Description: "vpc" },
          ],
          Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "v6 mail" }],
        },
      ],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 20, 25, ["0.0.0.0/0", "::/0"])],
        added: [
          { ipProtocol: "tcp", fromPort: 20, toPort: 21, cidrs: ["0.0.0.0/0", "::/0"] },
          { ipProtocol: "tcp", fromPort: 23, toPort: 25, cidrs: ["0.0.0.0/0", "::/0"] },
        ],
        reason:
          "revoked TCP ports 20-25 from 0.0.0.0/0, ::/0; kept the other ports open: " +
          "added TCP ports 20-21 from 0.0.0.0/0, ::/0; TCP ports 23-25 from 0.0.0.0/0, ::/0",
      }),
      after: [
        "tcp 20-21 0.0.0.0/0",
        "tcp 20-21 ::/0",
        "tcp 20-25 10.0.0.0/8",
        "tcp 23-25 0.0.0.0/0",
        "tcp 23-25 ::/0",
      ],
      described: [
        "tcp 20-21 0.0.0.0/0 legacy ftp+smtp",
        "tcp 20-21 ::/0 v6 mail",
        "tcp 20-25 10.0.0.0/8 vpc",
        "tcp 23-25 0.0.0.0/0 legacy ftp+smtp",
        "tcp 23-25 ::/0 v6 mail",
      ],
    },
    {
      title:
        "revokes SSH from CIDRs that together cover IPv4 (0.0.0.0/1 + 128.0.0.0/1), keeping private ones",
      name: "halves",
      permissions: [tcp(22, 22, ["0.0.0.0/1", "10.0.0.0/8"]), tcp(0, 1023, ["128.0.0.0/1"])],
      settings: { revokeWholeRule: true },
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/1"]), tcpEntry(ids, 0, 1023, ["128.0.0.0/1"])],
        reason: "revoked TCP port 22 from 0.0.0.0/1; TCP ports 0-1023 from 128.0.0.0/1",
      }),
      after: ["tcp 22-22 10.0.0.0/8"],
    },
    {
      title:
        "revokes SSH from ranges as wide as the world (0.0.0.0/1, 2000::/3), keeping a /24, private space and other ports exactly",
      name: "wide-ranges",
      permissions: [
        tcp(22, 22, ["0.0.0.0/1", "203.0.113.0/24", "10.0.0.0/8"], ["2000::/3", "2001:db8::/32"]),
        tcp(443, 443, ["0.0.0.0/1"], ["2000::/3"]),
      ],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/1", "2000::/3"])],
        reason: "revoked TCP port 22 from 0.0.0.0/1, 2000::/3",
      }),
      after: [
        "tcp 22-22 10.0.0.0/8",
        "tcp 22-22 2001:db8::/32",
        "tcp 22-22 203.0.113.0/24",
        "tcp 443-443 0.0.0.0/1",
        "tcp 443-443 2000::/3",
      ],
    },
    {
      title: "worldPrefixes /0: 0.0.0.0/1 and 11.0.0.0/8 stay, 2000::/3 (all routable IPv6) is still revoked",
      name: "narrow-world",
      settings: { worldPrefixes: { ipv4: 0, ipv6: 0 } },
      permissions: [tcp(22, 22, ["0.0.0.0/1", "11.0.0.0/8"], ["2000::/3"])],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["2000::/3"])],
        reason: "revoked TCP port 22 from 2000::/3",
      }),
      after: ["tcp 22-22 0.0.0.0/1", "tcp 22-22 11.0.0.0/8"],
    },
    {
      title: "revokes SSH from non-canonical spellings of ::/0 (0::0/0, 0:0:0:0:0:0:0:0/0)",
      name: "v6-spelled",
      permissions: [tcp(22, 22, [], ["0::0/0", "2001:db8::/32"]), tcp(22, 22, [], ["0:0:0:0:0:0:0:0/0"])],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0::0/0", "0:0:0:0:0:0:0:0/0"])],
        reason: "revoked TCP port 22 from 0::0/0, 0:0:0:0:0:0:0:0/0",
      }),
      after: ["tcp 22-22 2001:db8::/32"],
    },
    {
      title: "revokes SSH through a managed prefix list that holds 0.0.0.0/0 (resolved in the spoke)",
      name: "listed",
      prefixList: ["203.0.113.0/24", "0.0.0.0/0"],
      permissions: (pl) => [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: pl }] },
        tcp(443, 443, ["0.0.0.0/0"]),
      ],
      expect: (ids, pl) => ({
        outcome: "revoked",
        permissions: [
          {
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrs: [],
            prefixListIds: [pl],
            ruleIds: [ids[`tcp 22-22 ${pl}`]],
          },
        ],
        reason: `revoked TCP port 22 from prefix list ${pl}`,
      }),
      after: ["tcp 443-443 0.0.0.0/0"],
    },
    {
      title: "takes only the world CIDRs out of a permission entry holding several, on port 22 only",
      name: "mixed",
      permissions: [
        tcp(22, 22, ["10.0.0.0/8", "0.0.0.0/0", "203.0.113.0/24"], ["::/0", "2001:db8::/32"]),
        tcp(443, 443, ["0.0.0.0/0"], ["::/0"]),
        tcp(2222, 2222, ["0.0.0.0/0"]),
      ],
      expect: (ids) => ({
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0", "::/0"])],
        reason: "revoked TCP port 22 from 0.0.0.0/0, ::/0",
      }),
      after: [
        "tcp 22-22 10.0.0.0/8",
        "tcp 22-22 2001:db8::/32",
        "tcp 22-22 203.0.113.0/24",
        "tcp 2222-2222 0.0.0.0/0",
        "tcp 443-443 0.0.0.0/0",
        "tcp 443-443 ::/0",
      ],
    },
    {
      title: "reports already-compliant and changes nothing for a group with only 0.0.0.0/0:443",
      name: "https",
      permissions: [tcp(443, 443, ["0.0.0.0/0"]), tcp(22, 22, ["10.0.0.0/8"])],
      expect: () => ({
        outcome: "already-compliant",
        permissions: [],
        reason: "no ingress permission opens TCP port 22 to 0.0.0.0/0 or ::/0",
      }),
      after: ["tcp 22-22 10.0.0.0/8", "tcp 443-443 0.0.0.0/0"],
    },
    {
      title: "leaves a group tagged exempt (value compared case-insensitively) and reports it",
      name: "bastion",
      permissions: [tcp(22, 22, ["0.0.0.0/0"])],
      tags: { "security-guard:ssh-exempt": " TRUE " },
      expect: (ids) => ({
        outcome: "exempt",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0"])],
        reason:
          "exempt by tag security-guard:ssh-exempt (no expiry yet: the exemption check gives it the default one); " +
          "left open: TCP port 22 from 0.0.0.0/0",
      }),
      after: ["tcp 22-22 0.0.0.0/0"],
    },
    {
      title: "dry-run (global) reports what it would revoke and changes nothing",
      name: "dry",
      permissions: [tcp(22, 22, ["0.0.0.0/0", "10.0.0.0/8"], ["::/0"])],
      settings: { dryRun: true },
      expect: (ids) => ({
        outcome: "dry-run",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0", "::/0"])],
        reason: "dry-run (settings.dryRun); would revoke: TCP port 22 from 0.0.0.0/0, ::/0",
      }),
      after: ["tcp 22-22 0.0.0.0/0", "tcp 22-22 10.0.0.0/8", "tcp 22-22 ::/0"],
    },
  ];
  for (const c of groupCases) {
    it(c.title, async () => {
      const spoke = await spokeEc2(SPOKE, SEOUL);
      const pl = c.prefixList ? await prefixList(spoke, c.prefixList) : "";
      const perms = typeof c.permissions === "function" ? c.permissions(pl) : c.permissions;
      const gid = await createGroup(spoke, c.name, perms, c.tags);
      const ids = await ruleIds(spoke, gid);
      const reports = await createRemediatorHandler(settings(c.settings))(
        configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
      );
      await assertPublished(reports, [{ ...(await base(spoke, gid, c.name)), ...c.expect(ids, pl) }]);
      assert.deepStrictEqual(
        await ingress(spoke, gid),
        c.after.map((l) => l.replace(/\bpl$/, pl)),
      );
      if (c.described) assert.deepStrictEqual(await ingressDescribed(spoke, gid), c.described);
    });
  }

  it("is idempotent: the same event delivered twice revokes once, then reports already-compliant", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "twice", [tcp(22, 22, ["0.0.0.0/0", "10.0.0.0/8"])]);
    const ids = await ruleIds(spoke, gid);
    const handler = createRemediatorHandler(settings());
    const event = configEvent({ account: SPOKE, region: SEOUL, groupId: gid });
    const first = await handler(event);
    const second = await handler(event);
    const b = await base(spoke, gid, "twice");
    await assertPublished(
      [...first, ...second],
      [
        {
          ...b,
          outcome: "revoked",
          permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0"])],
          reason: "revoked TCP port 22 from 0.0.0.0/0",
        },
        {
          ...b,
          outcome: "already-compliant",
          permissions: [],
          reason: "no ingress permission opens TCP port 22 to 0.0.0.0/0 or ::/0",
        },
      ],
    );
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 10.0.0.0/8"]);
  });

  it("reports group-not-found for an event about a deleted group", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "gone", [tcp(22, 22, ["0.0.0.0/0"])]);
    await deleteGroup(spoke, gid);
    const reports = await createRemediatorHandler(settings())(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    await assertPublished(reports, [
      {
        accountId: SPOKE,
        region: SEOUL,
        groupId: gid,
        trigger: { kind: "config-compliance", eventId: EVENT_ID, configRuleName: RULE },
        outcome: "group-not-found",
        permissions: [],
        reason: `security group ${gid} (account ${SPOKE}, ${SEOUL}) does not exist (deleted?)`,
      },
    ]);
  });

  /**
   * Events that need no action, each about a group open to the world: no report, the group untouched,
   * and one "no remediation needed" info line per event saying why ([eventId, reason]).
   */
  const ignoredCases: Array<{
    title: string;
    events: (gid: string) => unknown[];
    logged: (gid: string) => Array<[string, string]>;
  }> = [
    ...["COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"].map((compliance) => ({
      title: `does nothing for ${compliance} and logs why (no report, group untouched)`,
      events: (gid: string) => [
        configEvent({ id: "evt-c", account: SPOKE, region: SEOUL, groupId: gid, compliance }),
      ],
      logged: (gid: string): Array<[string, string]> => [
        ["evt-c", `EventBridge event evt-c: ${RULE} is ${compliance} for ${gid}: nothing to remediate`],
      ],
    })),
    {
      title: "ignores other Config rules, other resource types and unrelated detail-types, logging each",
      events: (gid) => {
        const otherType = configEvent({ id: "e2", account: SPOKE, region: SEOUL, groupId: gid });
        otherType.detail.resourceType = "AWS::EC2::Instance";
        return [
          configEvent({
            id: "e1",
            account: SPOKE,
            region: SEOUL,
            groupId: gid,
            rule: "s3-bucket-public-read-prohibited",
          }),
          otherType,
          { id: "e3", "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch", detail: {} },
        ];
      },
      logged: () => [
        [
          "e1",
          `EventBridge event e1: Config rule "s3-bucket-public-read-prohibited" is not one of the restricted-ssh rules (${RULE}, restricted-ssh)`,
        ],
        ["e2", 'EventBridge event e2: resourceType "AWS::EC2::Instance" is not a security group'],
        ["e3", 'EventBridge event e3: detail-type "CloudWatch Alarm State Change" is not handled'],
      ],
    },
    {
      title: "ignores CloudTrail calls that failed (errorCode) or that do not open SSH to the world",
      events: (gid) => [
        authorizeEvent({
          account: SPOKE,
          region: SEOUL,
          groupId: gid,
          permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
          errorCode: "Client.UnauthorizedOperation",
        }),
        authorizeEvent({
          account: SPOKE,
          region: SEOUL,
          groupId: gid,
          permissions: [{ proto: "tcp", from: 443, to: 443, v4: ["0.0.0.0/0"] }],
        }),
        modifyEvent({
          account: SPOKE,
          region: SEOUL,
          groupId: gid,
          rule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "10.1.0.0/16" },
        }),
      ],
      logged: (gid) => [
        [
          "ct-event-0001",
          'EventBridge event 99999999-8888-7777-6666-555555555555: AuthorizeSecurityGroupIngress failed (errorCode "Client.UnauthorizedOperation"), so it changed nothing',
        ],
        [
          "ct-event-0001",
          `EventBridge event 99999999-8888-7777-6666-555555555555: AuthorizeSecurityGroupIngress on ${gid} does not open TCP 22 to 0.0.0.0/0 or ::/0`,
        ],
        [
          "ct-event-0002",
          `EventBridge event 99999999-8888-7777-6666-555555555555: ModifySecurityGroupRules on ${gid} does not open TCP 22 to 0.0.0.0/0 or ::/0`,
        ],
      ],
    },
  ];
  for (const c of ignoredCases) {
    it(c.title, async () => {
      const spoke = await spokeEc2(SPOKE, SEOUL);
      const gid = await createGroup(spoke, "open", [tcp(22, 22, ["0.0.0.0/0"])]);
      const handler = createRemediatorHandler(settings());
      for (const e of c.events(gid)) assert.deepStrictEqual(await handler(e), []);
      assert.deepStrictEqual(await sink.drain(), []);
      assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0"]);
      assert.deepStrictEqual(
        logs.lines.map((l) => [l.level, l.message, l.eventId, l.reason]),
        c.logged(gid).map(([eventId, reason]) => ["info", "no remediation needed", eventId, reason]),
      );
    });
  }

  it("does not honour the exemption tag with another value, or another tag key", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const a = await createGroup(spoke, "a", [tcp(22, 22, ["0.0.0.0/0"])], {
      "security-guard:ssh-exempt": "false",
    });
    const b = await createGroup(spoke, "b", [tcp(22, 22, ["0.0.0.0/0"])], { exempt: "true" });
    const handler = createRemediatorHandler(settings());
    const outcomes = [
      ...(await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: a }))),
      ...(await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: b }))),
    ].map((r) => r.outcome);
    assert.deepStrictEqual(outcomes, ["revoked", "revoked"]);
    assert.deepStrictEqual(await ingress(spoke, a), []);
    assert.deepStrictEqual(await ingress(spoke, b), []);
  });

  it("dry-run per account: listed accounts are only reported, others are remediated", async () => {
    const s1 = await spokeEc2(SPOKE, SEOUL);
    const s2 = await spokeEc2(SPOKE2, SEOUL);
    const g1 = await createGroup(s1, "one", [tcp(22, 22, ["0.0.0.0/0"])]);
    const g2 = await createGroup(s2, "two", [tcp(22, 22, ["0.0.0.0/0"])]);
    const handler = createRemediatorHandler(settings({ dryRunAccounts: [SPOKE] }));
    const r1 = await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: g1 }));
    const r2 = await handler(configEvent({ account: SPOKE2, region: SEOUL, groupId: g2 }));
    assert.deepStrictEqual(
      [...r1, ...r2].map((r) => [r.accountId, r.outcome, r.reason]),
      [
        [
          SPOKE,
          "dry-run",
          `dry-run (account ${SPOKE} is in dryRunAccounts); would revoke: TCP port 22 from 0.0.0.0/0`,
        ],
        [SPOKE2, "revoked", "revoked TCP port 22 from 0.0.0.0/0"],
      ],
    );
    assert.deepStrictEqual(await ingress(s1, g1), ["tcp 22-22 0.0.0.0/0"]);
    assert.deepStrictEqual(await ingress(s2, g2), []);
    assert.strictEqual((await sink.drain()).length, 2);
  });

  it("processes every record of an SNS ComplianceChangeNotification event, each in its own account and region", async () => {
    const seoul = await spokeEc2(SPOKE, SEOUL);
    const tokyo = await spokeEc2(SPOKE2, TOKYO);
    const g1 = await createGroup(seoul, "s", [tcp(22, 22, ["0.0.0.0/0"])]);
    const g2 = await createGroup(tokyo, "t", [tcp(22, 22, [], ["::/0"]), tcp(80, 80, ["0.0.0.0/0"])]);
    const reports = await createRemediatorHandler(settings())(
      snsEvent([
        { id: "msg-1", body: configNotification({ account: SPOKE, region: SEOUL, groupId: g1 }) },
        {
          id: "msg-2",
          body: configNotification({ account: SPOKE2, region: TOKYO, groupId: g2, rule: "restricted-ssh" }),
        },
        { id: "msg-3", body: { messageType: "ConfigurationItemChangeNotification", configurationItem: {} } },
      ]),
    );
    assert.deepStrictEqual(
      reports.map((r) => [r.accountId, r.region, r.groupId, r.outcome, r.trigger]),
      [
        [SPOKE, SEOUL, g1, "revoked", { kind: "config-compliance", eventId: "msg-1", configRuleName: RULE }],
        [
          SPOKE2,
          TOKYO,
          g2,
          "revoked",
          { kind: "config-compliance", eventId: "msg-2", configRuleName: "restricted-ssh" },
        ],
      ],
    );
    assert.deepStrictEqual(await ingress(seoul, g1), []);
    assert.deepStrictEqual(await ingress(tokyo, g2), ["tcp 80-80 0.0.0.0/0"]);
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => r.detail.groupId),
      [g1, g2],
    );
    assert.ok(
      logs.lines.some(
        (l) => l.eventId === "msg-3" && String(l.reason).includes("ConfigurationItemChangeNotification"),
      ),
    );
  });

  it("acts on a CloudTrail AuthorizeSecurityGroupIngress that opens SSH, reporting who opened it and when", async () => {
    const spoke = await spokeEc2(SPOKE, TOKYO);
    const gid = await createGroup(spoke, "ct", [tcp(22, 22, ["0.0.0.0/0"]), tcp(5432, 5432, ["10.0.0.0/8"])]);
    const ids = await ruleIds(spoke, gid);
    // The event lists only one CIDR; the re-described group decides what goes.
    const reports = await createRemediatorHandler(settings())(
      authorizeEvent({
        account: SPOKE,
        region: TOKYO,
        groupId: gid,
        permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
      }),
    );
    await assertPublished(reports, [
      {
        accountId: SPOKE,
        region: TOKYO,
        groupId: gid,
        groupName: "ct",
        vpcId: await vpcOf(spoke, gid),
        trigger: { kind: "cloudtrail", eventId: "ct-event-0001", eventName: "AuthorizeSecurityGroupIngress" },
        openedBy: CLOUDTRAIL_ACTOR,
        openedAt: "2026-05-01T09:59:57Z",
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0"])],
        reason: "revoked TCP port 22 from 0.0.0.0/0",
      },
    ]);
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 5432-5432 10.0.0.0/8"]);
  });

  it("acts on a CloudTrail ModifySecurityGroupRules that changes a rule to ::/0 on port 22", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "mod", [tcp(22, 22, [], ["::/0"])]);
    const reports = await createRemediatorHandler(settings())(
      modifyEvent({
        account: SPOKE,
        region: SEOUL,
        groupId: gid,
        rule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv6: "::/0" },
      }),
    );
    assert.deepStrictEqual(
      reports.map((r) => [r.outcome, r.trigger, r.openedBy]),
      [
        [
          "revoked",
          { kind: "cloudtrail", eventId: "ct-event-0002", eventName: "ModifySecurityGroupRules" },
          CLOUDTRAIL_ACTOR,
        ],
      ],
    );
    assert.deepStrictEqual(await ingress(spoke, gid), []);
  });

  it("rejects a malformed event with an error naming the field, and touches nothing", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "open", [tcp(22, 22, ["0.0.0.0/0"])]);
    const handler = createRemediatorHandler(settings());
    const bad = configEvent({ id: "evt-bad", account: SPOKE, region: SEOUL, groupId: gid }) as ReturnType<
      typeof configEvent
    >;
    (bad.detail as Record<string, unknown>).resourceId = "i-0abc";
    (bad.detail as Record<string, unknown>).awsAccountId = "12345";
    await assert.rejects(handler(bad), (err: Error) => {
      assert.ok(isEventError(err), String(err));
      assert.strictEqual(
        err.message,
        'EventBridge event evt-bad: detail.awsAccountId must be a 12-digit account id, got "12345"; ' +
          'detail.resourceId must be a security group id (sg-...), got "i-0abc"',
      );
      return true;
    });
    await assert.rejects(handler("not an event"), /event must be a JSON object, got string/);
    await assert.rejects(handler({ hello: 1 }), /unrecognised event: .*top-level keys: hello/);
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0"]);
    assert.deepStrictEqual(await sink.drain(), []);
  });

  it("in an SNS batch, remediates the good records and then throws for the bad one", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "open", [tcp(22, 22, ["0.0.0.0/0"])]);
    const handler = createRemediatorHandler(settings());
    await assert.rejects(
      handler(
        snsEvent([
          { id: "bad-1", body: "{not json" },
          { id: "ok-2", body: configNotification({ account: SPOKE, region: SEOUL, groupId: gid }) },
        ]),
      ),
      (err: Error) => {
        assert.ok(isEventError(err), String(err));
        assert.match(err.message, /^SNS record 0 \(message bad-1\): Sns.Message is not JSON/);
        return true;
      },
    );
    assert.deepStrictEqual(await ingress(spoke, gid), []);
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => [r.detail.groupId, r.detail.outcome]),
      [[gid, "revoked"]],
    );
    assert.ok(logs.lines.some((l) => l.level === "error" && l.eventId === "bad-1"));
  });

  it("refuses bad settings at creation, listing every problem", () => {
    assert.throws(
      () =>
        createRemediatorHandler(
          {
            ...settings(),
            roleName: "bad role/name",
            dryRunAccounts: ["1234"],
            configRuleNames: [],
            reportBus: "",
            retry: { maxAttempts: 0 },
          },
          {},
        ),
      {
        name: "SettingsError",
        message:
          'invalid remediator settings: roleName must be an IAM role name (1-64 of [A-Za-z0-9+=,.@_-]), got "bad role/name"; ' +
          'dryRunAccounts must be a list of 12-digit account ids, got ["1234"]; ' +
          "configRuleNames must be a non-empty list of Config rule names, got []; " +
          "reportBus is empty and REPORT_EVENT_BUS is not set: reports would have nowhere to go; " +
          "retry.maxAttempts must be an integer 1-20, got 0",
      },
    );
  });

  it("sends reports to REPORT_EVENT_BUS (an ARN) when settings.reportBus is empty", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "env-bus", [tcp(22, 22, ["0.0.0.0/0"])]);
    const handler = createRemediatorHandler(settings({ reportBus: "" }), { REPORT_EVENT_BUS: sink.busArn });
    await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: gid }));
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => r.detail.outcome),
      ["revoked"],
    );
    assert.strictEqual(REPORT_BUS, sink.busArn.split("/").pop());
  });
});
