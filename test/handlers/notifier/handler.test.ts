// The handler end to end in this process: webhooks from env (plain with LOCAL_RUN=1, or KMS
// ciphertext decrypted by moto), routing to named webhooks on the local Slack server, batches,
// partial failure, malformed input and its logs.
import { strict as assert } from "assert";
import { jsonErrorMeaning } from "../../helpers/jsonError";
import { ciphertextFor } from "../../helpers/kms";
import {
  NotifierDeliveryError,
  NotifierResponse,
  NotifierResult,
  NotifierSettings,
  createNotifierHandler,
  renderMessages,
} from "../../../handlers/notifier";
import { useLocalWebhooks } from "../../helpers/localWebhooks";
import { useMoto } from "../../helpers/moto";
import { fixture, contextTexts } from "./fixtures";

const FUNCTION_NAME = "security-guard-notifier";
const settings: NotifierSettings = {
  accountNames: { "222222222222": "payments" },
  routes: [{ webhook: "payments", accounts: ["222222222222"] }],
  delivery: { maxAttempts: 3, baseDelayMs: 5, timeoutMs: 300, maxRetryAfterSeconds: 2 },
};
const ctx = { awsRequestId: "req-1" };

/** The handler's result for a non-SQS event (SQS events return a partial batch response). */
async function resultOf(p: Promise<NotifierResponse>): Promise<NotifierResult> {
  return (await p) as NotifierResult;
}

