// The notifier as deployed in Slack app mode: the package built (as CallbackFunction serializes
// it) from the repo's hub stack file with slackChannels added, run in a separate node process with
// only the AWS SDK on NODE_PATH. The bot token is KMS ciphertext decrypted with moto's KMS, the
// alert threads table is in moto's DynamoDB, the Web API is the local Slack stand-in. An alert is
// posted with chat.postMessage, its remediation report goes to its thread and rewrites its header.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import { createSeenTable } from "../../helpers/seenTable";
import { buildLambdas } from "../../../verify/lambdaPackages";
import { fixture } from "./fixtures";

const FUNCTION = "security-guard-notifier";
const REPO = path.resolve(__dirname, "..", "..", "..");

describe("notifier as deployed in Slack app mode (built package, separate process, moto + Slack stand-in)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let fnDir: string;

  before(async function () {
    this.timeout(600_000);
    // The repo's hub stack file plus app mode: the token itself is a secret the file does not
    // hold (the build runs with a stand-in, as `npm run plan` does).
    const hub = parse(fs.readFileSync(path.join(REPO, "Pulumi.hub.yaml"), "utf8"));
    hub.config["security-guard:slackChannels"] = { default: "C0SECURITY", payments: "C0PAYMENTS" };
    const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-app-stack-"));
    const stackFile = path.join(stackDir, "Pulumi.hub.yaml");
    fs.writeFileSync(stackFile, stringify(hub));
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-app-lambdas-"));
    const manifest = await buildLambdas(outDir, [stackFile]);
    const fn = manifest.functions.find((f) => f.function === FUNCTION);
    assert.ok(fn, `${FUNCTION} is in the manifest`);
    assert.deepEqual(
      [...fn.environment].sort(),
      ["SLACK_BOT_TOKEN_CIPHERTEXT", "SLACK_WEBHOOKS_CIPHERTEXT"],
      "the token arrives as ciphertext",
    );
    assert.ok(
      !fn.packages.some((p) => p.startsWith("@pulumi") || p.startsWith("@aws-sdk")),
      `packages: ${fn.packages}`,
    );
    fnDir = fn.dir;
  });

  it("posts the alert, threads the remediation report and updates the alert's header", async () => {
    await createSeenTable("security-guard-alert-threads");
    const encrypt = (plain: string) => ciphertextFor(FUNCTION, plain);
    const env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_API_BASE_URL: slack.apiUrl(),
      SLACK_BOT_TOKEN_CIPHERTEXT: await encrypt(TEST_BOT_TOKEN),
      // App mode never loads the webhooks: a webhook here would be posted to and show up below.
      SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(JSON.stringify({ default: slack.url("/services/default") })),
    };
    const { results, stdout, stderr } = await invokeDeployed(
      fnDir,
      [
        fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
        fixture("eventbridge/remediation-revoked.json"),
      ],
      env,
    );
    const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.deepEqual(
      results.map((r) => [r.ok, (r.value as { posted?: number })?.posted]),
      [
        [true, 1],
        [true, 1],
      ],
      diag,
    );
    assert.deepEqual(slack.delivered("/services/default"), [], "nothing went to a webhook");
    assert.deepEqual(
      slack.apiCalls().map((c) => [c.method, c.token, c.args.channel, c.status]),
      [
        ["chat.postMessage", TEST_BOT_TOKEN, "C0PAYMENTS", 200],
        ["chat.postMessage", TEST_BOT_TOKEN, "C0PAYMENTS", 200],
        ["chat.update", TEST_BOT_TOKEN, "C0PAYMENTS", 200],
      ],
      diag,
    );
    const [alert, reply] = slack.messages("C0PAYMENTS");
    assert.equal(reply.thread_ts, alert.ts);
    const blocks = (
      alert.attachments as Array<{ blocks: Array<{ type: string; text?: { text: string } }> }>
    )[0].blocks;
    assert.deepEqual(blocks[0], {
      type: "header",
      text: { type: "plain_text", text: "SSH closed automatically 7 s after it was opened", emoji: false },
    });
  });
});
