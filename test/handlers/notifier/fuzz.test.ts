// The notifier's fuzz suite: 1,200 seeded cases (fuzz.ts: mutations of every event fixture) run
// through the deployed package (npm run lambdas form, one process for all cases, like one warm
// container) against the local Slack stand-in. It fails on an unexpected exception, a hang, a
// record neither posted, skipped nor handed back for retry with a log line, a payload over any
// Slack limit, or a JavaScript artefact (undefined, [object Object], function source, =null) in a
// payload. Set FUZZ_SEED to explore other seeds; failures name the case to replay.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { SlackServer, startSlackServer } from "../../helpers/slackServer";
import { FuzzCase, fuzzCase } from "./fuzz";
import { artefacts, slackLimitViolations } from "./slackChecks";

const FUNCTION = "security-guard-notifier";
const CASES = 1200;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const routes: Array<{ webhook: string }> = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config["security-guard:slackRoutes"];

type Line = Record<string, unknown>;

/** What the logs say happened to each record id of one invocation. */
function accounted(lines: Line[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const l of lines) {
    if (l.message === "posted to Slack" || l.message === "record skipped")
      seen.set(String(l.recordId), String(l.message));
    if (l.message === "posted digest to Slack")
      for (const id of l.recordIds as string[]) seen.set(id, "digest");
  }
  return seen;
}

function problemsOf(
  c: FuzzCase,
  result: { ok: boolean; value?: unknown; error?: string },
  lines: Line[],
): string[] {
  const out: string[] = [];
  if (c.sqsIds.length) {
    if (!result.ok) return [`SQS batch threw ${result.error}`];
    const retry = new Set(
      (
        (result.value as { batchItemFailures?: Array<{ itemIdentifier: string }> }).batchItemFailures ?? []
      ).map((f) => f.itemIdentifier),
    );
    const done = accounted(lines);
    for (const id of c.sqsIds) {
      if (retry.has(id)) {
        if (!lines.some((l) => l.level === "error" && JSON.stringify(l).includes(id)))
          out.push(`${id} retried without a log line`);
      } else if (!done.has(id)) out.push(`${id} neither posted, skipped nor retried`);
    }
    return out;
  }
  if (!result.ok) {
    if (!/^(NotifierInputError|NotifierDeliveryError): /.test(result.error ?? ""))
      out.push(`threw ${result.error}`);
    if (!lines.some((l) => l.level === "error")) out.push("threw without an error log line");
    return out;
  }
  const v = result.value as { records: number; posted: number; skipped: number; failed: number };
  if (v.posted + v.skipped !== c.records || v.failed)
    out.push(`result ${JSON.stringify(v)} for ${c.records} record(s)`);
  return out;
}

describe("notifier fuzz (deployed package, Slack stand-in)", function () {
  this.timeout(300_000);
  let fnDir: string;
  let slack: SlackServer;

  before(async function () {
    slack = await startSlackServer();
    const { manifest } = await buildDeployedPackages({ grouping: false });
    fnDir = manifest.functions.find((f) => f.function === FUNCTION)!.dir;
  });
  after(async () => slack?.stop());

  it(`${CASES} seeded cases (seed ${SEED}): nothing thrown unexpectedly, lost, over a limit or showing a JS artefact`, async () => {
    const cases = Array.from({ length: CASES }, (_, n) => fuzzCase(SEED, n));
    const hooks: Record<string, string> = { default: slack.url("/services/default") };
    for (const r of routes) hooks[r.webhook] = slack.url(`/services/${r.webhook}`);
    slack.reset();
    const { results, stdout, stderr } = await invokeDeployed(
      fnDir,
      cases.map((c) => c.event),
      { LOCAL_RUN: "1", SLACK_WEBHOOKS: JSON.stringify(hooks) },
      { timeoutMs: 240_000 },
    );
    assert.equal(results.length, CASES);
    const byRequest = new Map<string, Line[]>();
    for (const raw of `${stdout}\n${stderr}`.split("\n")) {
      if (!raw.startsWith("{")) continue;
      const l = JSON.parse(raw) as Line;
      const id = String(l.requestId);
      byRequest.set(id, [...(byRequest.get(id) ?? []), l]);
    }
    const failures: string[] = [];
    let posts = 0;
    cases.forEach((c, i) => {
      const requestId = [...byRequest.keys()].find((k) => k.startsWith(`req-${i + 1}-`)) ?? `req-${i + 1}-?`;
      const lines = byRequest.get(requestId) ?? [];
      posts += lines.filter((l) => String(l.message).startsWith("posted")).length;
      for (const p of problemsOf(c, results[i], lines)) failures.push(`case ${i} (seed ${SEED}): ${p}`);
    });
    const delivered = slack.delivered();
    assert.equal(delivered.length, posts, "every post the logs report reached Slack, and no other");
    delivered.forEach((d, i) => {
      for (const p of [...slackLimitViolations(d.json), ...artefacts(d.json)])
        failures.push(`post ${i}: ${p}`);
    });
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failure(s)`);
    // The suite exercises what it claims: posts, skips, digests, retries and unreadable records.
    const all = [...byRequest.values()].flat();
    for (const m of [
      "posted to Slack",
      "posted digest to Slack",
      "record skipped",
      "event is incomplete or unreadable; posting what could be read",
    ])
      assert.ok(
        all.some((l) => l.message === m),
        `no "${m}" in ${CASES} cases`,
      );
  });
});
