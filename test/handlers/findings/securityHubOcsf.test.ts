// Security Hub OCSF findings ("Findings Imported V2"): compliance and exposure findings on the model,
// the console's views, and the hub's choice of formats and products.
import { strict as assert } from "assert";
import { resolvePattern } from "../../../handlers/findings/registry";
import { DEFAULT_FILTERS, anyOf, forwardPattern, load, mapped, matches, notifyBranches } from "./sourceCheck";

const COMPLIANCE = "findings/securityhub-v2-ocsf-compliance-s3-public-write-high.json";
const EXPOSURE = "findings/securityhub-v2-ocsf-exposure-lambda-critical.json";
const PASSED = "findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json";

describe("Security Hub OCSF source", () => {
  it("maps a compliance finding: OCSF class, control and verdict, the bucket with its tags, the posture view", () => {
    const { finding: f, problems, source } = mapped(load(COMPLIANCE));
    assert.deepEqual(problems, []);
    assert.equal(source, "security-hub-ocsf");
    assert.equal(f.kind, "security-hub");
    assert.equal(f.class_name, "compliance");
    assert.equal(f.class_uid, 2003);
    assert.equal(f.severity, "high");
    assert.deepEqual(f.severity_source, { label: "High", score: 4, level: "high" });
    assert.equal(f.title, "Security Hub: S3 general purpose buckets should block public write access");
    assert.deepEqual(f.compliance, {
      control: "S3.3",
      standard: "standards/aws-foundational-security-best-practices/v/1.0.0",
      status: "Fail",
    });
    assert.deepEqual(f.resources, [
      {
        type: "AWS::S3::Bucket",
        uid: "arn:aws:s3:::data-lake-landing",
        name: "data-lake-landing",
        region: "eu-west-1",
        account_uid: "333333333333",
        tags: { team: "data", env: "prod" },
      },
    ]);
    assert.equal(f.status, "New");
    assert.deepEqual(f.remediation?.references, [
      "https://docs.aws.amazon.com/console/securityhub/S3.3/remediation",
    ]);
    assert.equal(
      f.links[0].url,
      "https://eu-west-1.console.aws.amazon.com/securityhub/v2/home?region=eu-west-1#/postureManagement?findingDetailId=arn%3Aaws%3Asecurityhub%3Aeu-west-1%3A333333333333%3Asecurity-control%2FS3.3%2Ffinding%2F0f7d2c1e-4a5b-4c6d-8e9f-a0b1c2d3e4f5",
    );
  });

  it("maps an exposure finding: critical, its contributing findings with their traits, the exposure view", () => {
    const f = mapped(load(EXPOSURE)).finding;
    assert.equal(f.class_name, "detection");
    assert.equal(f.severity, "critical");
    assert.match(f.title, /^Security Hub exposure: Potential Remote Execution/);
    assert.deepEqual(
      f.evidence.signals?.map((s) => [s.name, s.type, s.detail]),
      [
        [
          "CVE-2024-37891 - urllib3",
          "inspector",
          "Vulnerability: Attack Vector Network, Exploit Available, No Privileges Required, Vulnerable",
        ],
        [
          "Lambda function policies should prohibit public access",
          "securityhub",
          "Reachability: Publicly Invocable",
        ],
        ["Lambda functions should be in a VPC", "securityhub", "Misconfiguration: Not In VPC"],
      ],
    );
    assert.equal(f.correlation_uid, `security-hub-exposure|${f.uid}`);
    assert.match(
      f.links[0].url,
      /#\/exposure\?findingDetailId=arn%3Aaws%3Asecurityhub%3Aus-west-2%3A444444444444%3Aexposure%2F/,
    );
  });

  it("resolved findings and passing controls are info; remediation links outside AWS's docs are dropped", () => {
    const resolved = load(COMPLIANCE);
    resolved.detail.findings[0].status = "Resolved";
    assert.equal(mapped(resolved).finding.severity, "info");
    const pass = load(COMPLIANCE);
    pass.detail.findings[0].compliance.status = "Pass";
    assert.equal(mapped(pass).finding.severity, "info");
    const hostile = load(COMPLIANCE);
    hostile.detail.findings[0].remediation.references = ["https://evil.example/fix", "javascript:alert(1)"];
    assert.equal(mapped(hostile).finding.remediation?.references, undefined);
  });

  it("a finding whose fields are mistyped is still posted, with the problems named", () => {
    const e = load(COMPLIANCE);
    e.detail.findings[0].severity = 4;
    e.detail.findings[0].resources = "bucket";
    const { finding, problems } = mapped(e);
    // Schema order; a mistyped required field is reported once, as mistyped.
    assert.deepEqual(problems, [
      "detail.findings[0].severity is a number, expected a string",
      "detail.findings[0].resources is a string, expected an array",
    ]);
    assert.equal(finding.severity, "medium");
    assert.deepEqual(finding.resources, []);
  });

  it("spokes forward OCSF findings; the hub posts them by severity and status, not GuardDuty's or Inspector's, and not when OCSF is off (event-ruler)", async () => {
    const notify = anyOf(notifyBranches("security-hub-ocsf"));
    const low = load(COMPLIANCE);
    low.detail.findings[0].severity = "Low";
    const resolved = load(COMPLIANCE);
    resolved.detail.findings[0].status = "Resolved";
    const fromGuardDuty = load(EXPOSURE);
    fromGuardDuty.detail.findings[0].metadata.product.name = "GuardDuty";
    assert.deepEqual(
      notifyBranches("security-hub-ocsf", { ...DEFAULT_FILTERS, securityHubFormats: ["ASFF"] }),
      [],
    );
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("securityhub-ocsf-findings", "eu-west-1"), event: load(COMPLIANCE) },
        {
          pattern: forwardPattern("securityhub-ocsf-findings", "eu-west-1"),
          event: load("findings/securityhub-imported-ec2-19-critical.json"),
        },
        { pattern: notify, event: load(COMPLIANCE) },
        { pattern: notify, event: load(EXPOSURE) },
        { pattern: notify, event: low },
        { pattern: notify, event: resolved },
        { pattern: notify, event: fromGuardDuty },
      ]),
      [true, false, true, true, false, false, false],
    );
  });

  it("maps a control that passes again: info, compliance Pass, status Resolved, the same finding id as its failure", () => {
    const { finding: f, problems } = mapped(load(PASSED));
    assert.deepEqual(problems, []);
    assert.equal(f.severity, "info");
    assert.equal(
      f.severity_why,
      "a Security Hub OCSF finding that is resolved, suppressed or archived, or a control that passes",
    );
    assert.deepEqual(f.compliance, {
      control: "S3.3",
      standard: "standards/aws-foundational-security-best-practices/v/1.0.0",
      status: "Pass",
    });
    assert.equal(f.status, "Resolved");
    assert.equal(f.uid, mapped(load(COMPLIANCE)).finding.uid);
    assert.deepEqual(f.evidence.notes, ["The S3 bucket blocks public write access."]);
  });

  it("the hub resolve rule takes OCSF controls that pass, at any severity and status, only while OCSF is posted (event-ruler)", async () => {
    const resolve = resolvePattern(DEFAULT_FILTERS)!;
    // Default settings: the ASFF branch and this one.
    assert.deepEqual(
      (resolve.$or as Array<Record<string, unknown>>).map((b) => b["detail-type"]),
      [["Security Hub Findings - Imported"], ["Findings Imported V2"]],
    );
    const ocsfOnly = resolvePattern({ ...DEFAULT_FILTERS, securityHubFormats: ["OCSF"] })!;
    assert.deepEqual(ocsfOnly, {
      source: ["aws.securityhub"],
      "detail-type": ["Findings Imported V2"],
      detail: { findings: { compliance: { status: ["Pass"] } } },
    });
    const asffOnly = resolvePattern({ ...DEFAULT_FILTERS, securityHubFormats: ["ASFF"] })!;
    const critical = load(PASSED);
    critical.detail.findings[0].severity = "Critical";
    critical.detail.findings[0].status = "New";
    const warning = load(PASSED);
    warning.detail.findings[0].compliance.status = "Warning";
    assert.deepEqual(
      await matches([
        { pattern: forwardPattern("securityhub-ocsf-findings", "eu-west-1"), event: load(PASSED) },
        { pattern: resolve, event: load(PASSED) },
        { pattern: resolve, event: critical },
        { pattern: resolve, event: load(COMPLIANCE) },
        { pattern: resolve, event: warning },
        { pattern: resolve, event: load(EXPOSURE) },
        { pattern: ocsfOnly, event: load(PASSED) },
        { pattern: asffOnly, event: load(PASSED) },
      ]),
      [true, true, true, false, false, false, true, false],
    );
  });
});
