// Failure paths: throttling, a denied AssumeRole and a rejected report, injected by a loopback
// proxy in front of moto (moto cannot produce these on demand; see faultProxy.ts). Everything the
// proxy does not fault is served by moto, so group state is still asserted in the emulator.
import * as assert from "assert";
import { RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { createRemediatorHandler, isRemediationError } from "../../../handlers/remediator";
import { useMoto } from "../../helpers/moto";
import { ec2Error, stsError } from "./faultProxy";
import {
  HUB,
  ReportSink,
  SEOUL,
  SPOKE,
  configEvent,
  createGroup,
  ingress,
  reportSink,
  settings,
  spokeEc2,
  tcp,
  useFaultProxy,
} from "./support";

const THROTTLED = { status: 503, body: ec2Error("RequestLimitExceeded", "Request limit exceeded.") };

describe("remediator handler: failures and retries (moto behind a fault proxy)", function () {
  const moto = useMoto();
  let sink: ReportSink;

  beforeEach(async () => {
    sink = await reportSink();
  });
  const { logs, withFaults } = useFaultProxy(moto);

  async function openGroup() {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "open", [tcp(22, 22, ["0.0.0.0/0", "10.0.0.0/8"])]);
    return { spoke, gid };
  }

  it("retries throttled EC2 calls with backoff and then remediates", async () => {
    const { spoke, gid } = await openGroup();
    const p = await withFaults([
      { action: "DescribeSecurityGroups", times: 2, ...THROTTLED },
      { action: "RevokeSecurityGroupIngress", times: 1, ...THROTTLED },
    ]);
    const reports = await createRemediatorHandler(settings({ retry: { maxAttempts: 3, baseDelayMs: 1 } }))(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => r.outcome),
      ["revoked"],
    );
    // 2 throttled + 1 served describe before acting, 1 verify describe; 1 throttled + 1 served revoke.
    assert.strictEqual(p.counts.DescribeSecurityGroups, 4);
    assert.strictEqual(p.counts.RevokeSecurityGroupIngress, 2);
    assert.strictEqual(p.counts.AssumeRole, 1);
    assert.strictEqual(logs().lines.filter((l) => String(l.message).startsWith("retrying")).length, 3);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 10.0.0.0/8"]);
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => r.detail.outcome),
      ["revoked"],
    );
  });

  it("throws a RemediationError naming account, region, group and step when throttling outlasts the retries", async () => {
    const { spoke, gid } = await openGroup();
    const p = await withFaults([{ action: "DescribeSecurityGroups", times: Infinity, ...THROTTLED }]);
    const handler = createRemediatorHandler(settings({ retry: { maxAttempts: 3, baseDelayMs: 1 } }));
    await assert.rejects(
      handler(configEvent({ account: SPOKE, region: SEOUL, groupId: gid })),
      (err: Error) => {
        assert.ok(isRemediationError(err), String(err));
        assert.strictEqual(err.step, "describe-group");
        assert.strictEqual(err.code, "RequestLimitExceeded");
        assert.strictEqual(
          err.message,
          `security group ${gid} in account ${SPOKE} region ${SEOUL}: describe-group failed: DescribeSecurityGroups: ` +
            "RetriesExhausted: RequestLimitExceeded: Request limit exceeded. (still failing after 3 attempts)",
        );
        return true;
      },
    );
    assert.strictEqual(p.counts.DescribeSecurityGroups, 3);
    assert.strictEqual(p.counts.RevokeSecurityGroupIngress, undefined);
    assert.strictEqual(p.counts.PutEvents, undefined, "no success report for a failed run");
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0", "tcp 22-22 10.0.0.0/8"]);
    assert.deepStrictEqual(await sink.drain(), []);
    const line = logs().lines.find((l) => l.message === "remediation failed");
    assert.ok(
      line &&
        line.level === "error" &&
        line.groupId === gid &&
        line.eventId === "11111111-2222-3333-4444-555555555555",
    );
  });

  it("throws when the spoke denies AssumeRole (not retried), and changes nothing", async () => {
    const { spoke, gid } = await openGroup();
    const denied = `User: arn:aws:sts::${HUB}:assumed-role/remediator/fn is not authorized to perform: sts:AssumeRole`;
    const p = await withFaults([
      { action: "AssumeRole", times: Infinity, status: 403, body: stsError("AccessDenied", denied) },
    ]);
    await assert.rejects(
      createRemediatorHandler(settings())(configEvent({ account: SPOKE, region: SEOUL, groupId: gid })),
      (err: Error) => {
        assert.ok(isRemediationError(err), String(err));
        assert.strictEqual(err.step, "assume-role");
        assert.strictEqual(err.code, "AccessDenied");
        assert.strictEqual(
          err.message,
          `security group ${gid} in account ${SPOKE} region ${SEOUL}: assume-role failed: ` +
            `sts:AssumeRole arn:aws:iam::${SPOKE}:role/security-guard-remediation: AccessDenied: ${denied}`,
        );
        return true;
      },
    );
    assert.strictEqual(p.counts.AssumeRole, 1);
    assert.strictEqual(p.counts.DescribeSecurityGroups, undefined);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0", "tcp 22-22 10.0.0.0/8"]);
    assert.deepStrictEqual(await sink.drain(), []);
  });

  it("assumes the role (once, with a session name from the event id) even for the hub's own account", async () => {
    const hub = await spokeEc2(HUB, SEOUL);
    const gid = await createGroup(hub, "hub-sg", [tcp(22, 22, ["0.0.0.0/0"])]);
    const p = await withFaults([]);
    const reports = await createRemediatorHandler(settings())(
      configEvent({ account: HUB, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => [r.accountId, r.outcome]),
      [[HUB, "revoked"]],
    );
    assert.strictEqual(p.counts.AssumeRole, 1);
    const call = new URLSearchParams(p.bodies.AssumeRole[0]);
    assert.strictEqual(call.get("RoleArn"), `arn:aws:iam::${HUB}:role/security-guard-remediation`);
    // 27-character prefix + the 36-character event id: within the 64-character limit.
    assert.strictEqual(
      call.get("RoleSessionName"),
      "security-guard-remediation-11111111-2222-3333-4444-555555555555",
    );
    assert.strictEqual(call.get("DurationSeconds"), "900");
  });

  it("throws, after the change, when PutEvents rejects the report entry; the revoke is kept and logged", async () => {
    const { spoke, gid } = await openGroup();
    const rejected = JSON.stringify({
      FailedEntryCount: 1,
      Entries: [
        { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." },
      ],
    });
    await withFaults([
      {
        action: "PutEvents",
        times: Infinity,
        status: 200,
        body: rejected,
        contentType: "application/x-amz-json-1.1",
      },
    ]);
    await assert.rejects(
      createRemediatorHandler(settings())(configEvent({ account: SPOKE, region: SEOUL, groupId: gid })),
      (err: Error) => {
        assert.ok(isRemediationError(err), String(err));
        assert.strictEqual(err.step, "report");
        assert.strictEqual(
          err.message,
          `security group ${gid} in account ${SPOKE} region ${SEOUL}: report failed: PutEvents to security-guard-hub: ` +
            "NotAuthorizedForSourceException: bus security-guard-hub did not accept the report: " +
            "NotAuthorizedForSourceException: Not authorized for the source.",
        );
        return true;
      },
    );
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 10.0.0.0/8"]);
    const line = logs().lines.find((l) => l.message === "remediation failed");
    assert.strictEqual((line?.report as { outcome?: string } | undefined)?.outcome, "revoked");
  });

  it("retries a report entry that failed with ThrottlingException and delivers it once", async () => {
    const { gid } = await openGroup();
    const throttled = JSON.stringify({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }],
    });
    const p = await withFaults([
      {
        action: "PutEvents",
        times: 1,
        status: 200,
        body: throttled,
        contentType: "application/x-amz-json-1.1",
      },
    ]);
    const reports = await createRemediatorHandler(settings())(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => r.outcome),
      ["revoked"],
    );
    assert.strictEqual(p.counts.PutEvents, 2);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => r.detail.outcome),
      ["revoked"],
    );
  });

  it("never reports success for a revoke EC2 acknowledged but did not apply (verify step)", async () => {
    const { spoke, gid } = await openGroup();
    const fakeOk =
      '<?xml version="1.0" encoding="UTF-8"?><RevokeSecurityGroupIngressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
      "<requestId>fault-proxy</requestId><return>true</return></RevokeSecurityGroupIngressResponse>";
    const p = await withFaults([
      { action: "RevokeSecurityGroupIngress", times: Infinity, status: 200, body: fakeOk },
    ]);
    await assert.rejects(
      createRemediatorHandler(settings())(configEvent({ account: SPOKE, region: SEOUL, groupId: gid })),
      (err: Error) => {
        assert.ok(isRemediationError(err), String(err));
        assert.strictEqual(err.step, "verify");
        assert.strictEqual(
          err.message,
          `security group ${gid} in account ${SPOKE} region ${SEOUL}: verify failed: still open after revoke: TCP port 22 from 0.0.0.0/0`,
        );
        return true;
      },
    );
    assert.strictEqual(p.counts.PutEvents, undefined);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 0.0.0.0/0", "tcp 22-22 10.0.0.0/8"]);
  });

  it("treats a rule removed by someone else between describe and revoke as success (already-compliant)", async () => {
    const { gid } = await openGroup();
    const direct = await spokeEc2(SPOKE, SEOUL, moto().endpoint);
    await withFaults([
      {
        action: "RevokeSecurityGroupIngress",
        times: 1,
        // A human fixes the group a moment before our revoke reaches EC2.
        before: async () => {
          await direct.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: gid,
              IpPermissions: [tcp(22, 22, ["0.0.0.0/0"])],
            }),
          );
        },
      },
    ]);
    const reports = await createRemediatorHandler(settings())(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => [r.outcome, r.permissions, r.reason]),
      [
        [
          "already-compliant",
          [],
          "the world-open SSH permissions were removed by someone else before revoke (TCP port 22 from 0.0.0.0/0)",
        ],
      ],
    );
    assert.deepStrictEqual(await ingress(direct, gid), ["tcp 22-22 10.0.0.0/8"]);
  });

  it("gives up on a hung request after requestTimeoutMs and retries it", async () => {
    const { spoke, gid } = await openGroup();
    const p = await withFaults([{ action: "DescribeSecurityGroups", times: 1, hang: true }]);
    const started = Date.now();
    const reports = await createRemediatorHandler(settings({ requestTimeoutMs: 300 }))(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => r.outcome),
      ["revoked"],
    );
    // 1 hung + 1 served before acting, 1 verify.
    assert.strictEqual(p.counts.DescribeSecurityGroups, 3);
    assert.ok(Date.now() - started < 10_000, "the hang was cut short by the request timeout");
    const retried = logs().lines.find((l) => l.message === "retrying describe-group after transient error");
    assert.match(String(retried?.error), /^TimeoutError: /);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, gid), ["tcp 22-22 10.0.0.0/8"]);
  });
});
