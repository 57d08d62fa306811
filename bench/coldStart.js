// Runs in a fresh node process, like a new Lambda container: loads a deployed package
// (<dir>/__index.js, as `npm run lambdas` wrote it) and, in "ack" mode, answers one signed Slack
// `help` command (answered without any AWS call), then WARM more. Plain JavaScript on purpose: no
// ts-node in this process. Times are from process start (performance.timeOrigin).
// Input: env BENCH_DIR, BENCH_MODE ("ack" | "require"), BENCH_WARM, SLACK_SIGNING_SECRET.
// Output: one line "__COLD__<json>" on stdout.
"use strict";
const bootMs = performance.now();
const { createHmac } = require("crypto");
const path = require("path");

function signedHelp(secret, n) {
  const body = new URLSearchParams({
    team_id: "T0001",
    channel_id: "C0001",
    user_id: "U2CERLKJA",
    user_name: "bench",
    command: "/guard",
    text: "help",
    response_url: "https://hooks.slack.com/commands/T0001/1/bench",
    trigger_id: `1.2.${n}`,
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = "v0=" + createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
  return {
    version: "2.0",
    routeKey: "POST /slack/command",
    rawPath: "/slack/command",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": ts,
      "x-slack-signature": signature,
    },
    requestContext: { requestId: `bench-${n}`, http: { method: "POST", path: "/slack/command" } },
    body,
    isBase64Encoded: false,
  };
}

async function main() {
  const { BENCH_DIR: dir, BENCH_MODE: mode, SLACK_SIGNING_SECRET: secret } = process.env;
  const warm = Number(process.env.BENCH_WARM ?? 1000);
  const first = mode === "ack" ? signedHelp(secret, 0) : undefined;
  const prepMs = performance.now() - bootMs;
  const t0 = performance.now();
  const handler = require(path.join(dir, "__index.js")).handler;
  const requireMs = performance.now() - t0;
  if (typeof handler !== "function") throw new Error(`${dir}/__index.js: handler is not a function`);
  const out = { bootMs, prepMs, requireMs, coldMs: performance.now() };
  if (mode === "ack") {
    const t1 = performance.now();
    const res = await handler(first, {});
    out.firstInvokeMs = performance.now() - t1;
    out.coldMs = performance.now();
    if (res.statusCode !== 200 || !/\/guard/.test(res.body))
      throw new Error(`unexpected first response: ${JSON.stringify(res)}`);
    const events = Array.from({ length: warm }, (_, i) => signedHelp(secret, i + 1));
    const times = [];
    for (const e of events) {
      const t = process.hrtime.bigint();
      const r = await handler(e, {});
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.statusCode !== 200) throw new Error(`unexpected response: ${JSON.stringify(r)}`);
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
    out.warm = { n: times.length, p50: q(0.5), p99: q(0.99), max: times[times.length - 1] };
  }
  process.stdout.write(`\n__COLD__${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
