import { strict as assert } from "assert";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Deadline, deadlineFrom } from "../../../../handlers/shared/deadline";
import {
  IncidentRecords,
  createIncidentStore,
  dynamoIncidentRecords,
  memoryIncidentRecords,
} from "../../../../handlers/notifier/incidents/store";
import { incidentKey } from "../../../../handlers/notifier/incidents/key";
import type { IncidentSignal } from "../../../../handlers/notifier/incidents/signal";
import { useMoto } from "../../../helpers/moto";
import { createIncidentTable } from "../../../helpers/incidentTable";

const TABLE = "security-guard-incidents-test";
const T0 = 1_800_000_000_000;
const run: Deadline["run"] = (what, call, capMs) => deadlineFrom(undefined, 0, 10_000).run(what, call, capMs);
const SG = { uid: "sg-0123456789abcdef0", account: "222222222222", region: "ap-northeast-2" };

const signal = (over: Partial<IncidentSignal>): IncidentSignal => ({
  uid: "cloudtrail|e1",
  source: "CloudTrail",
  title: "AuthorizeSecurityGroupIngress opened port 22 to 0.0.0.0/0",
  severity: "critical",
  effect: "fail",
  time: "2027-01-15T08:00:00Z",
  resource: SG,
  ...over,
});

/** The SSH sequence about one security group: four sources, one resource. */
const SSH_SEQUENCE: IncidentSignal[] = [
  signal({}),
  signal({
    uid: "config|restricted-ssh|sg",
    source: "AWS Config",
    title: "restricted-ssh NON_COMPLIANT",
    time: "2027-01-15T08:00:20Z",
  }),
  signal({
    uid: "remediation|r1",
    source: "Remediation",
    title: "SSH closed automatically",
    effect: "remediated",
    severity: "info",
    time: "2027-01-15T08:00:30Z",
  }),
  signal({
    uid: "arn:aws:securityhub:ap-northeast-2:222222222222:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.13/finding/f1",
    source: "Security Hub",
    title: "EC2.13 FAILED",
    severity: "high",
    time: "2027-01-15T08:00:25Z",
    resource: { uid: "arn:aws:ec2:ap-northeast-2:222222222222:security-group/sg-0123456789abcdef0" },
  }),
  signal({
    uid: "arn:aws:securityhub:ap-northeast-2:222222222222:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.13/finding/f1",
    source: "Security Hub",
    title: "EC2.13 PASSED",
    severity: "info",
    effect: "pass",
    time: "2027-01-15T09:00:00Z",
    resource: { uid: "arn:aws:ec2:ap-northeast-2:222222222222:security-group/sg-0123456789abcdef0" },
  }),
];

