// Notifier throughput under Slack's incoming-webhook limit (about one message per second per
// webhook, short bursts allowed; beyond that 429 with Retry-After): a burst of 1,000 real-shaped
// events (the fixtures of test/fixtures/events, each copy with its own ids) through the real handler
// (createNotifierHandler, LOCAL_RUN=1, SLACK_WEBHOOKS pointing at the local Slack server on
// 127.0.0.1 with limit({ perSecond: 1, burst: 3 })).
//
// - "one post per event": the former wiring (SNS -> Lambda, one invocation per event). Run for a
//   bounded window, then the drain time of the whole burst is extrapolated from the measured rate.
// - "digest via SQS batches of 100": the current wiring (SNS -> SQS -> event source mapping). The
//   same events as SQS batches of 100, processed as the mapping would (NOTIFIER_MAX_CONCURRENCY
//   batches at a time, records named in batchItemFailures go back to the queue), measured for real
//   until the queue is empty.
//
// Events represented are counted in what Slack accepted (2xx): an event counts when its id (the one
// its message or digest line shows) appears in a delivered payload. Lost = events - represented.
//
// Run alone: npx ts-node --transpile-only bench/notifierThroughput.ts [--events N] [--quick]
import { createNotifierHandler, NotifierSettings, renderMessages } from "../handlers/notifier";
import type { SqsBatchResponse } from "../handlers/notifier";
import { startSlackServer, SlackServer } from "../test/helpers/slackServer";
import { BurstEvent, burstEvents, lambdaSnsEvent, sqsBatch } from "../test/handlers/notifier/burst";

export interface ThroughputRow {
  mode: string;
  events: number;
  posts: number;
  represented: number;
  lost: number;
  drainSeconds: number;
  measured: "measured" | "extrapolated";
  note: string;
}

/** A Lambda's longest run. */
const LAMBDA_MAX_SECONDS = 900;
/** As stacks/components/notifier.ts configures the event source mapping (not imported: it loads @pulumi/aws). */
const BATCH_SIZE = 100;
const MAX_CONCURRENCY = 2;
const MAX_RECEIVES = 5;
/** Hard stop for the digest run, whatever happens. */
const DIGEST_DEADLINE_SECONDS = 600;

const SETTINGS: NotifierSettings = {
  accountNames: {
    "111111111111": "security",
    "222222222222": "payments",
    "333333333333": "data",
    "444444444444": "web",
  },
  // One channel: a burst (an incident, a mass change) lands in one channel. Slack's limit is per
  // webhook, so routes to N channels would divide both modes' drain times by up to N.
  routes: [],
};

const BURST_ID = /b0[0-9a-f]5[0-9a-f]{4}-0000-4000-8000-[0-9a-f]{12}/g;

/** Every burst id in what Slack accepted since `since`. */
function deliveredIds(slack: SlackServer, since = 0): { ids: Set<string>; posts: number } {
  const ids = new Set<string>();
  const delivered = slack.delivered().filter((r) => r.receivedAt >= since);
  for (const r of delivered) for (const m of r.body.match(BURST_ID) ?? []) ids.add(m);
  return { ids, posts: delivered.length };
}

