// The slash-command worker's fuzz suite: 1,200 seeded SNS events run through the deployed package
// (the `npm run lambdas` form, one process for all, like one warm container) against moto (spoke
// instances and a bucket reached through assumed roles) and the Slack stand-in. Messages carry
// commands of the grammar with real, nearly right and hostile arguments, users the stack knows and
// ones it does not (JavaScript names among them), no user_name, fields of the wrong type or
// missing, expired or unreadable receipt times, response_urls that cannot be reached, and batches
// mixing good and bad records; some events are not SNS events at all. A case fails on a crash, a
// hang (the run's time limit), a record that is neither answered at its response_url, nor
// rejected with an error naming it (Lambda retries, then the dead-letter queue), nor logged as
// expired (a silent drop), more than Slack's 5 posts to one response_url, or a reply over Slack's
// text limit or showing undefined / [object Object] / function source. FUZZ_SEED explores other seeds.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { HOSTILE_STRINGS, picker, Picker, replyProblems } from "../../helpers/fuzz";
import { useMoto } from "../../helpers/moto";
import { useSlackServer } from "../../helpers/slackServer";
import { commandMessage, snsEvent } from "./events";
import { commandText, userId } from "./fuzzCases";
import * as w from "./world";

const WORKER = "security-guard-chatops-worker";
const CASES = 1_200;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const BUCKET = "fuzz-bucket";

const hub = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const chatops = hub["security-guard:chatops"];
const names: Record<string, string> = hub["security-guard:accountNames"];
const DEFAULT_ACCOUNT = Object.keys(names).find((id) => names[id] === chatops.defaultAccount)!;
const OPERATOR = Object.keys(chatops.users).find((u) => chatops.users[u].access === "operator")!;
const READER = Object.keys(chatops.users).find((u) => chatops.users[u].access === "read-only")!;

const MESSAGE_FIELDS = [
  "version",
  "receivedAt",
  "userId",
  "userName",
  "teamId",
  "channelId",
  "command",
  "text",
  "responseUrl",
];
const WRONG_TYPES: unknown[] = [null, 0, 1, true, [], {}, ["U0OPERATOR"], { toString: "x" }];

interface RecordCase {
  messageId: string;
  /** The response_url path on the stand-in, when the message names one there. */
  path?: string;
  /** A response_url on a closed port: the reply cannot be delivered. */
  unreachable?: boolean;
}

interface WorkerCase {
  event: unknown;
  records: RecordCase[];
  /** Not an SNS event: the invocation must fail and say so. */
  junk?: boolean;
}

function message(p: Picker, id: string, url: string, realInstance: string) {
  let text = commandText(p, [realInstance, BUCKET]);
  // start/stop of the real instance waits for its new state (seconds, the stack's poll interval):
  // two fixed cases take that path (see buildCases); random ones name an instance that does not exist.
  if (/^\s*ec2\s+(start|stop)\s/i.test(text)) text = text.replace(realInstance, "i-0fedcba9876543210");
  const m: Record<string, unknown> = {
    ...commandMessage(text, url, { userId: userId(p, { operator: OPERATOR, reader: READER }) }),
  };
  if (p.chance(0.5)) delete m.userName;
  else if (p.chance(0.3)) m.userName = p.pick(HOSTILE_STRINGS);
  const r = p.random();
  if (r < 0.03) m.receivedAt = new Date(Date.now() - 31 * 60_000).toISOString();
  else if (r < 0.05) m.receivedAt = p.pick(["yesterday", "", "2026-13-45T99:99:99Z", "constructor"]);
  const mutations = p.chance(0.8) ? 0 : 1 + p.int(2);
  for (let n = 0; n < mutations; n++) {
    const field = p.pick(MESSAGE_FIELDS);
    const k = p.random();
    if (k < 0.3) delete m[field];
    else if (k < 0.7) m[field] = p.pick(WRONG_TYPES);
    else if (field === "responseUrl")
      m[field] = p.pick(["javascript:alert(1)", "ftp://127.0.0.1/x", `http://127.0.0.1:1/closed/${id}`]);
    else m[field] = p.pick(HOSTILE_STRINGS);
  }
  if (p.chance(0.02))
    Object.defineProperty(m, "__proto__", { value: { polluted: true }, enumerable: true, writable: true });
  return m;
}

