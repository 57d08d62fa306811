// Security Hub findings as incident signals: a control that fails opens (or joins) its resource's
// incident and the same control passing again resolves it, in the ASFF form and in the OCSF form;
// the two forms of one control about one resource share an incident key.
import { strict as assert } from "assert";
import { incidentSignal } from "../../../../handlers/notifier/incidents/adapt";
import { incidentKey } from "../../../../handlers/notifier/incidents/key";
import { type Json, load, mapped } from "../../findings/sourceCheck";

const OCSF_FAILED = "findings/securityhub-v2-ocsf-compliance-s3-public-write-high.json";
const OCSF_PASSED = "findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json";
const OCSF_EXPOSURE = "findings/securityhub-v2-ocsf-exposure-lambda-critical.json";
const S3_3 =
  "arn:aws:securityhub:eu-west-1:333333333333:security-control/S3.3/finding/0f7d2c1e-4a5b-4c6d-8e9f-a0b1c2d3e4f5";
const BUCKET = {
  uid: "arn:aws:s3:::data-lake-landing",
  account: "333333333333",
  region: "eu-west-1",
};

const signalOf = (rel: string, edit?: (e: Json) => void) => {
  const event = load(rel);
  edit?.(event);
  const f = mapped(event).finding;
  return incidentSignal(f, f.severity, f.title, event.id as string);
};

describe("incident signals of Security Hub's OCSF findings", () => {
  it("a failing control is a failing signal about its resource; the same control passing again resolves it", () => {
    const failed = signalOf(OCSF_FAILED);
    assert.deepEqual(failed, {
      severity: "high",
      title: "S3 general purpose buckets should block public write access",
      time: "2026-12-04T08:12:30.004Z",
      uid: S3_3,
      effect: "fail",
      source: "Security Hub",
      resource: BUCKET,
    });
    const passed = signalOf(OCSF_PASSED);
    assert.deepEqual(passed, {
      severity: "info",
      title: "S3 general purpose buckets should block public write access",
      time: "2026-12-04T09:47:05.512Z",
      uid: S3_3,
      effect: "pass",
      source: "Security Hub",
      resource: BUCKET,
    });
    assert.equal(incidentKey(failed!), "resource#333333333333#eu-west-1#data-lake-landing");
    assert.equal(incidentKey(passed!), incidentKey(failed!));
  });

  it("a finding Security Hub resolved, suppressed or archived passes; one still New with a failing control fails", () => {
    for (const status of ["Resolved", "Suppressed", "Archived"])
      assert.equal(
        signalOf(OCSF_FAILED, (e) => (e.detail.findings[0].status = status))?.effect,
        "pass",
        status,
      );
    for (const status of ["New", "In Progress"])
      assert.equal(
        signalOf(OCSF_FAILED, (e) => (e.detail.findings[0].status = status))?.effect,
        "fail",
        status,
      );
  });

  it("an exposure finding is Security Hub's own correlation: its incident is the exposure, not the resource", () => {
    const s = signalOf(OCSF_EXPOSURE)!;
    assert.equal(s.effect, "fail");
    assert.deepEqual(s.correlation, { kind: "exposure", uid: s.uid });
    assert.equal(incidentKey(s), `exposure#${s.uid}`);
  });

  it("a finding without an id gives no signal (posted on its own)", () => {
    assert.equal(
      signalOf(OCSF_FAILED, (e) => {
        delete e.detail.findings[0].metadata.uid;
        delete e.detail.findings[0].finding_info.uid;
      }),
      undefined,
    );
  });
});
