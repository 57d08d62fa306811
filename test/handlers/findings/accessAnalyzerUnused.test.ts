// IAM Access Analyzer unused access findings: what is unused and whose, rated by what it exposes.
import { strict as assert } from "assert";
import { anyOf, forwardPattern, load, mapped, matches, notifyBranches } from "./sourceCheck";

const ROLE = "findings/access-analyzer-unused-iam-role.json";
const PERMISSION = "findings/access-analyzer-unused-permission.json";

describe("Access Analyzer unused access source", () => {
  it("maps an unused role: low, the role as resource, links to the finding and to the role in IAM", () => {
    const { finding: f, problems } = mapped(load(ROLE));
    assert.deepEqual(problems, []);
    assert.equal(f.kind, "unused-access");
    assert.equal(f.severity, "low");
    assert.equal(f.title, "Access Analyzer: IAM role not used: legacy-batch-exporter");
    assert.equal(
      f.desc,
      "IAM role legacy-batch-exporter has not been used for longer than the analyzer's tracking period.",
    );
    assert.deepEqual(f.resources, [
      {
        type: "AWS::IAM::Role",
        uid: "arn:aws:iam::222222222222:role/legacy-batch-exporter",
        name: "legacy-batch-exporter",
        account_uid: "222222222222",
      },
    ]);
    assert.deepEqual(f.links, [
      {
        text: "Open in Access Analyzer",
        url: "https://us-east-1.console.aws.amazon.com/access-analyzer/home?region=us-east-1#/findings/details/security-guard-unused-access/a6f1e3b2-7c4d-4e5f-9a0b-1c2d3e4f5a6b",
      },
      {
        text: "Open the role in IAM",
        url: "https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/legacy-batch-exporter",
      },
    ]);
  });

  it("an unused access key or password is medium (it still works for whoever holds it); resolved is info", () => {
    const key = load(PERMISSION);
    key.detail.findingType = "UnusedIAMUserAccessKey";
    const f = mapped(key).finding;
    assert.equal(f.severity, "medium");
    assert.equal(f.title, "Access Analyzer: IAM user access key not used: web-deploy-bot");
    const resolved = load(ROLE);
    resolved.detail.status = "RESOLVED";
    assert.equal(mapped(resolved).finding.severity, "info");
    assert.equal(mapped(load(PERMISSION)).finding.severity, "low");
  });

  it("reads the finding's details when the event carries them: unused actions and when each was last used", () => {
    const e = load(PERMISSION);
    e.detail.findingDetails = [
      {
        unusedPermissionDetails: {
          serviceNamespace: "s3",
          lastAccessed: "2026-06-01T10:00:00Z",
          actions: [
            { action: "s3:DeleteBucket" },
            { action: "s3:PutBucketPolicy", lastAccessed: "2026-05-01T00:00:00Z" },
          ],
        },
      },
      { unusedPermissionDetails: { serviceNamespace: "dynamodb" } },
    ];
    const f = mapped(e).finding;
    assert.deepEqual(f.evidence.actions, ["s3:DeleteBucket", "s3:PutBucketPolicy", "dynamodb:*"]);
    assert.deepEqual(f.evidence.indicators, [
      { name: "s3 last used", value: "2026-06-01T10:00:00Z" },
      { name: "dynamodb last used", value: "never" },
    ]);
  });

  it("spokes forward every unused access finding; the hub posts active ones (event-ruler)", async () => {
    const resolved = load(ROLE);
    resolved.detail.status = "RESOLVED";
    const notify = anyOf(notifyBranches("access-analyzer-unused"));
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("unused-access-findings"), event: load(ROLE) },
        {
          pattern: forwardPattern("unused-access-findings"),
          event: load("findings/access-analyzer-s3-public.json"),
        },
        { pattern: notify, event: load(PERMISSION) },
        { pattern: notify, event: resolved },
      ]),
      [true, false, true, false],
    );
  });
});