/** `table()`: the records of one test's table (DynamoDB: a client over moto's; memory: a new map). */
function suite(name: string, table: () => IncidentRecords, moto: boolean) {
  describe(name, () => {
    let clock = T0;
    let records: IncidentRecords;
    // Each store is one container; stores of one test share the table.
    const store = (windowSeconds?: number) =>
      createIncidentStore({ records, now: () => clock, ...(windowSeconds ? { windowSeconds } : {}) });
    beforeEach(async () => {
      clock = T0;
      if (moto) await createIncidentTable(TABLE);
      records = table();
    });

    it("keeps the four-signal SSH sequence about one security group in one incident, resolved by PASSED", async () => {
      const s = store();
      const key = incidentKey(SSH_SEQUENCE[0])!;
      assert.equal(key, "resource#222222222222#ap-northeast-2#sg-0123456789abcdef0");
      const changes: string[] = [];
      for (const sig of SSH_SEQUENCE) {
        assert.equal(await s.keyOf(sig, run), key, sig.source);
        const a = await s.apply(key, sig, run);
        changes.push(`${a.change}:${a.incident?.state}`);
        clock += 1000;
      }
      // Security Hub's FAILED was observed before the remediation: history, not a reopening.
      assert.deepEqual(changes, [
        "opened:open",
        "joined:open",
        "remediated:remediated",
        "joined:remediated",
        "resolved:resolved",
      ]);
      const inc = (await s.get(key, run))!;
      assert.equal(inc.signals, 5);
      assert.equal(inc.severity, "critical");
      assert.deepEqual(
        inc.timeline.map((e) => `${e.source}/${e.effect}`),
        [
          "CloudTrail/fail",
          "AWS Config/fail",
          "Remediation/remediated",
          "Security Hub/fail",
          "Security Hub/pass",
        ],
      );
    });

    it("recognises a GuardDuty re-publication (same id, new updatedAt) as a repeat, and a later window as a new incident", async () => {
      const s = store(3600);
      const gd = signal({
        uid: "gd-1",
        source: "GuardDuty",
        title: "UnauthorizedAccess:EC2/SSHBruteForce",
        severity: "high",
        resource: { uid: "i-0abc", account: "222222222222", region: "ap-northeast-2" },
      });
      const key = incidentKey(gd)!;
      const first = await s.apply(key, gd, run);
      await s.markDelivered(
        key,
        first.incident!.id,
        { tokens: ["gd-1@"], message: { channel: "C1", ts: "1.1" } },
        run,
      );
      clock += 1800_000;
      const again = await s.apply(key, { ...gd, time: "2027-01-15T14:00:00Z" }, run);
      assert.equal(again.change, "repeat");
      assert.equal(again.incident!.repeats, 1);
      assert.equal(again.incident!.signals, 1);
      // The repeat kept the incident alive: 50 min after it, still the same incident.
      clock += 3000_000;
      assert.equal((await s.apply(key, gd, run)).change, "repeat");
      clock += 3601_000;
      const later = await s.apply(key, gd, run);
      assert.equal(later.change, "opened");
      assert.notEqual(later.incident!.id, first.incident!.id);
    });

    it("gives a signal whose delivery failed back as a retry, not a repeat", async () => {
      const s = store();
      const key = incidentKey(SSH_SEQUENCE[0])!;
      await s.apply(key, SSH_SEQUENCE[0], run);
      const again = await s.apply(key, SSH_SEQUENCE[0], run);
      assert.equal(again.change, "retry");
      assert.equal(again.incident!.signals, 1);
    });

    it("skips a passing verdict with no open incident", async () => {
      const s = store();
      const a = await s.apply("resource#x#y#z", SSH_SEQUENCE[4], run);
      assert.equal(a.change, "unmatched");
      assert.equal(await s.get("resource#x#y#z", run), undefined);
    });

    it("joins an attack sequence's member findings to the sequence's incident", async () => {
      const s = store();
      const seq = signal({
        uid: "seq-1",
        source: "GuardDuty",
        title: "AttackSequence:IAM/CompromisedCredentials",
        correlation: { kind: "attack-sequence", uid: "seq-1", members: ["gd-a", "gd-b"] },
      });
      const key = await s.keyOf(seq, run);
      assert.equal(key, "attack-sequence#seq-1");
      await s.apply(key!, seq, run);
      const member = signal({
        uid: "gd-b",
        source: "GuardDuty",
        title: "Discovery:IAMUser/AnomalousBehavior",
        severity: "medium",
        resource: { uid: "alice", account: "222222222222", region: "us-east-1" },
      });
      assert.equal(await s.keyOf(member, run), "attack-sequence#seq-1");
      assert.equal((await s.apply("attack-sequence#seq-1", member, run)).change, "joined");
    });

    it("mute and acknowledge are set by a person; a resolved incident cannot be muted", async () => {
      const s = store();
      const key = incidentKey(SSH_SEQUENCE[0])!;
      await s.apply(key, SSH_SEQUENCE[0], run);
      const muted = await s.setByPerson(key, "muted", "U0123", run);
      assert.equal(muted?.state, "muted");
      assert.equal(muted?.stateBy, "U0123");
      await s.apply(key, SSH_SEQUENCE[4], run);
      assert.equal(await s.setByPerson(key, "acknowledged", "U0123", run), undefined);
    });

    it("opens one incident when two batches apply signals for one key at once, and loses neither", async () => {
      // Two containers: each its own store over the same table.
      const a = store();
      const b = store();
      const key = incidentKey(SSH_SEQUENCE[0])!;
      const [ra, rb] = await Promise.all([
        a.apply(key, SSH_SEQUENCE[0], run),
        b.apply(key, SSH_SEQUENCE[1], run),
      ]);
      assert.deepEqual([ra.change, rb.change].sort(), ["joined", "opened"]);
      assert.equal(ra.incident!.id, rb.incident!.id);
      const inc = (await a.get(key, run))!;
      assert.equal(inc.signals, 2);
      // Ten more at once: every one lands, exactly once.
      const more = Array.from({ length: 10 }, (_, i) =>
        signal({ uid: `sh-${i}`, source: "Security Hub", title: `finding ${i}`, severity: "medium" }),
      );
      const results = await Promise.all(more.map((sig, i) => (i % 2 ? a : b).apply(key, sig, run)));
      assert.deepEqual(new Set(results.map((r) => r.change)), new Set(["joined"]));
      assert.equal((await a.get(key, run))!.signals, 12);
    });
  });
}

describe("handlers/notifier/incidents/store", () => {
  const moto = useMoto();
  suite("DynamoDB (moto)", () => dynamoIncidentRecords({ tableName: TABLE, region: "us-east-1" }), true);
  suite("memory (npm run render)", memoryIncidentRecords, false);

  it("writes the TTL attribute a day after the join window closes, and a version", async () => {
    void moto;
    await createIncidentTable(TABLE);
    const s = createIncidentStore({
      records: dynamoIncidentRecords({ tableName: TABLE, region: "us-east-1" }),
      now: () => T0,
      windowSeconds: 3600,
    });
    const key = incidentKey(SSH_SEQUENCE[0])!;
    await s.apply(key, SSH_SEQUENCE[0], run);
    const ddb = new DynamoDBClient({ region: "us-east-1" });
    const out = await ddb.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: `incident#${key}` } } }),
    );
    ddb.destroy();
    assert.equal(out.Item?.expiresAt?.N, String(T0 / 1000 + 3600 + 86_400));
    assert.equal(out.Item?.version?.N, "1");
    assert.equal(JSON.parse(out.Item!.incident!.S!).state, "open");
  });
});
