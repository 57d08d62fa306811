// GuardDuty findings mapped to the model: severity bands, resource, remote party, links, dedupe.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { mapPayload } from "../../../handlers/findings/registry";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "events");
const load = (rel: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8"));

function finding(payload: Record<string, unknown>, problems: string[] = []) {
  const out = mapPayload(
    payload,
    { delivery: { recordId: "r", via: "direct" }, problems },
    { sshConfigRules: [] },
  );
  assert.ok(out && "finding" in out);
  return out.finding;
}

describe("GuardDuty source", () => {
  it("maps an access-key finding: high by GuardDuty's 7.0-8.9 band, the user as resource, the remote IP as actor", () => {
    const f = finding(load("findings/guardduty-iam-anomalous-behavior-high.json"));
    assert.equal(f.class_name, "detection");
    assert.equal(f.class_uid, 2004);
    assert.equal(f.severity, "high");
    assert.deepEqual(f.severity_source, { label: "High", score: 8, level: "high" });
    assert.equal(f.event_name, "CredentialAccess:IAMUser/AnomalousBehavior");
    assert.deepEqual(f.resources, [
      {
        type: "AccessKey",
        uid: "etl-loader",
        data: { access_key_id: "AKIAEXAMPLEDATA00042", user_type: "IAMUser" },
      },
    ]);
    assert.deepEqual(f.actor, { ip: "192.0.2.201", location: { country: "Brazil" }, org: "Example Transit" });
    assert.deepEqual(f.cloud, { partition: "aws", account: { uid: "333333333333" }, region: "us-east-1" });
    assert.equal(f.count, 3);
    assert.equal(f.dedupe_uid, "guardduty|0ac0f4b9e2e4d1d5b1c8a1e2f3a4b5c6@2026-11-20T11:00:01.000Z");
    assert.equal(f.links[0].text, "Open in GuardDuty");
    assert.match(
      f.links[0].url,
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/guardduty\/.*fId=0ac0f4b9e2e4d1d5b1c8a1e2f3a4b5c6$/,
    );
  });

  it("an archived finding is info whatever GuardDuty rates it", () => {
    const e = load("findings/guardduty-iam-anomalous-behavior-high.json");
    e.detail.service.archived = true;
    assert.equal(finding(e).severity, "info");
  });

  it("mistyped and missing fields are problems, and the rest is still read", () => {
    const e = load("findings/guardduty-iam-anomalous-behavior-high.json");
    e.detail.severity = "high";
    e.detail.title = 7;
    delete e.detail.id;
    const problems: string[] = [];
    const f = finding(e, problems);
    assert.deepEqual(problems, [
      "detail.title is a number, expected a string",
      "detail.severity is a string, expected a number",
      "detail.id is missing",
    ]);
    assert.equal(f.title, "GuardDuty: CredentialAccess:IAMUser/AnomalousBehavior");
    assert.equal(f.severity, "medium");
    assert.equal(f.resources[0].uid, "etl-loader");
  });
});
