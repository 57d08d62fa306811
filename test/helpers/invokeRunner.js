// Runs in a separate node process, like a Lambda container: loads <dir>/__index.js (the package
// CallbackFunction built) and invokes its `handler` once per event, in order, in this one process.
// Input: JSON on stdin { dir, handler, events, functionName, simulatedAtMs? }. Output: one line
// "__RESULTS__<json>" (each result with the invocation's duration in ms and its start, epoch ms).
//
// simulatedAtMs (one per event: when it happens in the simulated time of a replayed day): the
// monotonic clock (performance.now) moves by the simulated time between two invocations' starts
// when that is longer than the real time between them, so state kept across invocations on that
// clock (the Slack pacer's budget) is as it would be after the real pause. Date.now and timers are
// untouched.
"use strict";
const path = require("path");

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const { dir, handler, events, functionName, remainingMs, nodeMajor, simulatedAtMs } = JSON.parse(
    Buffer.concat(chunks).toString("utf8"),
  );
  const realNow = performance.now.bind(performance);
  let offset = 0;
  let previous;
  if (simulatedAtMs) performance.now = () => realNow() + offset;
  const advanceClock = (n) => {
    if (!simulatedAtMs) return;
    const real = realNow();
    const sim = simulatedAtMs[n - 1];
    if (previous) offset += Math.max(0, sim - previous.sim - (real - previous.real));
    previous = { real, sim };
  };
  const [file, exportName] = handler.split(".");
  const results = [];
  let fn;
  try {
    fn = require(path.join(dir, file + ".js"))[exportName];
    if (typeof fn !== "function") throw new Error(`${handler} is not a function`);
    // Lambda's Node.js 24 runtime and later refuse callback-style handlers at init
    // (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html): a handler declaring a
    // third (callback) parameter fails here as it would there.
    if (nodeMajor >= 24 && fn.length >= 3)
      throw new Error(
        `Runtime.CallbackHandlerDeprecated: ${handler} takes ${fn.length} parameters; Node.js ${nodeMajor} runtimes accept only async (event, context) handlers`,
      );
  } catch (err) {
    results.push({ ok: false, error: `init: ${err && err.stack ? err.stack : err}` });
    process.stdout.write("\n__RESULTS__" + JSON.stringify(results) + "\n");
    return;
  }
  let n = 0;
  for (const event of events) {
    n += 1;
    // A fixed 30 s unless the caller gives a budget (one for all, or one per event): then the clock
    // runs down as in Lambda.
    const budget = Array.isArray(remainingMs) ? remainingMs[n - 1] : remainingMs;
    advanceClock(n);
    const endsAt = Date.now() + (budget ?? 30000);
    const context = {
      awsRequestId: `req-${n}-${process.pid}`,
      functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
      getRemainingTimeInMillis: () => (budget === undefined ? 30000 : Math.max(0, endsAt - Date.now())),
    };
    const started = Date.now();
    try {
      const value = await fn(event, context);
      results.push({
        ok: true,
        value: value === undefined ? null : value,
        ms: Date.now() - started,
        at: started,
      });
    } catch (err) {
      results.push({
        ok: false,
        error: err && err.message ? `${err.name}: ${err.message}` : String(err),
        ms: Date.now() - started,
        at: started,
      });
    }
  }
  process.stdout.write("\n__RESULTS__" + JSON.stringify(results) + "\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
