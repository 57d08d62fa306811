import { strict as assert } from "assert";
import * as path from "path";
import { parsePackConfig } from "../../../verify/policy/packConfig";
import { policyNames } from "../../../verify/policy/offline";
import { policyCheck } from "../../../verify/policy/check";

const SSH_PROGRAM = path.resolve(
  __dirname,
  "..",
  "..",
  "fixtures",
  "broken-programs",
  "no-public-ssh-ingress",
  "index.ts",
);

describe("policy pack config (--policy-config, as --policy-pack-config)", function () {
  this.timeout(60_000);

  it("maps 'all', per-policy levels and settings onto the offline runner's options", () => {
    const opts = parsePackConfig({
      all: "advisory",
      "no-public-ssh-ingress": "mandatory",
      "lambda-runtime-pinned": { enforcementLevel: "disabled", allowedRuntimes: ["nodejs22.x"] },
    });
    assert.equal(Object.keys(opts.enforcementLevels!).length, policyNames().length);
    assert.equal(opts.enforcementLevels!["no-public-ssh-ingress"], "mandatory");
    assert.equal(opts.enforcementLevels!["lambda-runtime-pinned"], "disabled");
    assert.equal(opts.enforcementLevels!["sns-topic-kms-encrypted"], "advisory");
    assert.deepEqual(opts.config!["lambda-runtime-pinned"], { allowedRuntimes: ["nodejs22.x"] });
  });

  it("names what is wrong: an unknown policy, a bad level", () => {
    assert.throws(
      () => parsePackConfig({ "no-such-policy": "advisory" }, "cfg.json"),
      /cfg\.json: "no-such-policy" is not a policy of this pack/,
    );
    assert.throws(
      () => parsePackConfig({ all: "warn" }, "cfg.json"),
      /cfg\.json: "all": enforcement level "warn" is not one of advisory, mandatory, disabled, remediate/,
    );
  });

  it("turns a mandatory violation into an advisory one for policy:check", async () => {
    const strict = await policyCheck({ program: SSH_PROGRAM });
    assert.deepEqual(
      strict.violations.map((v) => [v.policy, v.level]),
      [["no-public-ssh-ingress", "mandatory"]],
    );
    const file = path.join(require("os").tmpdir(), `sg-pack-config-${process.pid}.json`);
    require("fs").writeFileSync(file, JSON.stringify({ "no-public-ssh-ingress": "advisory" }));
    const relaxed = await policyCheck({ program: SSH_PROGRAM, policyConfig: file });
    assert.deepEqual(
      relaxed.violations.map((v) => [v.policy, v.level]),
      [["no-public-ssh-ingress", "advisory"]],
    );
  });
});
