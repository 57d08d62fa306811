// The notifier as deployed: the package `npm run lambdas` writes for the hub stack (Pulumi.hub.yaml),
// run in a separate node process with only the AWS SDK on NODE_PATH (one process = one container),
// decrypting its webhook map with moto's KMS and posting to the local Slack server. Settings come
// from the serialized closure (the hub's accountNames and slackRoutes). A counting proxy in front
// of moto shows the webhook secret is decrypted once per container.
import { strict as assert } from "assert";
import { jsonErrorMeaning } from "../../helpers/jsonError";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { AddressInfo } from "net";
import { parse } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { COLORS } from "../../../handlers/notifier";
import { fixture } from "./fixtures";
import { burstEvents, sqsBatch } from "./burst";

const FUNCTION = "security-guard-notifier";
const hubConfig = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const accountNames: Record<string, string> = hubConfig["security-guard:accountNames"];
const routes: Array<{ webhook: string; accounts?: string[] }> = hubConfig["security-guard:slackRoutes"];

/** Forwards to moto and counts KMS Decrypt calls (moto has no call counter). */
async function countingProxy(
  target: string,
): Promise<{ url: string; decrypts: () => number; close: () => Promise<void> }> {
  let decrypts = 0;
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (String(req.headers["x-amz-target"] ?? "").endsWith(".Decrypt")) decrypts++;
    const fwd = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on("error", () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    decrypts: () => decrypts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("notifier as deployed (npm run lambdas package, separate process, moto + Slack fake)", function () {
  this.timeout(120_000);
  const moto = useMoto();
  let fnDir: string;
  const slack = useSlackServer();

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages({ grouping: false });
    const fn = manifest.functions.find((f) => f.function === FUNCTION);
    assert.ok(
      fn,
      `${FUNCTION} is in the manifest (got ${manifest.functions.map((f) => f.function).join(", ")})`,
    );
    assert.ok(fn.environment.includes("SLACK_WEBHOOKS_CIPHERTEXT"), `environment: ${fn.environment}`);
    assert.ok(fn.packages.includes("axios"), `axios is packaged (packages: ${fn.packages})`);
    assert.ok(
      !fn.packages.some((p) => p.startsWith("@pulumi") || p.startsWith("@aws-sdk")),
      `packages: ${fn.packages}`,
    );
    fnDir = fn.dir;
  });
  after(async () => slack?.stop());

  it("posts one message per event kind in one container, decrypting the webhooks once, and throws for unusable input", async () => {
    const paymentsRoute = routes.find((r) => r.accounts?.length);
    assert.ok(paymentsRoute, "Pulumi.hub.yaml routes one account to a named webhook");
    const hooks = {
      default: slack.url("/services/default"),
      [paymentsRoute.webhook]: slack.url(`/services/${paymentsRoute.webhook}`),
    };
    const webhooks = await ciphertextFor(FUNCTION, JSON.stringify(hooks));
    const proxy = await countingProxy(moto().endpoint);
    const events = [
      fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      fixture("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json"),
      fixture("sns/lambda-sns-config-compliance-noncompliant.json"),
      fixture("sns/lambda-sns-cloudwatch-alarm.json"),
      fixture("eventbridge/cloudwatch-alarm-state-change-ok.json"),
      fixture("eventbridge/remediation-revoked.json"),
      fixture("eventbridge/unknown-macie-finding.json"),
      fixture("malformed/sns-truncated-message.json"),
      fixture("malformed/sns-empty-records.json"),
    ];
    try {
      const { results, stdout, stderr } = await invokeDeployed(fnDir, events, {
        ...moto().env,
        AWS_ENDPOINT_URL: proxy.url,
        LOCAL_RUN: "1",
        SLACK_WEBHOOKS_CIPHERTEXT: webhooks,
      });
      const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true, true, true, true, true, true, false],
        diag,
      );
      assert.equal(
        results[8].error,
        "NotifierInputError: the event's Records array is empty: there is nothing to notify",
      );
      assert.deepEqual(
        results.slice(0, 8).map((r) => (r.value as { posted: number }).posted),
        [1, 1, 1, 1, 1, 1, 1, 1],
      );
      assert.equal(proxy.decrypts(), 1, "decrypted once for the whole container");

      const posts = slack.delivered().map((r) => ({
        path: r.path,
        json: r.json as { text: string; attachments: Array<{ color: string }> },
      }));
      assert.equal(accountNames["222222222222"], "payments");
      assert.deepEqual(
        posts.map((p) => [p.path, p.json.attachments[0].color, jsonErrorMeaning(p.json.text)]),
        [
          [
            `/services/${paymentsRoute.webhook}`,
            COLORS.danger,
            "[critical] :red_circle: EC2 AuthorizeSecurityGroupIngress on sg-0a1b2c3d4e5f60718 by IAM user alice in payments (222222222222) ap-northeast-2 (opens ingress to the internet)",
          ],
          [
            "/services/default",
            COLORS.neutral,
            "[high] IAM AttachRolePolicy on app-runtime by federated user dave (via IAM user ci-broker) in web (444444444444) us-east-1",
          ],
          [
            `/services/${paymentsRoute.webhook}`,
            COLORS.danger,
            "[high] :red_circle: sg-0a1b2c3d4e5f60718 is NON_COMPLIANT with restricted-ssh in payments (222222222222) ap-northeast-2",
          ],
          [
            "/services/default",
            COLORS.danger,
            "[high] :red_circle: ALARM: security-group-changes in web (444444444444) ap-northeast-2",
          ],
          [
            "/services/default",
            COLORS.good,
            "[info] OK: root-account-usage in data (333333333333) ap-northeast-1",
          ],
          [
            `/services/${paymentsRoute.webhook}`,
            COLORS.danger,
            "[high] :red_circle: Revoked SSH open to the internet on sg-0a1b2c3d4e5f60718 in payments (222222222222) ap-northeast-2",
          ],
          [
            "/services/default",
            COLORS.neutral,
            "[medium] Macie Finding from aws.macie in web (444444444444)",
          ],
          [
            "/services/default",
            COLORS.warning,
            // What the runtime's JSON.parse says differs between Node versions; its position does not.
            "[medium] Unreadable notification (the message body is not valid JSON (…position 180…))",
          ],
        ],
      );
      // Structured logs carry the event ids (the Lambda's stdout/stderr go to CloudWatch Logs).
      assert.ok(stdout.includes('"eventId":"b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c"'), diag);
      assert.ok(stderr.includes('"eventId":"0b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"'), diag);
    } finally {
      await proxy.close();
    }
  });

  it("takes an SQS batch: digest for the burst, singles below the threshold, partial batch response", async () => {
    const paymentsRoute = routes.find((r) => r.accounts?.includes("222222222222"));
    assert.ok(paymentsRoute);
    const webhooks = await ciphertextFor(
      FUNCTION,
      JSON.stringify({
        default: slack.url("/services/sqs-default"),
        [paymentsRoute.webhook]: slack.url("/services/sqs-payments"),
      }),
    );
    slack.reset();
    // 12 events: 7 from payments (over the threshold of 5: one digest), 5 others (single messages).
    // Posts in record order: the digest, then the singles; the second single answers 404.
    const events = burstEvents(12);
    slack.reply({ status: 200 }, { status: 200 }, { status: 404, body: "channel_not_found" });
    const { results, stdout, stderr } = await invokeDeployed(fnDir, [sqsBatch(events)], {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS_CIPHERTEXT: webhooks,
    });
    const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.equal(results[0].ok, true, diag);
    // Burst event 2 (Tokyo revoke, account 333333333333) is the second single.
    assert.deepEqual(results[0].value, { batchItemFailures: [{ itemIdentifier: events[2].sqsMessageId }] });
    const delivered = slack.delivered();
    assert.deepEqual(
      delivered.map((r) => r.path),
      ["/services/sqs-payments", ...Array(4).fill("/services/sqs-default")],
    );
    const digest = delivered[0].json as {
      text: string;
      attachments: Array<{ blocks: Array<{ block_id?: string }> }>;
    };
    assert.equal(digest.text, ":red_circle: 7 security events (3 critical, 3 high, 1 info)");
    assert.deepEqual(
      digest.attachments[0].blocks
        .filter((b) => b.block_id)
        .map((b) => b.block_id)
        .sort(),
      [0, 3, 5, 6, 8, 9, 11].map((i) => `event:${events[i].sqsMessageId}`).sort(),
    );
    assert.match(stderr, /"message":"notifier batch partly failed; SQS will redeliver the failed records"/);
  });

  it("retries a Slack 500 and throws after giving up, so the DLQ keeps the event", async () => {
    const webhooks = await ciphertextFor(FUNCTION, JSON.stringify({ default: slack.url("/services/retry") }));
    slack.reset();
    // Default delivery settings (the stack passes none): 4 attempts, 0.5 s base backoff.
    slack.reply({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const { results, stderr } = await invokeDeployed(fnDir, [fixture("messages/cloudwatch-alarm.json")], {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS_CIPHERTEXT: webhooks,
    });
    assert.equal(results[0].ok, false);
    assert.match(
      results[0].error ?? "",
      /^NotifierDeliveryError: 1 of 1 record\(s\) failed to post to Slack/,
    );
    assert.equal(slack.requests.length, 4);
    assert.match(
      stderr,
      /"message":"Slack post failed after retries".*"error":"DeliveryError: gave up after 4 attempt\(s\): Slack answered 500: error"/,
    );
  });
  it("severity on every message; one verdict by two paths in two invocations is posted once (seen table in moto)", async () => {
    // The table the hub stack creates for the notifier (the deployed settings name it).
    await createSeenTable("security-guard-notifier-seen");
    const env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/default") }),
    };
    const eb = { ...(fixture("eventbridge/config-compliance-change-noncompliant.json") as object) };
    const sns = fixture("messages/config-compliance-change-notification.json");
    const { results, stdout, stderr } = await invokeDeployed(fnDir, [eb, sns], env);
    const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.deepEqual(
      results.map((r) => [
        r.ok,
        (r.value as { posted: number; skipped: number }).posted,
        (r.value as { skipped: number }).skipped,
      ]),
      [
        [true, 1, 0],
        [true, 0, 1],
      ],
      diag,
    );
    const posts = slack
      .delivered()
      .map((r) => r.json as { text: string; attachments: Array<{ blocks: unknown[] }> });
    assert.equal(posts.length, 1);
    assert.match(
      posts[0].text,
      /^\[high\] :red_circle: sg-0a1b2c3d4e5f60718 is NON_COMPLIANT with restricted-ssh/,
    );
    assert.deepEqual(posts[0].attachments[0].blocks[1], {
      type: "context",
      elements: [{ type: "mrkdwn", text: ":red_circle: Severity: *high*" }],
    });
    assert.match(stdout, /"message":"duplicate event held back"/, diag);
  });
});
