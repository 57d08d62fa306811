import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addAccount } from "../../scripts/account-add";
import { listStackFiles } from "../../verify/stackFiles";

const REPO = path.resolve(__dirname, "..", "..");

describe("npm run account:add", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-accounts-"));
    for (const f of fs.readdirSync(REPO).filter((f) => /^Pulumi\..+\.yaml$/.test(f)))
      fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes a validated spoke config that reuses the existing hub reference", () => {
    const result = addAccount({
      dir,
      account: "555555555555",
      name: "Analytics",
      regions: ["us-east-1", "eu-west-1"],
    });
    assert.deepEqual(result.problems, []);
    assert.equal(result.file, "Pulumi.spoke-analytics.yaml");
    const written = listStackFiles(dir).find((s) => s.stack === "spoke-analytics");
    assert.deepEqual(written?.config, {
      "pulumi:disable-default-providers": '["*"]',
      "security-guard:role": "spoke",
      "security-guard:accountId": "555555555555",
      "security-guard:accountName": "Analytics",
      "security-guard:hubStack": "acme/security-guard/hub",
      "security-guard:regions": '["us-east-1","eu-west-1"]',
    });
    assert.match(result.nextSteps[2], /pulumi up --stack spoke-analytics/);
  });

  it("refuses a duplicate account, a bad id and a region list without us-east-1, writing nothing", () => {
    const dup = addAccount({ dir, account: "222222222222", name: "again", regions: ["us-east-1"] });
    assert.deepEqual(dup.problems, [
      'Pulumi.spoke-again.yaml: security-guard:accountId = "222222222222": duplicate account, also in Pulumi.spoke-payments.yaml',
    ]);
    const bad = addAccount({ dir, account: "55555", name: "bad", regions: ["eu-west-1"] });
    assert.deepEqual(bad.problems, [
      'Pulumi.spoke-bad.yaml: security-guard:accountId = "55555": is not a 12-digit AWS account id',
      'Pulumi.spoke-bad.yaml: security-guard:regions = ["eu-west-1"]: must include us-east-1: IAM\'s CloudTrail events are delivered only there',
    ]);
    assert.ok(!fs.existsSync(path.join(dir, "Pulumi.spoke-again.yaml")));
    assert.ok(!fs.existsSync(path.join(dir, "Pulumi.spoke-bad.yaml")));
  });

  it("does not overwrite an existing stack file without --force", () => {
    const r = addAccount({ dir, account: "555555555555", stack: "spoke-web", regions: ["us-east-1"] });
    assert.deepEqual(r.problems, ["Pulumi.spoke-web.yaml already exists (use --force to overwrite)"]);
  });
});

describe("npm run account:add with an account-list hub", () => {
  it("writes the spoke and lists the hub change as a step", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-accounts-"));
    try {
      fs.writeFileSync(
        path.join(dir, "Pulumi.hub.yaml"),
        'config:\n  security-guard:role: hub\n  security-guard:accountId: "111111111111"\n  security-guard:regions: [us-east-1]\n' +
          '  security-guard:memberAccounts: ["333333333333"]\n  security-guard:slackWebhooks:\n    default:\n      secure: v1:x\n',
      );
      const r = addAccount({
        dir,
        account: "555555555555",
        name: "new",
        regions: ["us-east-1"],
        hub: "acme/security-guard/hub",
        aggregation: "account",
      });
      assert.deepEqual(r.problems, []);
      assert.equal(
        r.nextSteps[1],
        "pulumi config set --path 'memberAccounts[1]' 555555555555 --stack hub && pulumi up --stack hub   # the hub is in account-list mode",
      );
      assert.ok(fs.existsSync(path.join(dir, "Pulumi.spoke-new.yaml")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
