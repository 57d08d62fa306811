// The slash-command ack's fuzz suite: 1,200 seeded requests run through the deployed package (the
// `npm run lambdas` form, one process for all, like one warm container) against moto (KMS-encrypted
// signing secret, the DynamoDB replay table, the SNS topic read back through an SQS probe), then
// every command it accepted is handed to the deployed worker, which must reply at the Slack
// stand-in's response_url. Requests: correctly signed commands with hostile field values (JavaScript
// names, unicode, huge strings, missing or repeated fields), forged, expired and future signatures,
// replays of earlier requests, and events that are not HTTP requests at all. A case fails on an
// exception, an answer later than Slack's 3 s, an answer that is not 200/400/401, a reply over a
// Slack limit or showing undefined / [object Object] / function source, a forged or replayed
// request that was queued, an accepted command that was not queued exactly once, or a queued
// command without a final reply. FUZZ_SEED explores other seeds.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { artefacts, HOSTILE_STRINGS, picker, Picker, replyProblems } from "../../helpers/fuzz";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe } from "../../../verify/topicProbe";
import { httpEvent, sign, snsEvent } from "./events";
import { commandText, userId } from "./fuzzCases";

const ACK = "security-guard-chatops-ack";
const WORKER = "security-guard-chatops-worker";
const TABLE = "security-guard-chatops-requests";
const CASES = 1_200;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const SECRET = "fuzz-signing-secret-0123456789abcdef";
/** Slack waits 3 s for the answer (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt). */
const SLACK_WAIT_MS = 3000;

const chatops = parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"))
  .config["security-guard:chatops"];
const OPERATOR = Object.keys(chatops.users).find((u) => chatops.users[u].access === "operator")!;
const READER = Object.keys(chatops.users).find((u) => chatops.users[u].access === "read-only")!;

type Kind = "signed" | "forged" | "stale" | "future" | "unsigned" | "junk" | "replay" | "ssl-check";

interface AckCase {
  kind: Kind;
  event: unknown;
  /** The response_url the form carries (first value), when it has one. */
  responseUrl?: string;
  userId?: string;
  text?: string;
  /** For a replay: the case it repeats. */
  of?: number;
}

const FIELDS = [
  "token",
  "team_id",
  "team_domain",
  "channel_id",
  "channel_name",
  "user_id",
  "user_name",
  "command",
  "text",
  "response_url",
  "trigger_id",
];

/** Response URLs a client may send that do not reach the stand-in (none leaves the loopback). */
const badUrls = (i: number) => [
  "ftp://127.0.0.1/x",
  "javascript:alert(1)",
  `http://127.0.0.1:1/closed/${i}`,
  "not a url",
  "//x",
];

function formFor(p: Picker, i: number, url: (i: number) => string): Array<[string, string]> {
  const form: Array<[string, string]> = [
    ["token", "ignored-legacy-token"],
    ["team_id", "T0001"],
    ["team_domain", "example"],
    ["channel_id", "C0001"],
    ["channel_name", "ops"],
    ["user_id", userId(p, { operator: OPERATOR, reader: READER })],
    ["user_name", "alice"],
    ["command", "/guard"],
    ["text", commandText(p)],
    ["response_url", url(i)],
    ["trigger_id", "1.2.3"],
  ];
  // Slack is phasing user_name out: most requests lack it.
  if (p.chance(0.5)) form.splice(6, 1);
  const mutations = p.chance(0.6) ? 0 : 1 + p.int(3);
  for (let m = 0; m < mutations; m++) {
    const field = p.pick(FIELDS);
    const r = p.random();
    const at = form.findIndex(([k]) => k === field);
    if (r < 0.3 && at >= 0) form.splice(at, 1);
    else if (r < 0.45)
      form.push([field, p.pick(HOSTILE_STRINGS)]); // repeated field
    else if (field === "response_url") {
      if (at >= 0) form[at][1] = p.pick(badUrls(i));
    } else if (field === "command") {
      if (at >= 0) form[at][1] = p.pick(["/other", "/GUARD", "guard", ...HOSTILE_STRINGS]);
    } else if (at >= 0) form[at][1] = p.pick(HOSTILE_STRINGS);
  }
  if (p.chance(0.03)) form.push(["ssl_check", "1"]);
  return form;
}

function junkEvent(p: Picker, now: number): unknown {
  const ts = String(now);
  return p.pick<unknown>([
    null,
    "POST /slack/command",
    42,
    [],
    {},
    { body: 5, headers: { "x-slack-request-timestamp": ts } },
    { body: "x=1", headers: [] },
    { body: "x=1", headers: { "x-slack-signature": ["v0=00"], "x-slack-request-timestamp": [ts] } },
    { body: "%%%not base64%%%", isBase64Encoded: true, headers: { "x-slack-request-timestamp": ts } },
    { body: "user_id=U1", isBase64Encoded: "true", headers: null },
    { requestContext: { requestId: { toString: "x" } }, body: null },
    { constructor: { prototype: {} }, __proto__: null },
    httpEvent({ body: "", headers: { "x-slack-request-timestamp": ts, "x-slack-signature": "" } }),
  ]);
}