/** The id an event's message (or digest line) shows, for the way it is wrapped. */
function displayId(wrapped: unknown): string {
  const [r] = renderMessages(wrapped, SETTINGS);
  return r.eventId ?? r.recordId;
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = () => undefined;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

function env(slack: SlackServer): NodeJS.ProcessEnv {
  return {
    LOCAL_RUN: "1",
    SLACK_WEBHOOKS: JSON.stringify({
      default: slack.url("/services/T000/B000/default"),
      payments: slack.url("/services/T000/B000/payments"),
    }),
  };
}

/** One invocation per event (as SNS invokes a subscribed function), for `windowSeconds`, then extrapolated. */
async function onePostPerEvent(
  slack: SlackServer,
  events: BurstEvent[],
  windowSeconds: number,
): Promise<ThroughputRow> {
  slack.reset();
  slack.limit({ perSecond: 1, burst: 3 });
  const handler = createNotifierHandler(SETTINGS, env(slack));
  const start = Date.now();
  const deadline = start + windowSeconds * 1000;
  let invoked = 0;
  let failed = 0;
  // Sequential: the best case for this mode (every 429 waited out, none wasted on contention).
  await quietly(async () => {
    while (invoked < events.length && Date.now() < deadline) {
      const e = events[invoked++];
      try {
        await handler(lambdaSnsEvent(e), {
          awsRequestId: `one-${invoked}`,
          getRemainingTimeInMillis: () => 300_000,
        });
      } catch {
        failed++;
      }
    }
  });
  const elapsed = (Date.now() - start) / 1000;
  const { ids, posts } = deliveredIds(slack, start);
  const expected = events.slice(0, invoked).map((e) => displayId(lambdaSnsEvent(e)));
  const represented = expected.filter((id) => ids.has(id)).length;
  const rate = represented / elapsed;
  const drain = rate > 0 ? events.length / rate : Infinity;
  return {
    mode: "one post per event",
    events: events.length,
    posts: events.length,
    represented: events.length,
    lost: Math.round((failed / Math.max(1, invoked)) * events.length),
    drainSeconds: Math.round(drain),
    measured: "extrapolated",
    note:
      `measured ${posts} posts / ${represented} events represented / ${failed} failed invocations in ${elapsed.toFixed(1)} s ` +
      `(${rate.toFixed(2)} events/s, ${slack.requests.filter((r) => r.status === 429).length} answers 429); ` +
      `${events.length} events need ~${Math.round(drain)} s ${drain > LAMBDA_MAX_SECONDS ? ">" : "<="} ${LAMBDA_MAX_SECONDS} s`,
  };
}

/** SQS batches of 100 through the handler until the queue is empty (failed records are redelivered). */
async function digestViaSqs(slack: SlackServer, events: BurstEvent[]): Promise<ThroughputRow> {
  slack.reset();
  slack.limit({ perSecond: 1, burst: 3 });
  const handler = createNotifierHandler(SETTINGS, env(slack));
  const queue = events.map((e) => ({ e, receives: 0 }));
  const dead: BurstEvent[] = [];
  let invocations = 0;
  let redelivered = 0;
  const start = Date.now();
  const deadline = start + DIGEST_DEADLINE_SECONDS * 1000;
  const worker = async (w: number): Promise<void> => {
    while (queue.length && Date.now() < deadline) {
      const batch = queue.splice(0, BATCH_SIZE);
      batch.forEach((m) => m.receives++);
      invocations++;
      const started = Date.now();
      let failedIds: string[];
      try {
        const res = (await handler(sqsBatch(batch.map((m) => m.e)), {
          awsRequestId: `sqs-${w}-${invocations}`,
          getRemainingTimeInMillis: () => 300_000 - (Date.now() - started),
        })) as SqsBatchResponse;
        failedIds = res.batchItemFailures.map((f) => f.itemIdentifier);
      } catch {
        failedIds = batch.map((m) => m.e.sqsMessageId);
      }
      // Redelivery is immediate here; in AWS a failed record reappears after the visibility timeout.
      for (const m of batch.filter((x) => failedIds.includes(x.e.sqsMessageId))) {
        if (m.receives >= MAX_RECEIVES) dead.push(m.e);
        else {
          queue.push(m);
          redelivered++;
        }
      }
    }
  };
  await quietly(() =>
    Promise.all(Array.from({ length: MAX_CONCURRENCY }, (_, w) => worker(w))).then(() => undefined),
  );
  const elapsed = (Date.now() - start) / 1000;
  const { ids, posts } = deliveredIds(slack, start);
  const represented = events.filter((e) => ids.has(displayId(sqsBatch([e])))).length;
  return {
    mode: `digest via SQS batches of ${BATCH_SIZE}`,
    events: events.length,
    posts,
    represented,
    lost: events.length - represented,
    drainSeconds: Math.round(elapsed * 10) / 10,
    measured: "measured",
    note:
      `${invocations} invocations, ${MAX_CONCURRENCY} at a time; ${slack.requests.filter((r) => r.status === 429).length} answers 429; ` +
      `${redelivered} records redelivered, ${dead.length} to the dead-letter queue` +
      (queue.length ? `; STOPPED at ${DIGEST_DEADLINE_SECONDS} s with ${queue.length} queued` : ""),
  };
}

export async function notifierThroughput(
  opts: { events?: number; quick?: boolean } = {},
): Promise<{ rows: ThroughputRow[] }> {
  const count = opts.events ?? 1000;
  const events = burstEvents(count);
  const slack = await startSlackServer();
  try {
    const one = await onePostPerEvent(slack, events, opts.quick ? 15 : 60);
    const digest = await digestViaSqs(slack, events);
    return { rows: [one, digest] };
  } finally {
    await slack.stop();
  }
}

export function formatThroughput(rows: ThroughputRow[]): string {
  const head = ["mode", "events", "posts", "represented", "lost", "drain s", "how"];
  const body = rows.map((r) => [
    r.mode,
    String(r.events),
    String(r.posts),
    String(r.represented),
    String(r.lost),
    String(r.drainSeconds),
    r.measured,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  const out = [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
  for (const r of rows) out.push(`  ${r.mode}: ${r.note}`);
  const [one, digest] = rows;
  if (one && digest && digest.drainSeconds > 0)
    out.push(
      `ratio (one-post drain / digest drain): ${(one.drainSeconds / digest.drainSeconds).toFixed(1)}x; ` +
        `posts ${one.posts} -> ${digest.posts}`,
    );
  return out.join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--events");
  notifierThroughput({ events: at >= 0 ? Number(args[at + 1]) : undefined, quick: args.includes("--quick") })
    .then(({ rows }) => {
      console.log(formatThroughput(rows));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
