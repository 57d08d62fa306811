// Stack files ship without secrets; the offline plan supplies fake stand-ins and says what is still needed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatStack, StackSummary } from "../../verify/plan";
import { listStackFiles, readStackFile, stackFileConfig } from "../../verify/stackFiles";

const ROOT = path.resolve(__dirname, "..", "..");

describe("stack files: secrets", () => {
  it("the repo's stack files hold no secure values (pulumi up would try to decrypt them)", () => {
    for (const s of listStackFiles(ROOT)) {
      const text = fs.readFileSync(path.join(ROOT, s.file), "utf8");
      assert.ok(!/secure:/.test(text), `${s.file} holds a secure value`);
    }
  });

  it("the hub needs its default webhook, the routed payments webhook and the signing secret", () => {
    const hub = readStackFile(path.join(ROOT, "Pulumi.hub.yaml"));
    assert.deepEqual(
      hub.secretsNeeded.map((s) => [s.path, s.command]),
      [
        [
          "slackWebhooks.default",
          "pulumi config set --secret --path 'slackWebhooks.default' https://hooks.slack.com/services/...",
        ],
        [
          "slackWebhooks.payments",
          "pulumi config set --secret --path 'slackWebhooks.payments' https://hooks.slack.com/services/...",
        ],
        [
          "slackSigningSecret",
          "pulumi config set --secret slackSigningSecret <your Slack app's signing secret>",
        ],
      ],
    );
    // Clearly fake stand-ins, passed as secrets, so the offline plan validates and builds the hub.
    assert.deepEqual(JSON.parse(hub.config["security-guard:slackWebhooks"]), {
      default: "https://hooks.slack.com/services/T00000000/B00000000/OFFLINEFAKEVALUE",
      payments: "https://hooks.slack.com/services/T00000000/B00000000/OFFLINEFAKEVALUE",
    });
    assert.ok(hub.secretKeys.includes("security-guard:slackWebhooks"));
    assert.ok(hub.secretKeys.includes("security-guard:slackSigningSecret"));
    assert.equal(stackFileConfig(hub).role, "hub");
    for (const s of listStackFiles(ROOT).filter((x) => x.stack !== "hub"))
      assert.deepEqual(s.secretsNeeded, []);
  });

  it("keeps the secrets a file sets and stands in only for the missing ones", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfiles-"));
    try {
      const file = path.join(dir, "Pulumi.hub.yaml");
      fs.writeFileSync(
        file,
        [
          "config:",
          "  security-guard:role: hub",
          '  security-guard:accountId: "111111111111"',
          "  security-guard:regions: [us-east-1]",
          "  security-guard:organizationId: o-a1b2c3d4e5",
          "  security-guard:slackWebhooks: { default: { secure: v1:abc } }",
          "  security-guard:slackRoutes: [{ webhook: ops }]",
        ].join("\n"),
      );
      const hub = readStackFile(file);
      assert.deepEqual(
        hub.secretsNeeded.map((s) => s.path),
        ["slackWebhooks.ops"],
      );
      const webhooks = JSON.parse(hub.config["security-guard:slackWebhooks"]);
      assert.deepEqual(Object.keys(webhooks), ["default", "ops"]);
      assert.match(webhooks.ops, /OFFLINEFAKEVALUE$/);
      assert.doesNotMatch(webhooks.default, /OFFLINEFAKEVALUE$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("npm run plan lists each secret still needed with the command that sets it", () => {
    const hub = readStackFile(path.join(ROOT, "Pulumi.hub.yaml"));
    const summary: StackSummary = {
      stack: "hub",
      file: "Pulumi.hub.yaml",
      role: "hub",
      accountId: "111111111111",
      regions: ["us-east-1"],
      ok: true,
      resourceCount: 0,
      resources: {},
      violations: [],
      quotas: [],
      secretsNeeded: hub.secretsNeeded,
      millis: 1,
    };
    const text = formatStack(summary, true);
    assert.match(
      text,
      /secret still needed \(planned with a fake value\): slackWebhooks\.payments: pulumi config set --secret --path 'slackWebhooks\.payments'/,
    );
    assert.equal(text.split("\n").filter((l) => l.includes("secret still needed")).length, 3);
  });
});
