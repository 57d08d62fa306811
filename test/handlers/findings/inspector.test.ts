// Amazon Inspector findings: a vulnerability on a resource, rated by Inspector; the hub posts by
// default critical and high ones with a known exploit that are active; findings about one resource
// share one correlation id, so a flood is grouped per resource.
import { strict as assert } from "assert";
import { DEFAULT_FILTERS, anyOf, forwardPattern, load, mapped, matches, notifyBranches } from "./sourceCheck";

const EC2 = "findings/inspector-ec2-package-critical-exploit.json";
const ECR = "findings/inspector-ecr-image-high-no-exploit.json";

describe("Amazon Inspector source", () => {
  it("maps an EC2 package vulnerability: critical, the CVE, package and fix, the instance by its Name tag", () => {
    const { finding: f, problems } = mapped(load(EC2));
    assert.deepEqual(problems, []);
    assert.equal(f.kind, "inspector");
    assert.equal(f.class_name, "vulnerability");
    assert.equal(f.class_uid, 2002);
    assert.equal(f.severity, "critical");
    assert.deepEqual(f.severity_source, { label: "CRITICAL", score: 9.8, level: "critical" });
    assert.equal(f.title, "Inspector: CVE-2024-6387 - openssh-server on payments-bastion");
    assert.deepEqual(f.evidence.vulnerabilities, [
      {
        uid: "CVE-2024-6387",
        packages: ["openssh-server 8.9p1 (fixed in 1:8.9p1-3ubuntu0.10)"],
        exploit_available: true,
        fix_available: "YES",
        cvss: 9.8,
        epss: 0.9412,
        last_exploited: "Nov 28, 2026, 3:12:09 PM",
      },
    ]);
    assert.equal(f.resources[0].uid, "i-0c2a343f1948d5205");
    assert.equal(f.resources[0].type, "AWS_EC2_INSTANCE");
    // Inspector's own time format, shown as written.
    assert.equal(f.first_seen, "Dec 4, 2026, 12:46:15 PM");
    assert.deepEqual(f.links, [
      {
        text: "Open in Amazon Inspector",
        url: "https://ap-northeast-2.console.aws.amazon.com/inspector/v2/home?region=ap-northeast-2#/findings/all",
      },
      { text: "CVE-2024-6387 in NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2024-6387" },
    ]);
    assert.equal(f.correlation_uid, "inspector|222222222222|i-0c2a343f1948d5205");
  });

  it("maps a container image finding: the repository and tag as name, the image's own Inspector page", () => {
    const f = mapped(load(ECR)).finding;
    assert.equal(f.severity, "high");
    assert.equal(f.resources[0].name, "web/frontend:v2026.12.04");
    assert.equal(
      f.links[0].url,
      "https://us-west-2.console.aws.amazon.com/inspector/v2/home?region=us-west-2#/findings/container-image/web%2Ffrontend%2Fsha256%3A4f1d6b2c9e8a7f0e3d5c1b2a4968f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5",
    );
  });

  it("suppressed and closed findings are info; an id that is not a CVE gets no NVD link", () => {
    for (const status of ["SUPPRESSED", "CLOSED"]) {
      const e = load(EC2);
      e.detail.status = status;
      assert.equal(mapped(e).finding.severity, "info");
    }
    const e = load(EC2);
    e.detail.packageVulnerabilityDetails.vulnerabilityId = "GHSA-xxxx-<https://evil.example|x>";
    assert.deepEqual(
      mapped(e).finding.links.map((l) => l.text),
      ["Open in Amazon Inspector"],
    );
  });

  it("two findings on one image share the image's correlation id (a flood groups per resource)", () => {
    const a = load(ECR);
    const b = load(ECR);
    b.detail.findingArn = "arn:aws:inspector2:us-west-2:444444444444:finding/ffff";
    b.detail.packageVulnerabilityDetails.vulnerabilityId = "CVE-2025-0001";
    assert.equal(mapped(a).finding.correlation_uid, mapped(b).finding.correlation_uid);
    assert.notEqual(mapped(a).finding.dedupe_uid, mapped(b).finding.dedupe_uid);
  });

  it("the hub posts critical/high, exploit available, active; the filters widen it (event-ruler)", async () => {
    const suppressed = load(EC2);
    suppressed.detail.status = "SUPPRESSED";
    const medium = load(EC2);
    medium.detail.severity = "MEDIUM";
    const byDefault = anyOf(notifyBranches("inspector"));
    const anyExploit = anyOf(
      notifyBranches("inspector", { ...DEFAULT_FILTERS, inspectorExploitAvailableOnly: false }),
    );
    const fromMedium = anyOf(
      notifyBranches("inspector", { ...DEFAULT_FILTERS, inspectorMinSeverity: "MEDIUM" }),
    );
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("inspector-findings", "ap-northeast-2"), event: load(EC2) },
        { pattern: byDefault, event: load(EC2) },
        { pattern: byDefault, event: load(ECR) },
        { pattern: byDefault, event: suppressed },
        { pattern: byDefault, event: medium },
        { pattern: anyExploit, event: load(ECR) },
        { pattern: fromMedium, event: medium },
      ]),
      [true, true, false, false, false, true, true],
    );
  });
});
