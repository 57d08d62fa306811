// IAM Access Analyzer internal access findings: who inside the organization can reach a critical
// resource, with which actions; another account that can write is medium.
import { strict as assert } from "assert";
import { anyOf, forwardPattern, load, mapped, matches, notifyBranches } from "./sourceCheck";

const INTERNAL = "findings/access-analyzer-internal-access-s3.json";

describe("Access Analyzer internal access source", () => {
  it("maps the principal, the actions and how the access is granted", () => {
    const { finding: f, problems } = mapped(load(INTERNAL));
    assert.deepEqual(problems, []);
    assert.equal(f.kind, "internal-access");
    assert.equal(f.severity, "medium");
    assert.equal(
      f.title,
      "Access Analyzer: data-customer-pii reachable from another account in the organization by web-app-runtime",
    );
    assert.equal(
      f.desc,
      "IAM role arn:aws:iam::444444444444:role/web-app-runtime in account 444444444444 can use s3:GetObject, s3:ListBucket, s3:PutObject on arn:aws:s3:::data-customer-pii, granted by bucket policy.",
    );
    assert.deepEqual(f.actor, {
      uid: "arn:aws:iam::444444444444:role/web-app-runtime",
      name: "web-app-runtime",
      type: "IAM_ROLE",
    });
    assert.deepEqual(f.evidence.principals, [
      { name: "AWS", value: "arn:aws:iam::444444444444:role/web-app-runtime" },
    ]);
    assert.deepEqual(f.evidence.indicators, [
      { name: "Access type", value: "INTRA_ORG" },
      { name: "Granted by", value: "BUCKET_POLICY" },
    ]);
    assert.equal(
      f.links[0].url,
      "https://us-east-1.console.aws.amazon.com/access-analyzer/home?region=us-east-1#/findings/details/security-guard-internal-access/7c6b5a49-3827-4165-a0b9-c8d7e6f5a4b3",
    );
  });

  it("read-only access, or access from the same account, is low; archived is info", () => {
    const read = load(INTERNAL);
    read.detail.action = ["s3:GetObject"];
    assert.equal(mapped(read).finding.severity, "low");
    const same = load(INTERNAL);
    same.detail.accessType = "INTRA_ACCOUNT";
    assert.equal(mapped(same).finding.severity, "low");
    const archived = load(INTERNAL);
    archived.detail.status = "ARCHIVED";
    assert.equal(mapped(archived).finding.severity, "info");
  });

  it("spokes forward internal access findings; the hub posts active ones (event-ruler)", async () => {
    const archived = load(INTERNAL);
    archived.detail.status = "ARCHIVED";
    const notify = anyOf(notifyBranches("access-analyzer-internal"));
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("internal-access-findings"), event: load(INTERNAL) },
        { pattern: notify, event: load(INTERNAL) },
        { pattern: notify, event: archived },
      ]),
      [true, true, false],
    );
  });
});
