// The worker with input that names JavaScript built-ins, without the optional user_name, and with
// AWS calls held by a proxy (test/handlers/remediator/faultProxy.ts): every command gets one final
// reply, showing unknown values as given and naming what did not answer.
import { strict as assert } from "assert";
import { createWorkerHandler, WorkerOptions } from "../../../../handlers/chatops/worker";
import { validateWorkerSettings } from "../../../../handlers/chatops/worker/settings";
import { useMoto } from "../../../helpers/moto";
import { useSlackServer } from "../../../helpers/slackServer";
import { withCapturedLogs } from "../../../helpers/logs";
import { FaultProxy, startFaultProxy } from "../../remediator/faultProxy";
import { commandMessage, snsEvent } from "../events";
import * as w from "../world";

describe("chatops worker: hostile keys, no user_name, held AWS calls", function () {
  this.timeout(60_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let n = 0;
  let proxy: FaultProxy | undefined;

  afterEach(async () => {
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    await proxy?.close();
    proxy = undefined;
  });

  const worker = (options: WorkerOptions = {}) =>
    createWorkerHandler(w.SETTINGS, { env: { ...process.env, LOCAL_RUN: "1" }, ...options });

  async function send(text: string, overrides: Record<string, unknown> = {}, options: WorkerOptions = {}) {
    const path = `/commands/T0001/${++n}/hostile`;
    const message = { ...commandMessage(text, slack.url(path), { userId: w.OPERATOR }), ...overrides };
    const { value, error, logs } = await withCapturedLogs(() =>
      worker(options)(snsEvent([{ id: `h-${n}`, message: JSON.stringify(message) }])),
    );
    const posts = slack.requests.filter((r) => r.path === path).map((r) => (r.json as { text: string }).text);
    return { value, error, logs, posts };
  }

  for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    it(`\`ec2 list ${name}\` is refused, the value shown as given`, async () => {
      const { posts, error } = await send(`ec2 list ${name}`);
      assert.equal(error, undefined);
      assert.equal(posts.length, 1);
      // Account names start with a letter: "__proto__" is no account name at all.
      const expected = name.startsWith("_")
        ? `Sorry, \`${name}\` is neither an account (12-digit id or name) nor a region.`
        : `Sorry, unknown account \`${name}\`. Accounts you may use: \`prod\` (222222222222)`;
      assert.ok(posts[0].startsWith(expected), posts[0]);
      assert.doesNotMatch(posts[0], /function|native code|undefined|\[object/);
    });

    it(`a Slack user id \`${name}\` is denied with a reply and a log line, no TypeError`, async () => {
      const { posts, error, logs } = await send("ec2 list", { userId: name });
      assert.equal(error, undefined);
      assert.deepEqual(posts, [
        `You (<@${name}>) are not allowed to use \`/guard\`. Access is granted per Slack user id in the hub stack's chat-ops config; ask the platform team to add ${name}. \`/guard help\` lists the commands.`,
      ]);
      assert.deepEqual(
        logs.filter((l) => l.message === "chatops command").map((l) => [l.userId, l.outcome]),
        [[name, "denied"]],
      );
    });
  }

  it("settings naming a built-in as an allowed account are refused", () => {
    assert.throws(
      () =>
        validateWorkerSettings({
          ...w.SETTINGS,
          users: { U0X: { access: "read-only", accounts: ["constructor"] } },
        }),
      /users\.U0X\.accounts: constructor is not in accounts/,
    );
  });

  it("a command without user_name (Slack is phasing it out) runs and gets its final reply", async () => {
    const message = commandMessage("accounts", "x", { userId: w.OPERATOR });
    delete (message as { userName?: string }).userName;
    const { posts, error, value } = await send("accounts", { userName: undefined });
    assert.equal(error, undefined, String(error));
    assert.equal(posts.length, 1);
    assert.match(posts[0], /^You have \*operator\* access to:/);
    assert.equal((value as { results: Array<{ outcome: string }> }).results[0].outcome, "ok");
  });

  async function behind(action: string) {
    proxy = await startFaultProxy(moto().endpoint, [{ action, times: Infinity, hang: true }]);
    process.env.AWS_ENDPOINT_URL = proxy.url;
  }

  it("STS AssumeRole held: the final reply says nothing was run and which call did not answer", async () => {
    await behind("AssumeRole");
    const { posts, error, logs } = await send("ec2 list", {}, { awsCallCapMs: 1500 });
    assert.equal(error, undefined);
    assert.deepEqual(posts, [
      "Sorry, nothing was run: I could not assume the read-only role in prod (222222222222) because STS AssumeRole did not answer within 1500 ms. Please try again later.",
    ]);
    const line = logs.find((l) => l.message === "chatops command")!;
    assert.equal(line.outcome, "unanswered");
    assert.match(String(line.error), /^DeadlineExceeded: STS AssumeRole did not answer within 1500 ms$/);
  });

  for (const [action, command, call] of [
    ["DescribeInstances", "ec2 list", "EC2 DescribeInstances"],
    ["GetConsoleOutput", "ec2 console i-0123456789abcdef0", "EC2 GetConsoleOutput"],
  ] as const) {
    it(`${call} held: the final reply names it`, async () => {
      await behind(action);
      const { posts, error } = await send(command, {}, { awsCallCapMs: 1500 });
      assert.equal(error, undefined);
      assert.deepEqual(posts, [
        `Sorry, \`${command}\` in prod (222222222222) ap-northeast-2 stopped: ${call} did not answer within 1500 ms.`,
      ]);
    });
  }

  // S3 answers REST calls (no action name in the request): the proxy maps method, path and query
  // to the operation. CloudWatch speaks JSON 1.0 (X-Amz-Target).
  for (const [action, command, call, setup] of [
    ["ListBuckets", "s3 list", "S3 ListBuckets", false],
    ["GetBucketLocation", "s3 usage held-bucket", "S3 GetBucketLocation", false],
    ["GetMetricStatistics", "s3 usage held-bucket", "CloudWatch GetMetricStatistics", true],
  ] as const) {
    it(`${call} held: the final reply names it, within the call's cap`, async () => {
      if (setup) await w.bucket(await w.credsFor(w.PROD), "held-bucket", w.SEOUL);
      await behind(action);
      const started = Date.now();
      const { posts, error, logs } = await send(command, {}, { awsCallCapMs: 1500 });
      assert.equal(error, undefined);
      assert.deepEqual(posts, [
        `Sorry, \`${command}\` in prod (222222222222) ap-northeast-2 stopped: ${call} did not answer within 1500 ms.`,
      ]);
      assert.equal(proxy!.counts[action], 1, `the proxy held ${action}: ${JSON.stringify(proxy!.counts)}`);
      assert.ok(Date.now() - started < 1500 + 3000);
      const line = logs.find((l) => l.message === "chatops command")!;
      assert.deepEqual(
        [line.outcome, line.error],
        ["unanswered", `DeadlineExceeded: ${call} did not answer within 1500 ms`],
      );
    });
  }

  it("the invocation's own budget bounds every call (Lambda remaining time minus the reply reserve)", async () => {
    await behind("DescribeInstances");
    const started = Date.now();
    const { posts } = await send("ec2 list", {}, { budgetMs: 400 });
    assert.match(posts[0], /stopped: EC2 DescribeInstances did not answer within \d+ ms\.$/);
    const ms = Number(/within (\d+) ms/.exec(posts[0])![1]);
    assert.ok(ms <= 400, posts[0]);
    assert.ok(Date.now() - started < 5000);
  });
});