function buildCases(url: (id: string) => string, realInstance: string): WorkerCase[] {
  const p = picker(SEED);
  const cases: WorkerCase[] = [];
  for (let i = 0; i < CASES; i++) {
    const r = p.random();
    if (r < 0.06) {
      cases.push({
        junk: true,
        records: [],
        event: p.pick<unknown>([
          null,
          {},
          { Records: [] },
          { Records: "x" },
          { Records: { length: 1, 0: {} } },
          [{ Sns: { Message: "{}" } }],
          "Records",
        ]),
      });
      continue;
    }
    const change = { 100: "stop", 700: "start" }[i];
    if (change) {
      // An operator without user_name stops, later starts, the real instance.
      const id = `wf-${i}-0`;
      const m = commandMessage(`ec2 ${change} ${realInstance}`, url(id), { userId: OPERATOR });
      delete m.userName;
      cases.push({
        event: snsEvent([{ id, message: m }]),
        records: [{ messageId: id, path: new URL(url(id)).pathname }],
      });
      continue;
    }
    const n = r < 0.14 ? 2 + p.int(3) : 1;
    const records: RecordCase[] = [];
    const sns: Array<{ id: string; message: string }> = [];
    for (let k = 0; k < n; k++) {
      const id = `wf-${i}-${k}`;
      const k2 = p.random();
      let body: string;
      if (k2 < 0.05) body = p.pick(["not json", "null", "[]", '"text"', "{", "1e999", "{}", ""]);
      else body = JSON.stringify(message(p, id, url(id), realInstance));
      const parsed = (() => {
        try {
          return JSON.parse(body) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })();
      const u = typeof parsed?.responseUrl === "string" ? URL.parse(parsed.responseUrl) : null;
      records.push({
        messageId: id,
        path: u?.protocol === "http:" && u.port !== "1" ? u.pathname : undefined,
        unreachable: u?.protocol === "http:" && u.port === "1",
      });
      sns.push({ id, message: body });
    }
    const event = snsEvent(sns) as { Records: Array<Record<string, unknown>> };
    // A record whose Sns.Message is not a string at all.
    if (p.chance(0.01)) (event.Records[0].Sns as Record<string, unknown>).Message = p.pick(WRONG_TYPES);
    cases.push({ event, records });
  }
  return cases;
}

describe("chat-ops worker fuzz: seeded SNS events against the deployed worker (moto, Slack stand-in)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let fnDir: string;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    fnDir = manifest.functions.find((f) => f.function === WORKER)!.dir;
  });

  it(`${CASES} cases (seed ${SEED}): every record answered or refused naming it, nothing over a limit or showing a JS artefact`, async () => {
    const creds = await w.credsFor(DEFAULT_ACCOUNT);
    const [instance] = await w.run(creds, chatops.defaultRegion, "<!channel> constructor `x`");
    await w.run(creds, chatops.defaultRegion, undefined);
    await w.bucket(creds, BUCKET, chatops.defaultRegion);
    await w.bucketSize(creds, chatops.defaultRegion, BUCKET, 123_456_789, new Date(Date.now() - 3_600_000));
    const url = (id: string) => slack.url(`/commands/T0001/${id}/workerfuzz`);
    const cases = buildCases(url, instance.InstanceId!);
    const started = Date.now();
    const { results, durations, stdout, stderr } = await invokeDeployed(
      fnDir,
      cases.map((c) => c.event),
      { ...moto().env, LOCAL_RUN: "1" },
      { timeoutMs: 280_000 },
    );
    const ms = Date.now() - started;
    assert.equal(results.length, CASES, `every event answered (no crash)\n${stderr.slice(-2000)}`);

    const byEvent = new Map<string, Array<Record<string, unknown>>>();
    for (const raw of `${stdout}\n${stderr}`.split("\n")) {
      if (!raw.startsWith("{")) continue;
      const l = JSON.parse(raw) as Record<string, unknown>;
      const id = String(l.eventId);
      byEvent.set(id, [...(byEvent.get(id) ?? []), l]);
    }
    const failures: string[] = [];
    const tally: Record<string, number> = {};
    const count = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
    cases.forEach((c, i) => {
      const r = results[i];
      const fail = (why: string) => failures.push(`case ${i} (seed ${SEED}): ${why}`);
      // The runner's clock gives each invocation 30 s, as a Lambda timeout would.
      if (!(durations[i] < 30_000)) fail(`took ${durations[i]} ms`);
      if (c.junk) {
        count("not an SNS event");
        if (r.ok || !/^Error: chatops worker: /.test(String(r.error)))
          fail(`junk event: ${JSON.stringify(r)}`);
        return;
      }
      for (const rec of c.records) {
        const lines = byEvent.get(rec.messageId) ?? [];
        const done = lines.find((l) => l.message === "chatops command");
        const rejected = lines.some((l) => l.message === "chatops worker: rejected message");
        const expired = lines.some((l) => l.message === "chatops worker: command expired, not run");
        const named = !r.ok && String(r.error).includes(`message ${rec.messageId}:`);
        const posts = rec.path ? slack.requests.filter((q) => q.path === rec.path) : [];
        if (done) {
          count(`answered: ${String(done.outcome)}`);
          if (rec.unreachable) {
            if (done.delivered !== false || !named)
              fail(`${rec.messageId}: undeliverable reply not reported`);
          } else if (!rec.path) fail(`${rec.messageId}: answered without a stand-in response_url`);
          else if (done.delivered !== true || posts.length === 0)
            fail(`${rec.messageId}: no reply delivered`);
          if (posts.length > 5) fail(`${rec.messageId}: ${posts.length} posts (Slack allows 5)`);
        } else if (rejected) {
          count("rejected");
          if (!named) fail(`${rec.messageId}: rejected without an error naming it: ${r.error}`);
          if (posts.length) fail(`${rec.messageId}: rejected, yet posted`);
        } else if (expired) {
          count("expired");
          if (posts.length) fail(`${rec.messageId}: expired, yet posted`);
        } else fail(`${rec.messageId}: neither answered, rejected nor expired (silent drop)`);
      }
    });
    for (const post of slack.requests) {
      for (const problem of replyProblems(post.json)) failures.push(`post to ${post.path}: ${problem}`);
      if (/ is now \*(stopped|running)\*/.test(String((post.json as { text?: unknown }).text)))
        count("state changed");
    }
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failure(s)\n${JSON.stringify(tally)}`);
    // The suite exercises what it claims: AWS reached, refusals, rejections, expiry.
    for (const k of [
      "answered: ok",
      "answered: denied",
      "answered: invalid",
      "answered: not-found",
      "state changed",
      "rejected",
      "expired",
      "not an SNS event",
    ])
      assert.ok(tally[k] > 0, `no "${k}" among ${CASES} cases: ${JSON.stringify(tally)}`);
    console.log(
      `      worker fuzz: ${CASES} events, ${cases.reduce((s, c) => s + c.records.length, 0)} records in ${ms} ms: ${JSON.stringify(tally)}`,
    );
  });
});
