// Layouts are chosen by the finding's source; a source without a layout of its own (any new one)
// gets the default layout, from the model alone: a new source needs no notifier change.
import { strict as assert } from "assert";
import type { Finding } from "../../../handlers/findings/model";
import { LAYOUTS, layout, layoutOf } from "../../../handlers/notifier/layout";
import { formatFinding } from "../../../handlers/notifier/layout/finding";
import { fieldsOf, findingOfPayload, fixture, headerOf, sectionTexts } from "./fixtures";

const ctx = () => ({
  delivery: { recordId: "r-1", via: "direct" as const },
  settings: { accountNames: { "222222222222": "payments" } },
  problems: [] as string[],
});

describe("layouts", () => {
  it("each source with a layout of its own gets it; every other source the default layout", () => {
    const gd = findingOfPayload(fixture("findings/guardduty-ec2-ssh-bruteforce-seoul.json")) as Finding;
    assert.equal(layoutOf(gd), LAYOUTS.find((l) => l.source === "guardduty")!.layout);
    const inspector = findingOfPayload(
      fixture("findings/inspector-ec2-package-critical-exploit.json"),
    ) as Finding;
    assert.equal(inspector.metadata.source, "inspector");
    assert.equal(layoutOf(inspector), formatFinding);
  });

  it("a finding of a source the notifier has never seen renders from the model: title, severity, fields, evidence, footer", () => {
    const f: Finding = {
      class_name: "detection",
      class_uid: 2004,
      kind: "other",
      severity: "high",
      severity_why: "test",
      severity_source: { label: "HIGH", score: 8 },
      uid: "finding-1",
      event_name: "Brand:New/Type",
      title: "A brand-new source's finding",
      desc: "What it found.",
      cloud: { account: { uid: "222222222222" }, region: "ap-northeast-2" },
      resources: [{ uid: "arn:aws:s3:::bucket-1", type: "AwsS3Bucket" }],
      evidence: { indicators: [{ name: "Tactic", value: "Exfiltration" }] },
      links: [],
      metadata: { source: "brand-new", event_uid: "finding-1", event_label: "New finding" },
    };
    const m = layout(f, ctx());
    assert.equal(headerOf(m), "A brand-new source's finding");
    assert.equal(m.attachments[0].color, "#D00000");
    const fields = fieldsOf(m);
    assert.equal(fields.Severity, "high (source: HIGH 8)");
    assert.equal(fields.Account, "`222222222222` (payments)");
    assert.equal(fields.Type, "`Brand:New/Type`");
    assert.ok(sectionTexts(m).includes("*Tactic*: Exfiltration"));
    assert.ok(JSON.stringify(m).includes("New finding `finding-1`"));
  });
});