function buildCases(now: number, url: (i: number) => string): AckCase[] {
  const p = picker(SEED);
  const cases: AckCase[] = [];
  for (let i = 0; i < CASES; i++) {
    const r = p.random();
    const signedBefore = cases.map((c, n) => ({ c, n })).filter(({ c }) => c.kind === "signed");
    if (r < 0.08 && signedBefore.length) {
      const { c, n } = p.pick(signedBefore);
      cases.push({ ...c, kind: "replay", of: n });
      continue;
    }
    if (r < 0.12) {
      cases.push({ kind: "junk", event: junkEvent(p, Math.floor(now / 1000)) });
      continue;
    }
    const form = formFor(p, i, url);
    const body = new URLSearchParams(form).toString();
    // What Slack's form encoding delivers (a lone surrogate arrives as U+FFFD).
    const sent = new URLSearchParams(body);
    const first = (k: string) => sent.get(k) ?? undefined;
    let kind: Kind = form.some(([k, v]) => k === "ssl_check" && v === "1") ? "ssl-check" : "signed";
    let timestamp = String(Math.floor(now / 1000) - p.int(60));
    let signature: string | undefined;
    let headers: Record<string, string> = {};
    const s = p.random();
    if (s < 0.07) {
      kind = "forged";
      signature = p.pick([
        sign("not-the-secret", timestamp, body),
        sign(SECRET, timestamp, body + "&text=ec2+stop"),
        sign(SECRET, String(Number(timestamp) + 1), body),
        "v0=" + "0".repeat(64),
        "v1=" + sign(SECRET, timestamp, body).slice(3),
        sign(SECRET, timestamp, body).toUpperCase(),
        p.pick(HOSTILE_STRINGS),
      ]);
    } else if (s < 0.11) {
      kind = "stale";
      timestamp = String(Math.floor(now / 1000) - 301 - p.int(100_000));
    } else if (s < 0.13) {
      kind = "future";
      timestamp = String(Math.floor(now / 1000) + 301 + p.int(100_000));
    } else if (s < 0.15) {
      kind = "unsigned";
      headers = p.chance(0.5) ? { "x-slack-request-timestamp": timestamp } : {};
    }
    if (kind !== "unsigned") {
      headers = {
        [p.chance(0.2) ? "X-Slack-Request-Timestamp" : "x-slack-request-timestamp"]: timestamp,
        [p.chance(0.2) ? "X-Slack-Signature" : "x-slack-signature"]:
          signature ?? sign(SECRET, timestamp, body),
      };
    }
    cases.push({
      kind,
      event: httpEvent({ body, headers, base64: p.chance(0.5), requestId: `fuzz-${i}` }),
      responseUrl: first("response_url"),
      userId: first("user_id"),
      text: first("text"),
    });
  }
  return cases;
}

