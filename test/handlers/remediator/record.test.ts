// A change that could not be announced is announced by the retry: the report publish fails once
// (a per-entry PutEvents rejection injected by the fault proxy in front of moto), Lambda delivers
// the same event again, and the retry reports "revoked" with what the first attempt changed,
// read back from the record the first attempt left on the group.
import * as assert from "assert";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { createRemediatorHandler, isRemediationError } from "../../../handlers/remediator";
import { useMoto } from "../../helpers/moto";
import {
  ReportSink,
  SEOUL,
  SPOKE,
  configEvent,
  createGroup,
  ingress,
  reportSink,
  ruleIds,
  settings,
  spokeEc2,
  tcp,
  tcpEntry,
  useFaultProxy,
} from "./support";

const REJECTED = JSON.stringify({
  FailedEntryCount: 1,
  Entries: [{ ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." }],
});
/** The first PutEvents of the report answered with its one entry rejected; later ones reach moto. */
const REPORT_REJECTED_ONCE = {
  action: "PutEvents",
  times: 1,
  status: 200,
  body: REJECTED,
  contentType: "application/x-amz-json-1.1",
};

describe("remediator: the outcome survives a failed report (moto behind a fault proxy)", function () {
  const moto = useMoto();
  let sink: ReportSink;

  beforeEach(async () => {
    sink = await reportSink();
  });
  const { logs, withFaults } = useFaultProxy(moto);

  it("fails the first publish, and the retry of the same event reports revoked with the details; a third delivery reports what it sees", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "web", [tcp(20, 25, ["0.0.0.0/0", "10.0.0.0/8"])]);
    const ids = await ruleIds(spoke, gid);
    await withFaults([REPORT_REJECTED_ONCE]);
    const handler = createRemediatorHandler(settings());
    const event = configEvent({ account: SPOKE, region: SEOUL, groupId: gid });

    await assert.rejects(handler(event), (err: Error) => isRemediationError(err) && err.step === "report");
    // Lambda's retry of the same event: the group is already fixed.
    const retried = await handler(event);
    const expected = {
      outcome: "revoked",
      permissions: [tcpEntry(ids, 20, 25, ["0.0.0.0/0"])],
      added: [
        { ipProtocol: "tcp", fromPort: 20, toPort: 21, cidrs: ["0.0.0.0/0"] },
        { ipProtocol: "tcp", fromPort: 23, toPort: 25, cidrs: ["0.0.0.0/0"] },
      ],
      reason:
        "revoked TCP ports 20-25 from 0.0.0.0/0; kept the other ports open: " +
        "added TCP ports 20-21 from 0.0.0.0/0; TCP ports 23-25 from 0.0.0.0/0",
    };
    assert.deepStrictEqual(
      retried.map((r) => ({
        outcome: r.outcome,
        permissions: r.permissions,
        added: r.added,
        reason: r.reason,
      })),
      [expected],
    );
    // A later delivery of the same event (the report is out now) reports what it sees.
    const third = await handler(event);
    assert.deepStrictEqual(
      third.map((r) => r.outcome),
      ["already-compliant"],
    );

    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    const published = await sink.drain();
    assert.deepStrictEqual(
      published.map((r) => [r.detail.outcome, r.detail.permissions, r.detail.added, r.detail.reason]),
      [
        ["revoked", expected.permissions, expected.added, expected.reason],
        ["already-compliant", [], undefined, "no ingress permission opens TCP port 22 to 0.0.0.0/0 or ::/0"],
      ],
    );
    assert.deepStrictEqual(await ingress(spoke, gid), [
      "tcp 20-21 0.0.0.0/0",
      "tcp 20-25 10.0.0.0/8",
      "tcp 23-25 0.0.0.0/0",
    ]);
    // The record is on the group, marked as reported with the event id.
    const tags = (await spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [gid] }))).SecurityGroups![0]
      .Tags!;
    const byKey = new Map(tags.map((t) => [t.Key, t.Value]));
    assert.strictEqual(byKey.get("security-guard:ssh-remediation-reported"), event.id);
    assert.ok(byKey.get("security-guard:ssh-remediation")!.startsWith(`{"eventId":"${event.id}"`));
    assert.ok(byKey.has("security-guard:ssh-remediation-2"), "a record over 256 characters is split");
    assert.strictEqual(logs().lines.filter((l) => l.message === "remediation failed").length, 1);
  });

  it("another event about the fixed group does not repeat the recorded change", async () => {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "web", [tcp(22, 22, ["0.0.0.0/0"])]);
    await withFaults([REPORT_REJECTED_ONCE]);
    const handler = createRemediatorHandler(settings());
    await assert.rejects(handler(configEvent({ id: "first", account: SPOKE, region: SEOUL, groupId: gid })));
    const other = await handler(configEvent({ id: "second", account: SPOKE, region: SEOUL, groupId: gid }));
    assert.deepStrictEqual(
      other.map((r) => [r.outcome, r.trigger.eventId]),
      [["already-compliant", "second"]],
    );
  });

  /** Twelve world-open TCP ranges around port 22: each is revoked and re-added without 22. */
  const RANGES = Array.from({ length: 12 }, (_v, n) => [20 - n, 24 + n] as const);

  async function failOnceThenRetry(tags: Record<string, string> = {}) {
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(
      spoke,
      "many",
      RANGES.map(([from, to]) => tcp(from, to, ["0.0.0.0/0"], ["::/0"])),
      tags,
    );
    await withFaults([REPORT_REJECTED_ONCE]);
    const handler = createRemediatorHandler(settings());
    const event = configEvent({ account: SPOKE, region: SEOUL, groupId: gid });
    const [first] = await handler(event).then(
      () => assert.fail("the first attempt's report should fail"),
      (err: Error) => [err],
    );
    assert.ok(isRemediationError(first) && first.step === "report", String(first));
    const [retried] = await handler(event);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    const groupTags = (await spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [gid] })))
      .SecurityGroups![0].Tags!;
    return { event, retried, groupTags };
  }

  it("a record longer than 6 x 256 characters is recorded whole over numbered tags, and the retry announces all of it", async () => {
    const { retried, groupTags } = await failOnceThenRetry();
    assert.strictEqual(retried.outcome, "revoked");
    assert.deepStrictEqual(
      retried.permissions.map((p) => [p.fromPort, p.toPort, p.cidrs]),
      RANGES.map(([from, to]) => [from, to, ["0.0.0.0/0", "::/0"]]),
    );
    assert.strictEqual(retried.added!.length, 2 * RANGES.length);
    assert.doesNotMatch(retried.reason, /more permission change/);
    const record = groupTags.filter((t) => /^security-guard:ssh-remediation(-\d+)?$/.test(t.Key!));
    assert.ok(record.length > 6, `${record.length} record tags`);
    assert.ok(record.every((t) => t.Value!.length <= 256));
    assert.ok(groupTags.length <= 50);
  });

  it("a group with 45 tags of its own: the record is cut to the free tags, marked, and logged whole", async () => {
    const own = Object.fromEntries(Array.from({ length: 45 }, (_v, n) => [`team:${n}`, `value-${n}`]));
    const { event, retried, groupTags } = await failOnceThenRetry(own);
    assert.strictEqual(groupTags.length, 50, "45 own tags, 4 record chunks, the reported marker");
    assert.strictEqual(retried.outcome, "revoked");
    const listed = retried.permissions.length + (retried.added?.length ?? 0);
    assert.ok(retried.permissions.length >= 1 && listed < 3 * RANGES.length, `${listed} listed`);
    assert.ok(
      retried.reason.endsWith(
        `; and ${3 * RANGES.length - listed} more permission change(s) not listed here (too many to record on the group): ` +
          `the remediation function's log of event ${event.id} has them all`,
      ),
      retried.reason,
    );
    const line = logs().lines.find(
      (l) =>
        l.message === "change too large to record on the group in full; the whole record is in this line",
    )!;
    assert.strictEqual(line.recorded, "in part");
    assert.strictEqual(line.freeTags, 4);
    const whole = line.record as { eventId: string; revoked: unknown[]; added: unknown[] };
    assert.deepStrictEqual(
      [whole.eventId, whole.revoked.length, whole.added.length],
      [event.id, RANGES.length, 2 * RANGES.length],
    );
  });
});
