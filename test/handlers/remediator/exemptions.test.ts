// Expiring exemptions against moto: the remediator honours an exemption until its expiry, the
// scheduled check (EXEMPTION_CHECK_EVENT) removes it once the clock has passed it and remediates
// the group, and tags from before expiries ("true") get the default expiry.
import * as assert from "assert";
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { createRemediatorHandler } from "../../../handlers/remediator";
import { EXEMPTION_CHECK_EVENT } from "../../../handlers/remediator/exemptions";
import { formatExemption } from "../../../handlers/shared/exemption";
import { useMoto } from "../../helpers/moto";
import {
  ReportSink,
  SEOUL,
  SPOKE,
  captureLogs,
  configEvent,
  createGroup,
  ingress,
  reportSink,
  ruleIds,
  settings,
  spokeEc2,
  tcp,
  tcpEntry,
  vpcOf,
} from "./support";

const TAG = "security-guard:ssh-exempt";
const DAY = 86_400_000;
const T0 = Date.parse("2026-12-01T09:00:00Z");

async function tagsOf(ec2: EC2Client, groupId: string): Promise<Record<string, string>> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return Object.fromEntries((out.SecurityGroups![0].Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

describe("expiring exemptions (moto)", function () {
  useMoto();
  let sink: ReportSink;
  let logs: ReturnType<typeof captureLogs>;
  let clock: number;
  const handlerWith = () =>
    createRemediatorHandler(
      settings({ exemptions: { defaultDays: 30, targets: [{ accountId: SPOKE, regions: [SEOUL] }] } }),
      {},
      () => clock,
    );

  beforeEach(async () => {
    sink = await reportSink();
    logs = captureLogs();
    clock = T0;
  });
  afterEach(() => logs.restore());

  it("keeps an exemption until its expiry, then the check removes it and SSH is revoked", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const value = formatExemption({
      expiresAt: "2026-12-08T09:00:00Z",
      by: "slack-U0OPERATOR",
      why: "bastion during the migration, CHG-1234",
    });
    assert.equal(
      value,
      "expires=2026-12-08T09:00:00Z by=slack-U0OPERATOR why=bastion during the migration, CHG-1234",
    );
    const gid = await createGroup(
      spoke,
      "bastion",
      [tcp(22, 22, ["0.0.0.0/0", "10.0.0.0/8"], ["::/0"]), tcp(443, 443, ["0.0.0.0/0"])],
      { [TAG]: value, Name: "bastion" },
    );
    const ids = await ruleIds(spoke, gid);
    const handler = handlerWith();

    // Before the expiry: the remediator leaves it, the check leaves it.
    clock = T0 + 6 * DAY;
    const [held] = await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: gid }));
    assert.equal(held.outcome, "exempt");
    assert.equal(
      held.reason,
      `exempt by tag ${TAG} until 2026-12-08T09:00:00Z; left open: TCP port 22 from 0.0.0.0/0, ::/0`,
    );
    assert.deepStrictEqual(await handler(EXEMPTION_CHECK_EVENT), []);
    assert.equal((await tagsOf(spoke, gid))[TAG], value);
    await sink.drain();

    // Past the expiry, the remediator alone already ignores it...
    clock = T0 + 7 * DAY + 1000;
    // ...and the check removes the tag and remediates at once.
    const reports = await handler(EXEMPTION_CHECK_EVENT, { awsRequestId: "sched-1" });
    // Only the group's own tag and the remediator's change record are left.
    assert.deepStrictEqual(
      Object.keys(await tagsOf(spoke, gid))
        .filter((k) => !k.startsWith("security-guard:ssh-remediation"))
        .sort(),
      ["Name"],
    );
    assert.ok(!(TAG in (await tagsOf(spoke, gid))), "the exemption tag is gone");
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 10.0.0.0/8", "tcp 443-443 0.0.0.0/0"]);
    const eventId = `exemption-check-${clock}`;
    assert.deepStrictEqual(reports, [
      {
        accountId: SPOKE,
        region: SEOUL,
        groupId: gid,
        groupName: "bastion",
        vpcId: await vpcOf(spoke, gid),
        trigger: { kind: "exemption-expired", eventId },
        outcome: "revoked",
        permissions: [tcpEntry(ids, 22, 22, ["0.0.0.0/0", "::/0"])],
        reason: "revoked TCP port 22 from 0.0.0.0/0, ::/0",
      },
    ]);
    const published = await sink.drain();
    assert.deepStrictEqual(
      published.map((p) => p.detail),
      reports,
    );
    const removed = logs.lines.find((l) => l.message === "expired exemption removed");
    assert.ok(removed);
    assert.equal(removed.groupId, gid);
    assert.equal(removed.by, "slack-U0OPERATOR");

    // A second run finds nothing left to do.
    assert.deepStrictEqual(await handler(EXEMPTION_CHECK_EVENT), []);
  });

  it("the remediator treats an expired exemption as absent", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "old", [tcp(22, 22, ["0.0.0.0/0"])], {
      [TAG]: formatExemption({ expiresAt: "2026-11-30T09:00:00Z", by: "slack-U1", why: "over" }),
    });
    const [report] = await handlerWith()(configEvent({ account: SPOKE, region: SEOUL, groupId: gid }));
    assert.equal(report.outcome, "revoked");
    assert.deepStrictEqual(await ingress(spoke, gid), []);
  });

  it("an exemption from before expiries ('true') is kept and given the default expiry", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "legacy", [tcp(22, 22, ["0.0.0.0/0"])], {
      [TAG]: "true",
      "security-guard:exempt-reason": "vendor appliance",
      "security-guard:exempted-by": "slack-U0OLD",
    });
    const unreadable = await createGroup(spoke, "typo", [tcp(22, 22, ["0.0.0.0/0"])], { [TAG]: "yes" });
    const handler = handlerWith();
    assert.deepStrictEqual(await handler(EXEMPTION_CHECK_EVENT), []);
    assert.equal(
      (await tagsOf(spoke, gid))[TAG],
      "expires=2026-12-31T09:00:00Z by=slack-U0OLD why=vendor appliance",
    );
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0"]);
    // An unreadable value exempts nothing (the check leaves it and says so; the remediator ignores it).
    assert.equal((await tagsOf(spoke, unreadable))[TAG], "yes");
    assert.ok(logs.lines.some((l) => l.message === "exemption tag unreadable: it exempts nothing"));
    const [report] = await handler(configEvent({ account: SPOKE, region: SEOUL, groupId: unreadable }));
    assert.equal(report.outcome, "revoked");

    // 30 days later the stamped exemption expires like any other.
    clock = T0 + 30 * DAY + 1;
    const [revoked] = await handler(EXEMPTION_CHECK_EVENT);
    assert.equal(revoked.groupId, gid);
    assert.equal(revoked.outcome, "revoked");
    assert.deepStrictEqual(await ingress(spoke, gid), []);
  });
});