describe("chat-ops ack fuzz: seeded requests against the deployed ack, then the worker (moto, Slack stand-in)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  const slack = useSlackServer();
  const dirs: Record<string, string> = {};

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    for (const name of [ACK, WORKER]) dirs[name] = manifest.functions.find((f) => f.function === name)!.dir;
  });

  it(`${CASES} cases (seed ${SEED}): answered in time, nothing forged or replayed queued, every queued command answered`, async () => {
    const started = Date.now();
    const ciphertext = await ciphertextFor(ACK, SECRET, "us-east-1");
    await createSeenTable(TABLE);
    const commands = await topicProbe("security-guard-chatops-commands");
    const url = (i: number) => slack.url(`/commands/T0001/${i}/ackfuzz`);
    const cases = buildCases(Date.now(), url);

    const { results, durations, stderr } = await invokeDeployed(
      dirs[ACK],
      cases.map((c) => c.event),
      {
        ...moto().env,
        // The stand-in's response_url is http on 127.0.0.1: accepted only in local runs.
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET_CIPHERTEXT: ciphertext,
        COMMAND_TOPIC_ARN: commands.topicArn,
        REPLAY_TABLE_NAME: TABLE,
      },
      // Lambda's clock: the ack's function timeout is 3 s.
      { timeoutMs: 240_000, remainingMs: SLACK_WAIT_MS },
    );
    const ackMs = Date.now() - started;
    assert.equal(results.length, CASES, `every request answered (no crash)\n${stderr.slice(-2000)}`);
    const published = (await commands.published()) as Array<Record<string, unknown>>;

    const failures: string[] = [];
    const accepted = new Map<string, number>();
    const tally: Record<string, number> = {};
    results.forEach((r, i) => {
      const c = cases[i];
      const fail = (why: string) => failures.push(`case ${i} (${c.kind}, seed ${SEED}): ${why}`);
      if (!r.ok) {
        fail(`threw ${r.error}`);
        return;
      }
      if (!(durations[i] <= SLACK_WAIT_MS)) fail(`answered after ${durations[i]} ms`);
      const answer = r.value as { statusCode: number; headers?: Record<string, string>; body: string };
      const json = answer.headers?.["content-type"] === "application/json";
      const text = json ? String((JSON.parse(answer.body) as { text?: unknown }).text) : answer.body;
      if (json) for (const p of replyProblems(JSON.parse(answer.body))) fail(p);
      else for (const p of artefacts(answer.body)) fail(p);
      if (![200, 400, 401].includes(answer.statusCode)) fail(`status ${answer.statusCode}: ${text}`);
      const outcome =
        answer.statusCode !== 200
          ? String(answer.statusCode)
          : !json
            ? "empty"
            : text.startsWith("Working on")
              ? "queued"
              : /was already received/.test(text)
                ? "refused-replay"
                : "answered";
      tally[`${c.kind} -> ${outcome}`] = (tally[`${c.kind} -> ${outcome}`] ?? 0) + 1;
      if (["forged", "stale", "future", "unsigned", "junk"].includes(c.kind)) {
        if (answer.statusCode !== 401 || answer.body !== "")
          fail(`not refused: ${answer.statusCode} ${text}`);
      }
      if (c.kind === "ssl-check" && outcome !== "empty") fail(`ssl_check answered ${outcome}`);
      if (c.kind === "replay") {
        const original = results[c.of!].value as { body: string };
        const wasQueued = original.body.includes("Working on");
        if (wasQueued && outcome !== "refused-replay") fail(`replay of case ${c.of} answered ${outcome}`);
        if (!wasQueued && outcome === "queued") fail(`replay of case ${c.of} queued`);
      }
      if (outcome === "queued") {
        if (c.kind !== "signed") fail("queued");
        accepted.set(c.responseUrl!, i);
      }
    });
    // Exactly one message per accepted command, carrying what the user sent; nothing else queued.
    const byUrl = new Map<string, Array<Record<string, unknown>>>();
    for (const m of published)
      byUrl.set(String(m.responseUrl), [...(byUrl.get(String(m.responseUrl)) ?? []), m]);
    for (const [u, i] of accepted) {
      const msgs = byUrl.get(u) ?? [];
      if (msgs.length !== 1) failures.push(`case ${i}: accepted, ${msgs.length} message(s) queued`);
      else if (msgs[0].userId !== cases[i].userId || msgs[0].text !== cases[i].text)
        failures.push(`case ${i}: queued ${JSON.stringify(msgs[0]).slice(0, 200)}`);
    }
    for (const u of byUrl.keys()) if (!accepted.has(u)) failures.push(`queued without acceptance: ${u}`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failure(s)\n${JSON.stringify(tally)}`);
    // The suite exercises what it claims.
    for (const k of [
      "signed -> queued",
      "signed -> answered",
      "signed -> 400",
      "replay -> refused-replay",
      "forged -> 401",
      "stale -> 401",
      "junk -> 401",
    ])
      assert.ok(tally[k] > 0, `no "${k}" among ${CASES} cases: ${JSON.stringify(tally)}`);

    // Every queued command reaches its user: the deployed worker runs each message (one SNS event
    // each, as SNS delivers) and must post a final reply to its response_url.
    const workerStarted = Date.now();
    const run = await invokeDeployed(
      dirs[WORKER],
      published.map((m, n) => snsEvent([{ id: `ack-fuzz-${n}`, message: JSON.stringify(m) }])),
      { ...moto().env, LOCAL_RUN: "1" },
      { timeoutMs: 240_000 },
    );
    const workerMs = Date.now() - workerStarted;
    assert.equal(run.results.length, published.length, run.stderr.slice(-2000));
    const lost: string[] = [];
    published.forEach((m, n) => {
      const u = new URL(String(m.responseUrl));
      const posts = slack.requests.filter((r) => r.path === u.pathname);
      const r = run.results[n];
      if (u.port === "1") {
        // A closed port: the reply cannot be delivered, so the invocation fails (Lambda retries,
        // then the dead-letter queue) naming the message.
        if (r.ok || !String(r.error).includes(`ack-fuzz-${n}`))
          lost.push(`message ${n}: ${JSON.stringify(r)}`);
        return;
      }
      if (!r.ok) lost.push(`message ${n} (${m.text}): worker threw ${r.error}`);
      if (posts.length === 0) lost.push(`message ${n} (${m.text}): no reply at response_url`);
      if (posts.length > 5) lost.push(`message ${n}: ${posts.length} posts (Slack allows 5)`);
      for (const post of posts) for (const p of replyProblems(post.json)) lost.push(`message ${n}: ${p}`);
    });
    assert.deepEqual(lost.slice(0, 20), [], `${lost.length} failure(s)`);
    console.log(
      `      ack fuzz: ${CASES} requests in ${ackMs} ms (${JSON.stringify(tally)}); ` +
        `${published.length} queued commands through the worker in ${workerMs} ms`,
    );
  });
});
