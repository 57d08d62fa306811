// GuardDuty attack sequences: one card with the sequence's signals (in the order they happened),
// resources, actor, endpoints and tactics; always posted, whatever the minimum GuardDuty severity.
import { strict as assert } from "assert";
import { DEFAULT_FILTERS, anyOf, forwardPattern, load, mapped, matches, notifyBranches } from "./sourceCheck";

const SEQUENCE = "findings/guardduty-attack-sequence-iam-compromised-credentials.json";

describe("GuardDuty attack sequence source", () => {
  it("takes AttackSequence findings before the GuardDuty source, and leaves it the others", () => {
    assert.equal(mapped(load(SEQUENCE)).source, "guardduty-attack-sequence");
    assert.equal(mapped(load("findings/guardduty-ec2-ssh-bruteforce-seoul.json")).source, "guardduty");
  });

  it("maps the sequence onto one finding: critical, signals in time order, resources, actor, indicators", () => {
    const { finding: f, problems } = mapped(load(SEQUENCE));
    assert.deepEqual(problems, []);
    assert.equal(f.severity, "critical");
    assert.equal(f.kind, "guardduty");
    assert.equal(
      f.title,
      "GuardDuty attack sequence: Potential credential compromise of IAMUser/ci-deployer indicated by a sequence of actions.",
    );
    assert.deepEqual(
      f.evidence.signals?.map((s) => [s.name, s.type, s.severity, s.first_seen]),
      [
        ["UnauthorizedAccess:IAMUser/TorIPCaller", "FINDING", "5", "2026-12-04T09:12:40.000Z"],
        ["AttachRolePolicy", "CLOUD_TRAIL", undefined, "2026-12-04T09:14:11.000Z"],
        ["Stealth:IAMUser/CloudTrailLoggingDisabled", "FINDING", "2", "2026-12-04T09:58:03.000Z"],
      ],
    );
    assert.deepEqual(
      f.resources.map((r) => `${r.type} ${r.name}`),
      [
        "AWS::IAM::User ci-deployer",
        "AWS::IAM::Role support-break-glass",
        "AWS::CloudTrail::Trail payments-audit",
      ],
    );
    assert.deepEqual(f.actor, {
      type: "IAMUser",
      name: "IAMUser ci-deployer",
      uid: "AIDAEXAMPLEPAYMENTS01",
      mfa: false,
      mfa_label: "No",
      ip: "185.220.101.47",
      location: { country: "Germany" },
      org: "Zwiebelfreunde e.V.",
    });
    assert.deepEqual(f.evidence.indicators?.slice(0, 1), [
      {
        name: "MITRE ATT&CK tactics",
        value: "Initial Access, Persistence, Privilege Escalation, Defense Evasion",
      },
    ]);
    assert.ok(
      f.evidence.indicators?.some(
        (i) =>
          i.name === "Network endpoint" &&
          i.value === "203.0.113.66 (Amsterdam, Netherlands; EXAMPLE-HOSTING, AS64500)",
      ),
    );
    assert.equal(f.correlation_uid, "guardduty-sequence|e6c9b1a2d3f4a5b6c7d8e9f0a1b2c3d4");
    assert.match(
      f.links[0].url,
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/guardduty\/.*fId=e6c9b1a2d3f4a5b6c7d8e9f0a1b2c3d4$/,
    );
  });

  it("a long sequence lists its first ten signals and counts the rest; signal times may be epoch seconds", () => {
    const e = load(SEQUENCE);
    const base = e.detail.service.detection.sequence.signals[0];
    e.detail.service.detection.sequence.signals = Array.from({ length: 14 }, (_, i) => ({
      ...base,
      name: `signal-${String(i).padStart(2, "0")}`,
      firstSeenAt: 1796371200 + i * 60,
    }));
    const { finding: f, problems } = mapped(e);
    assert.deepEqual(problems, []);
    assert.equal(f.evidence.signals?.length, 11);
    assert.equal(f.evidence.signals?.[0].first_seen, "2026-12-04T08:00:00.000Z");
    assert.equal(f.evidence.signals?.[10].name, "(+4 more signals)");
    assert.equal(f.count, 14);
  });

  it("an archived sequence is info", () => {
    const e = load(SEQUENCE);
    e.detail.service.archived = true;
    assert.equal(mapped(e).finding.severity, "info");
  });

  it("the GuardDuty rule forwards it; the hub posts it even above the minimum GuardDuty severity (event-ruler)", async () => {
    const strict = { ...DEFAULT_FILTERS, guardDutyMinSeverity: 9.5 };
    const hub = anyOf([
      ...notifyBranches("guardduty", strict),
      ...notifyBranches("guardduty-attack-sequence", strict),
    ]);
    const onlyGuardDuty = anyOf(notifyBranches("guardduty", strict));
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("guardduty-findings"), event: load(SEQUENCE) },
        { pattern: onlyGuardDuty, event: load(SEQUENCE) },
        { pattern: hub, event: load(SEQUENCE) },
        {
          pattern: anyOf(notifyBranches("guardduty-attack-sequence")),
          event: load("findings/guardduty-recon-low-severity-seoul.json"),
        },
      ]),
      [true, false, true, false],
    );
  });
});
