// The notifier's one AWS call, the KMS Decrypt of its webhook map, has a deadline taken from the
// Lambda's remaining time: run as deployed (separate process, a clock that runs down from 4 s) with
// a proxy in front of moto that never answers Decrypt, the function answers before its timeout,
// logs why, and hands every record back for retry. The next invocation in the same container
// decrypts (the failure was not cached) and posts.
import { strict as assert } from "assert";
import { ciphertextFor } from "../../helpers/kms";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { useSlackServer } from "../../helpers/slackServer";
import { startFaultProxy } from "../remediator/faultProxy";
import { burstEvents, lambdaSnsEvent, sqsBatch } from "./burst";

const FUNCTION = "security-guard-notifier";
/** What the fake Lambda clock starts from; the handler keeps 1 s back to report. */
const REMAINING_MS = 4000;

describe("notifier deadline: a hung KMS Decrypt (deployed package, proxy in front of moto)", function () {
  this.timeout(120_000);
  const moto = useMoto();
  let fnDir: string;
  const slack = useSlackServer();

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages({ grouping: false });
    fnDir = manifest.functions.find((f) => f.function === FUNCTION)!.dir;
  });

  const ciphertext = () =>
    ciphertextFor(FUNCTION, JSON.stringify({ default: slack.url("/services/deadline") }));

  it("returns the SQS batch for retry, throws for SNS, in time, with a log line; then recovers", async () => {
    slack.reset();
    const events = burstEvents(3);
    // The first two Decrypts hang (never answered); the third goes through to moto.
    const proxy = await startFaultProxy(moto().endpoint, [{ action: "Decrypt", times: 2, hang: true }]);
    try {
      const started = Date.now();
      const { results, stderr } = await invokeDeployed(
        fnDir,
        [sqsBatch(events.slice(0, 2)), lambdaSnsEvent(events[2]), sqsBatch(events.slice(0, 2))],
        {
          ...moto().env,
          AWS_ENDPOINT_URL: proxy.url,
          LOCAL_RUN: "1",
          SLACK_WEBHOOKS_CIPHERTEXT: await ciphertext(),
        },
        { remainingMs: [REMAINING_MS, REMAINING_MS, 30_000], timeoutMs: 30_000 },
      );
      const elapsed = Date.now() - started;
      const diag = `stderr:\n${stderr}`;
      // Each of the two hung invocations gave up about 1 s before its 4 s ran out.
      assert.ok(elapsed < 2 * REMAINING_MS + 4000, `took ${elapsed} ms\n${diag}`);
      assert.deepEqual(
        results[0],
        {
          ok: true,
          value: { batchItemFailures: events.slice(0, 2).map((e) => ({ itemIdentifier: e.sqsMessageId })) },
        },
        diag,
      );
      assert.equal(results[1].ok, false, diag);
      assert.match(results[1].error ?? "", /^DeadlineExceeded: KMS Decrypt did not answer within \d+ ms$/);
      assert.deepEqual(results[2], { ok: true, value: { batchItemFailures: [] } }, diag);
      assert.equal(proxy.counts.Decrypt, 3);

      const lines = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const hung = lines.filter((l) => l.message === "cannot load Slack webhooks; no record was posted");
      assert.equal(hung.length, 2, diag);
      for (const l of hung) {
        assert.match(String(l.error), /^DeadlineExceeded: KMS Decrypt did not answer within \d+ ms$/);
        const ms = Number(/within (\d+) ms/.exec(String(l.error))![1]);
        assert.ok(ms > REMAINING_MS - 1500 && ms <= REMAINING_MS - 1000, `budget ${ms} ms`);
      }
      assert.deepEqual(
        hung[0].records,
        events.slice(0, 2).map((e) => e.sqsMessageId),
      );
      const redeliver = lines.find(
        (l) => l.message === "notifier batch partly failed; SQS will redeliver the failed records",
      );
      assert.deepEqual(
        redeliver?.failed,
        events.slice(0, 2).map((e) => e.sqsMessageId),
      );
      // Only the recovered invocation posted: both records, once each.
      assert.equal(slack.delivered().length, 2);
    } finally {
      await proxy.close();
    }
  });
});
