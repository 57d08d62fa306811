// The weekly list of mutes and exemptions in force (the liveness source): who, what, until when,
// why; exemptions ending within a week first; a long list is cut and points at npm run mutes.
import { strict as assert } from "assert";
import { mutesSummaryDetail } from "../../../handlers/liveness";
import { load, mapped } from "./sourceCheck";

const FIXTURE = "liveness/mutes-summary.json";

describe("liveness source: the weekly mutes and exemptions summary", () => {
  it("lists the exemption expiring within 7 days first, then the mute, then the other exemption, at low severity", () => {
    const { finding: f, problems, source } = mapped(load(FIXTURE));
    assert.deepEqual(problems, []);
    assert.equal(source, "liveness");
    assert.equal(f.severity, "low");
    assert.equal(f.status, "LISTED");
    assert.equal(
      f.title,
      "Weekly mutes and exemptions: 1 mute(s) from Slack, 2 exemption(s) from remediation, 1 expiring within 7 days",
    );
    assert.deepEqual(f.evidence.notes, [
      "exemption EXPIRES 2026-12-10 12:00 UTC: sg-0123456789abcdef0 (bastion) in 333333333333 ap-northeast-1, by slack-U07QAZ1X2: vendor support session",
      "mute until 2026-12-07 21:10 UTC by slack-U024BE7LH: accounts=222222222222 regions=ap-northeast-2 eventNames=AuthorizeSecurityGroupIngress resources=sg-0a1b2c3d4e5f60718; load test this weekend, the group is torn down Monday",
      "exemption until 2027-01-31 00:00 UTC: sg-0fedcba9876543210 in 222222222222 ap-northeast-2, by slack-U024BE7LH: partner SFTP allow list pending",
    ]);
    assert.match(f.desc ?? "", /^Exemptions expiring within 7 days: sg-0123456789abcdef0\./);
  });

  it("cuts a long list at 20 lines, counts the rest (also those the event did not carry) and names npm run mutes", () => {
    const at = "2026-12-07T08:00:00.000Z";
    const mutes = Array.from({ length: 60 }, (_, i) => ({
      id: `m${i}`,
      createdBy: "slack-U1",
      createdAt: at,
      rule: {
        accounts: ["222222222222"],
        eventNames: ["ConsoleLogin"],
        reason: "r",
        expires: `2026-12-08T${String(i % 24).padStart(2, "0")}:00:00.000Z`,
      },
    }));
    const detail = mutesSummaryDetail(at, mutes, [], ["mute x: rule is not JSON"]);
    assert.equal(detail.muteCount, 60);
    assert.equal((detail.mutes as unknown[]).length, 50, "the event carries at most 50");
    const event = { ...load(FIXTURE), detail };
    const { finding: f } = mapped(event);
    const notes = f.evidence.notes as string[];
    assert.equal(
      f.title,
      "Weekly mutes and exemptions: 60 mute(s) from Slack, 0 exemption(s) from remediation",
    );
    assert.equal(notes.filter((n) => n.startsWith("mute until")).length, 20);
    assert.deepEqual(notes.slice(20), [
      "and 40 more: npm run mutes",
      "not read: mute x: rule is not JSON",
      "the full list: npm run mutes",
    ]);
  });

  it("says so when nothing is muted or exempt", () => {
    const event = { ...load(FIXTURE), detail: mutesSummaryDetail("2026-12-07T08:00:00.000Z", [], [], []) };
    const { finding: f } = mapped(event);
    assert.deepEqual(f.evidence.notes, ["nothing is muted or exempt"]);
    assert.equal(f.desc, undefined);
  });
});