describe("notifier handler", () => {
  const { slack, local } = useLocalWebhooks();

  it("posts every record of an SNS batch in order, routed by account, exactly as rendered", async () => {
    const event = fixture("sns/lambda-sns-eventbridge-batch.json");
    const result = await resultOf(createNotifierHandler(settings, local.env)(event, ctx));
    assert.deepEqual(
      { records: result.records, posted: result.posted, skipped: result.skipped, failed: result.failed },
      { records: 3, posted: 3, skipped: 0, failed: 0 },
    );
    assert.deepEqual(
      slack.delivered().map((r) => r.path),
      ["/services/payments", "/services/payments", "/services/default"],
    );
    assert.deepEqual(
      slack.posts(),
      renderMessages(event, settings).map((r) => r.message),
    );
    const posted = local.logs.lines.filter((l) => l.message === "posted to Slack");
    assert.deepEqual(
      posted.map((l) => [l.recordId, l.eventId, l.webhook]),
      [
        ["b7f123d6-0a1b-4edb-8b25-6e443f63ad70", "b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c", "payments"],
        ["c8a234e7-1b2c-4fec-9c36-7f554a74be81", "e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f", "payments"],
        ["d9b345f8-2c3d-4afd-8d47-8a665b85cf92", "8e9f0a1b-2c3d-4e4f-5a6b-7c8d9e0f1a2b", "default"],
      ],
    );
  });

  it("accepts a raw EventBridge event and an SQS batch", async () => {
    const handler = createNotifierHandler(settings, local.env);
    const one = await resultOf(
      handler(fixture("eventbridge/config-compliance-change-noncompliant.json"), ctx),
    );
    assert.equal(one.posted, 1);
    // SQS: the partial batch response, with nothing to retry.
    const sqs = await handler(fixture("sqs/lambda-sqs-batch.json"), ctx);
    assert.deepEqual(sqs, { batchItemFailures: [] });
    assert.equal(slack.delivered().length, 3);
    const done = local.logs.lines.filter((l) => l.message === "notifier done").at(-1)!;
    assert.deepEqual([done.records, done.posted, done.messages], [2, 2, 2]);
  });

  it("retries a 500 and reports the attempts", async () => {
    slack.reply({ status: 500 });
    const result = await resultOf(
      createNotifierHandler(settings, local.env)(fixture("sns/lambda-sns-cloudwatch-alarm.json"), ctx),
    );
    assert.deepEqual(result.outcomes, [
      {
        recordId: "a6e012c5-ff09-5dca-0a14-5d332e52fc6f",
        eventId: "a6e012c5-ff09-5dca-0a14-5d332e52fc6f",
        kind: "alarm",
        webhook: "default",
        status: "posted",
        attempts: 2,
      },
    ]);
    assert.equal(slack.requests.length, 2);
  });

  it("a partial batch failure posts the rest, local.logs every failure and what was posted, then throws", async () => {
    slack.reply({ status: 200 }, { status: 404, body: "channel_not_found" });
    const handler = createNotifierHandler(settings, local.env);
    await assert.rejects(
      handler(fixture("sns/lambda-sns-eventbridge-batch.json"), ctx),
      (err: NotifierDeliveryError) => {
        assert.equal(err.name, "NotifierDeliveryError");
        assert.equal(
          err.message,
          "1 of 3 record(s) failed to post to Slack (c8a234e7-1b2c-4fec-9c36-7f554a74be81); 2 posted",
        );
        assert.deepEqual(
          err.result.outcomes.map((o) => o.status),
          ["posted", "failed", "posted"],
        );
        return true;
      },
    );
    assert.equal(slack.delivered().length, 2);
    const failure = local.logs.lines.find((l) => l.message === "Slack post failed after retries")!;
    assert.equal(failure.level, "error");
    assert.equal(failure.recordId, "c8a234e7-1b2c-4fec-9c36-7f554a74be81");
    assert.equal(failure.eventId, "e0d4b3f5-6a7c-4b8d-0e9f-1a2b3c4d5e6f");
    assert.match(String(failure.error), /Slack answered 404: channel_not_found/);
    const summary = local.logs.lines.find(
      (l) => l.message === "notifier batch partly failed; Lambda will retry the whole event",
    )!;
    assert.deepEqual(summary.alreadyPosted, [
      "b7f123d6-0a1b-4edb-8b25-6e443f63ad70",
      "d9b345f8-2c3d-4afd-8d47-8a665b85cf92",
    ]);
  });

  it("throws after the last retry so Lambda's async retry and the DLQ keep the event", async () => {
    slack.reply({ status: 500 }, { status: 502 }, { status: 503 });
    await assert.rejects(
      createNotifierHandler(settings, local.env)(fixture("eventbridge/remediation-revoked.json"), ctx),
      {
        name: "NotifierDeliveryError",
        message: "1 of 1 record(s) failed to post to Slack (a0b1c2d3-e4f5-4a6b-7c8d-9e0f1a2b3c4d); 0 posted",
      },
    );
    assert.equal(slack.requests.length, 3);
    assert.equal(slack.delivered().length, 0);
  });

  it("a truncated SNS message posts a fallback and local.logs an error with the message id", async () => {
    const result = await resultOf(
      createNotifierHandler(settings, local.env)(fixture("malformed/sns-truncated-message.json"), ctx),
    );
    assert.equal(result.posted, 1);
    const [post] = slack.posts() as Array<{ text: string }>;
    assert.equal(
      jsonErrorMeaning(post.text),
      "[medium] Unreadable notification (the message body is not valid JSON (…position 180…))",
    );
    const err = local.logs.lines.find((l) => l.level === "error")!;
    assert.equal(err.message, "event is incomplete or unreadable; posting what could be read");
    assert.equal(err.eventId, "0b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e");
    assert.deepEqual((err.problems as string[]).map(jsonErrorMeaning), [
      "the message body is not valid JSON (…position 180…)",
    ]);
  });

  it("empty Records: local.logs an error with the request id and throws; nothing is posted", async () => {
    await assert.rejects(
      createNotifierHandler(settings, local.env)(fixture("malformed/sns-empty-records.json"), ctx),
      {
        name: "NotifierInputError",
        message: "the event's Records array is empty: there is nothing to notify",
      },
    );
    assert.equal(slack.requests.length, 0);
    assert.deepEqual(local.logs.lines[0], {
      level: "error",
      message: "notifier received an unusable event",
      requestId: "req-1",
      eventId: "req-1",
      error: "NotifierInputError: the event's Records array is empty: there is nothing to notify",
    });
  });

  it("skipped Config delivery notices are logged and counted, not posted", async () => {
    const result = await resultOf(
      createNotifierHandler(settings, local.env)(
        fixture("sns/lambda-sns-config-snapshot-delivery.json"),
        ctx,
      ),
    );
    assert.deepEqual([result.posted, result.skipped], [0, 1]);
    assert.equal(slack.requests.length, 0);
    const skip = local.logs.lines.find((l) => l.message === "record skipped")!;
    assert.equal(skip.eventId, "f1d567ba-4e5f-4c1f-8f69-0c887da7eb14");
  });

  it("a route naming an unconfigured webhook falls back to default with a visible note", async () => {
    const s: NotifierSettings = { ...settings, routes: [{ webhook: "security-team", kinds: ["alarm"] }] };
    await createNotifierHandler(s, local.env)(fixture("messages/cloudwatch-alarm.json"), ctx);
    assert.deepEqual(
      slack.delivered().map((r) => r.path),
      ["/services/default"],
    );
    const post = slack.posts()[0] as Parameters<typeof contextTexts>[0];
    assert.equal(
      contextTexts(post).at(-1),
      ':warning: Routed to the default channel: webhook "security-team" is not configured in SLACK_WEBHOOKS_CIPHERTEXT.',
    );
  });

  it("refuses a plaintext webhook map outside local runs, without posting", async () => {
    delete local.env.LOCAL_RUN;
    await assert.rejects(
      createNotifierHandler(settings, local.env)(fixture("messages/cloudwatch-alarm.json"), ctx),
      {
        name: "SecretError",
        message:
          /SLACK_WEBHOOKS holds a plaintext secret, which is accepted only for local runs \(LOCAL_RUN=1\)/,
      },
    );
    assert.equal(slack.requests.length, 0);
  });

  it("rejects invalid settings when the container starts", () => {
    assert.throws(
      () =>
        createNotifierHandler(
          { accountNames: {}, routes: [{ webhook: "x", kinds: ["nope" as never] }] },
          local.env,
        ),
      /invalid notifier settings: routes\[0\].kinds: "nope" is not one of/,
    );
  });

  describe("with the webhook map as KMS ciphertext (moto)", () => {
    const moto = useMoto();

    const encrypt = (plaintext: string, functionName: string) => ciphertextFor(functionName, plaintext);

    it("decrypts with the LambdaFunctionName context once per container", async () => {
      assert.ok(moto().endpoint.startsWith("http://127.0.0.1:"));
      const hooks = JSON.stringify({ default: slack.url("/services/kms-default") });
      const kmsEnv: NodeJS.ProcessEnv = {
        LOCAL_RUN: "1",
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(hooks, FUNCTION_NAME),
      };
      const handler = createNotifierHandler(settings, kmsEnv);
      await handler(fixture("messages/cloudwatch-alarm.json"), ctx);
      // A second decrypt would now fail: the cached value must be used.
      kmsEnv.SLACK_WEBHOOKS_CIPHERTEXT = Buffer.from("not a ciphertext").toString("base64");
      await handler(fixture("messages/cloudwatch-alarm-ok.json"), ctx);
      assert.deepEqual(
        slack.delivered().map((r) => r.path),
        ["/services/kms-default", "/services/kms-default"],
      );
    });

    it("fails clearly when the ciphertext was made for another function's context", async () => {
      const hooks = JSON.stringify({ default: slack.url("/services/kms-default") });
      const handler = createNotifierHandler(settings, {
        LOCAL_RUN: "1",
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(hooks, "security-guard-remediator"),
      });
      await assert.rejects(handler(fixture("messages/cloudwatch-alarm.json"), ctx), {
        name: "SecretError",
        message:
          /could not decrypt secret with encryption context LambdaFunctionName=security-guard-notifier: InvalidCiphertextException/,
      });
      assert.equal(slack.requests.length, 0);
      const err = local.logs.lines.find(
        (l) => l.message === "cannot load Slack webhooks; no record was posted",
      )!;
      assert.equal(err.eventId, "req-1");
    });

    it("validates the decrypted map (an http URL is refused outside local runs)", async () => {
      const handler = createNotifierHandler(settings, {
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(JSON.stringify({ default: slack.url("/x") }), FUNCTION_NAME),
      });
      await assert.rejects(handler(fixture("messages/cloudwatch-alarm.json"), ctx), {
        name: "WebhookConfigError",
        message:
          'SLACK_WEBHOOKS_CIPHERTEXT (decrypted): webhook "default" is an http://127.0.0.1 URL, allowed only for local runs (LOCAL_RUN=1)',
      });
    });
  });
});
