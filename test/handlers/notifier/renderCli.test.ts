// `npm run render -- FILE`: runs scripts/render.ts as a user would (ts-node, separate process).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderMessages } from "../../../handlers/notifier";
import { FIXTURES, fixture } from "./fixtures";

const REPO = path.resolve(__dirname, "..", "..", "..");

function render(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/render.ts", ...args],
    {
      cwd: REPO,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run render", function () {
  // Each case spawns ts-node (a few seconds each on an idle 2-core machine, much more under load).
  this.timeout(240_000);

  it("a configuration-item change renders as skipped: [] on stdout, the reason on stderr (also with --email)", () => {
    for (const extra of [[], ["--email"]]) {
      const out = render(path.join(FIXTURES, "sns/lambda-sns-config-item-change.json"), ...extra);
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(JSON.parse(out.stdout), []);
      assert.match(
        out.stderr,
        /^render: record e0c456a9-3d4e-4b0e-9e58-9b776c96da03 skipped: AWS Config configuration-item changes are not posted/m,
      );
    }
  });

  it("--email prints the subject and the plain-text body", () => {
    const out = render(path.join(FIXTURES, "eventbridge/cloudtrail-iam-createuser-root.json"), "--email");
    assert.equal(out.code, 0, out.stderr);
    const [head, , title, underline, , severity] = out.stdout.split("\n");
    assert.equal(head, "Subject: [CRITICAL] IAM CreateUser on deploy-bot");
    assert.equal(title, "IAM CreateUser on deploy-bot");
    assert.equal(underline, "=".repeat(title.length));
    assert.equal(severity, "Severity: critical");
    assert.match(out.stdout, /\nAccount: 222222222222\n/);
    assert.match(
      out.stdout,
      /\nOpen in CloudTrail: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrail\//,
    );
  });

  it("prints the message for a raw EventBridge event, a bare SNS message and a Lambda SNS event", () => {
    for (const rel of [
      "eventbridge/remediation-revoked.json",
      "messages/cloudwatch-alarm.json",
      "sns/lambda-sns-config-compliance-noncompliant.json",
    ]) {
      const out = render(path.join(FIXTURES, rel));
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(
        JSON.parse(out.stdout),
        renderMessages(fixture(rel), { accountNames: {}, routes: [] })[0].message,
      );
    }
  });

  it("prints an array for a batch and reports skipped records on stderr", () => {
    const batch = render(path.join(FIXTURES, "sns/lambda-sns-eventbridge-batch.json"));
    assert.equal(batch.code, 0);
    assert.equal(JSON.parse(batch.stdout).length, 3);
    const skipped = render(path.join(FIXTURES, "sns/lambda-sns-config-snapshot-delivery.json"));
    assert.equal(skipped.code, 0);
    assert.deepEqual(JSON.parse(skipped.stdout), []);
    assert.match(
      skipped.stderr,
      /record f1d567ba-4e5f-4c1f-8f69-0c887da7eb14 skipped: AWS Config ConfigurationSnapshotDeliveryCompleted/,
    );
  });

  it("uses account names from --settings", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    const file = path.join(dir, "settings.json");
    fs.writeFileSync(file, JSON.stringify({ accountNames: { "444444444444": "web" }, routes: [] }));
    const out = render(path.join(FIXTURES, "messages/cloudwatch-alarm.json"), "--settings", file);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(
      JSON.parse(out.stdout).text,
      "[high] :red_circle: ALARM: security-group-changes in web (444444444444) ap-northeast-2",
    );
  });

  it("exits 1 with a clear message for truncated JSON, a missing file, empty Records and no argument", () => {
    const truncated = path.join(FIXTURES, "malformed/truncated-eventbridge-event.json.partial");
    const t = render(truncated);
    assert.equal(t.code, 1);
    assert.equal(t.stdout, "");
    assert.match(
      t.stderr,
      new RegExp(
        `^render: event file ${truncated.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: `,
      ),
    );
    const missing = render("/nonexistent/event.json");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^render: cannot read event file \/nonexistent\/event.json: ENOENT/);
    const empty = render(path.join(FIXTURES, "malformed/sns-empty-records.json"));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /cannot be rendered: the event's Records array is empty/);
    const none = render();
    assert.equal(none.code, 1);
    assert.match(none.stderr, /usage: npm run render -- FILE/);
  });

  it("renders malformed-but-readable events with the problems on stderr", () => {
    const out = render(path.join(FIXTURES, "malformed/eventbridge-cloudtrail-missing-fields.json"));
    assert.equal(out.code, 0);
    assert.match(out.stderr, /is incomplete: detail.eventID is missing; detail.userIdentity.type is missing/);
    assert.equal(JSON.parse(out.stdout).attachments[0].color, "#9E9E9E");
  });
});
