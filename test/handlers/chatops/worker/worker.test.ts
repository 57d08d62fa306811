import { strict as assert } from "assert";
import { GetConsoleOutputCommand, Instance } from "@aws-sdk/client-ec2";
import { createWorkerHandler, WorkerOptions, WorkerSettings } from "../../../../handlers/chatops/worker";
import { helpText } from "../../../../handlers/chatops/shared/command";
import { useMoto } from "../../../helpers/moto";
import { useSlackServer } from "../../../helpers/slackServer";
import { commandMessage, snsEvent } from "../events";
import { withCapturedLogs } from "../../../helpers/logs";
import { StuckEc2 } from "../stuckEc2";
import * as w from "../world";

describe("chatops worker (moto, cross-account)", function () {
  useMoto();
  const slack = useSlackServer();
  let prod: w.Creds;
  let staging: w.Creds;
  let n = 0;

  beforeEach(async () => {
    prod = await w.credsFor(w.PROD);
    staging = await w.credsFor(w.STAGING);
  });

  const ephemeral = (text: string) => ({ response_type: "ephemeral", text });

  function worker(settings: Partial<WorkerSettings> = {}, options: WorkerOptions = {}) {
    return createWorkerHandler(
      { ...w.SETTINGS, ...settings },
      { env: { ...process.env, LOCAL_RUN: "1" }, ...options },
    );
  }

  /** Sends one command through the worker; returns the handler's result, the posts, and the logs. */
  async function send(
    text: string,
    opts: { user?: string; handler?: ReturnType<typeof worker>; path?: string; id?: string } = {},
  ) {
    const path = opts.path ?? `/commands/T0001/${++n}/token`;
    const handler = opts.handler ?? worker();
    const event = snsEvent([
      {
        id: opts.id ?? `msg-${n}`,
        message: commandMessage(text, slack.url(path), { userId: opts.user ?? w.OPERATOR }),
      },
    ]);
    const { value, error, logs } = await withCapturedLogs(() => handler(event));
    return {
      value,
      error,
      logs,
      posts: slack.requests.filter((r) => r.path === path).map((r) => r.json),
      path,
    };
  }

  const line = (i: Instance, name: string | undefined, state: string) =>
    `• \`${i.InstanceId}\`${name ? ` *${name}*` : ""}: ${state} (${i.InstanceType}, ${i.PrivateIpAddress})`;

  describe("ec2 list", () => {
    it("lists every instance of every reservation and page in the default account and region, sorted by name", async () => {
      const [api] = await w.run(prod, w.SEOUL, "api", 1, "t3.small");
      const workers = await w.run(prod, w.SEOUL, "worker", 3); // one reservation, three instances
      const [db] = await w.run(prod, w.SEOUL, "db");
      await w.stop(prod, w.SEOUL, db.InstanceId!);
      const [unnamed] = await w.run(prod, w.SEOUL, undefined);
      await w.run(prod, w.TOKYO, "tokyo-only");
      await w.run(staging, w.SEOUL, "staging-only");

      // Page size 5 (DescribeInstances' minimum) over 6 instances: two pages.
      const { posts, value, logs } = await send("ec2 list", { handler: worker({}, { ec2PageSize: 5 }) });
      const sortedWorkers = [...workers].sort((a, b) => a.InstanceId!.localeCompare(b.InstanceId!));
      assert.deepEqual(posts, [
        ephemeral(
          [
            `*EC2 instances in prod (222222222222) ap-northeast-2* (6):`,
            line(api, "api", "running"),
            line(db, "db", "stopped"),
            ...sortedWorkers.map((i) => line(i, "worker", "running")),
            line(unnamed, undefined, "running"),
          ].join("\n"),
        ),
      ]);
      assert.deepEqual(value, {
        results: [{ messageId: `msg-${n}`, command: "ec2 list", outcome: "ok", delivered: true }],
      });
      const entry = logs.find((l) => l.message === "chatops command");
      assert.deepEqual(
        { ...entry, durationMs: undefined },
        {
          level: "info",
          message: "chatops command",
          eventId: `msg-${n}`,
          userId: w.OPERATOR,
          userName: "alice",
          text: "ec2 list",
          command: "ec2 list",
          account: w.PROD,
          region: w.SEOUL,
          roleArn: "arn:aws:iam::222222222222:role/security-guard-chatops-readonly",
          outcome: "ok",
          delivered: true,
          durationMs: undefined,
        },
      );
    });

    it("targets another account (by name or id) and region through that account's role", async () => {
      const [t] = await w.run(staging, w.TOKYO, "stg-batch");
      await w.run(prod, w.TOKYO, "prod-batch");
      const byName = await send("ec2 list STAGING ap-northeast-1");
      assert.deepEqual(byName.posts, [
        ephemeral(
          `*EC2 instances in staging (333333333333) ap-northeast-1* (1):\n${line(t, "stg-batch", "running")}`,
        ),
      ]);
      const byId = await send("ec2 list ap-northeast-1 333333333333");
      assert.deepEqual(byId.posts, byName.posts);
      const empty = await send("ec2 list staging");
      assert.deepEqual(empty.posts, [
        ephemeral("No EC2 instances in staging (333333333333) ap-northeast-2."),
      ]);
    });

    it("refuses a region outside the configured ones and an unknown account, naming what is allowed", async () => {
      const region = await send("ec2 list prod us-west-2");
      assert.deepEqual(region.posts, [
        ephemeral("Sorry, region `us-west-2` is not enabled. Regions: `ap-northeast-2`, `ap-northeast-1`."),
      ]);
      assert.deepEqual(region.value?.results[0].outcome, "invalid");
      const account = await send("ec2 list qa");
      assert.deepEqual(account.posts, [
        ephemeral(
          "Sorry, unknown account `qa`. Accounts you may use: `prod` (222222222222), `staging` (333333333333), `sandbox` (444444444444).",
        ),
      ]);
    });
  });

  describe("ec2 console", () => {
    it("replies with the last 20 lines of the console output", async () => {
      const [i] = await w.run(staging, w.SEOUL, "web");
      const raw = await w
        .ec2In(staging, w.SEOUL)
        .send(new GetConsoleOutputCommand({ InstanceId: i.InstanceId! }));
      const all = Buffer.from(raw.Output!, "base64").toString("utf8").replace(/\n+$/, "").split("\n");
      const last = all.slice(-20);
      const { posts } = await send(`ec2 console ${i.InstanceId} staging`, { user: w.READER });
      assert.deepEqual(posts, [
        ephemeral(
          `*Console output of \`${i.InstanceId}\`* in staging (333333333333) ap-northeast-2, last ${last.length} lines:\n` +
            "```\n" +
            last.join("\n").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") +
            "\n```",
        ),
      ]);
      assert.ok(last.length >= 5, "moto's console output has several lines");
    });

    it("says where it looked when the instance is not there", async () => {
      const [i] = await w.run(staging, w.SEOUL, "web");
      const { posts, value } = await send(`ec2 console ${i.InstanceId}`); // default account is prod
      assert.deepEqual(posts, [
        ephemeral(
          `Instance \`${i.InstanceId}\` was not found in prod (222222222222) ap-northeast-2. ` +
            `If it is elsewhere, name the account and region: \`ec2 console ${i.InstanceId} <account> <region>\`.`,
        ),
      ]);
      assert.equal(value?.results[0].outcome, "not-found");
    });
  });

  describe("ec2 start / stop", () => {
    it("stops a running instance with the operator role: progress post, final state, emulator stopped", async () => {
      const [i] = await w.run(prod, w.TOKYO, "batch");
      const other = (await w.run(staging, w.TOKYO, "batch"))[0];
      const { posts, logs, value } = await send(`ec2 stop ${i.InstanceId} prod ap-northeast-1`);
      const label = `\`${i.InstanceId}\` *batch* in prod (222222222222) ap-northeast-1`;
      assert.equal(posts.length, 2);
      assert.deepEqual(posts[0], ephemeral(`Stopping ${label}: running → stopping.`));
      assert.match(
        (posts[1] as { text: string }).text,
        new RegExp(`^${escapeRe(label)} is now \\*stopped\\* \\(after \\d+ s\\)\\.$`),
      );
      assert.equal(await w.stateOf(prod, w.TOKYO, i.InstanceId!), "stopped");
      assert.equal(await w.stateOf(staging, w.TOKYO, other.InstanceId!), "running");
      assert.equal(value?.results[0].outcome, "ok");
      const entry = logs.find((l) => l.message === "chatops command")!;
      assert.equal(entry.roleArn, "arn:aws:iam::222222222222:role/security-guard-chatops-operator");
      assert.equal(entry.command, `ec2 stop ${i.InstanceId} prod ap-northeast-1`);
    });

    it("starts a stopped instance in another account", async () => {
      const [i] = await w.run(staging, w.SEOUL, "app");
      await w.stop(staging, w.SEOUL, i.InstanceId!);
      const { posts } = await send(`ec2 start ${i.InstanceId} 333333333333`);
      const label = `\`${i.InstanceId}\` *app* in staging (333333333333) ap-northeast-2`;
      assert.deepEqual(posts[0], ephemeral(`Starting ${label}: stopped → pending.`));
      assert.match((posts[1] as { text: string }).text, /is now \*running\*/);
      assert.equal(await w.stateOf(staging, w.SEOUL, i.InstanceId!), "running");
    });

    it("does nothing when the state does not allow the action", async () => {
      const [i] = await w.run(prod, w.SEOUL, "api");
      const label = `\`${i.InstanceId}\` *api* in prod (222222222222) ap-northeast-2`;
      const already = await send(`ec2 start ${i.InstanceId}`);
      assert.deepEqual(already.posts, [ephemeral(`${label} is already running; nothing to do.`)]);
      assert.equal(already.value?.results[0].outcome, "not-applicable");
      assert.equal(await w.stateOf(prod, w.SEOUL, i.InstanceId!), "running");
    });

    it("refuses start/stop to a read-only user and to accounts the user may not use, changing nothing", async () => {
      const [i] = await w.run(staging, w.SEOUL, "app");
      const ro = await send(`ec2 stop ${i.InstanceId} staging`, { user: w.READER });
      assert.deepEqual(ro.posts, [
        ephemeral(
          `Sorry, \`ec2 stop ${i.InstanceId} staging\` needs operator access; you have read-only access. ` +
            "You may use `ec2 list`, `ec2 console`, `s3 list`, `s3 usage` and `accounts`.",
        ),
      ]);
      assert.equal(ro.value?.results[0].outcome, "denied");
      const other = await send("ec2 list prod", { user: w.READER });
      assert.deepEqual(other.posts, [
        ephemeral(
          "Sorry, you may not use account prod (222222222222). Accounts you may use: `staging` (333333333333).",
        ),
      ]);
      const stranger = await send(`ec2 stop ${i.InstanceId}`, { user: "U0STRANGER" });
      assert.deepEqual(stranger.posts, [
        ephemeral(
          "You (<@U0STRANGER>) are not allowed to use `/guard`. Access is granted per Slack user id in the hub stack's " +
            "chat-ops config; ask the platform team to add U0STRANGER. `/guard help` lists the commands.",
        ),
      ]);
      assert.equal(await w.stateOf(staging, w.SEOUL, i.InstanceId!), "running");
    });

    it("a failed reply throws for retry, and the retried message does not stop the instance again", async () => {
      const [i] = await w.run(prod, w.SEOUL, "api");
      const handler = worker();
      slack.reply({ status: 500 }); // the progress post fails
      const first = await send(`ec2 stop ${i.InstanceId}`, {
        handler,
        id: "msg-retry",
        path: "/commands/T0001/retry/a",
      });
      assert.match(first.error!.message, /message msg-retry: reply not delivered to response_url/);
      assert.ok(
        first.logs.some(
          (l) => l.message === "chatops worker: reply not delivered" && /HTTP 500/.test(String(l.problem)),
        ),
      );
      assert.equal(await w.stateOf(prod, w.SEOUL, i.InstanceId!), "stopped");
      // Lambda retries the same SNS message in this container: the worker remembers it already
      // stopped the instance, so it reports the state instead of answering "already stopped" or
      // calling StopInstances again.
      const retry = await send(`ec2 stop ${i.InstanceId}`, {
        handler,
        id: "msg-retry",
        path: "/commands/T0001/retry/b",
      });
      assert.equal(retry.error, undefined);
      assert.equal(retry.posts.length, 1);
      assert.match((retry.posts[0] as { text: string }).text, /is now \*stopped\*/);
    });

    describe("with an instance that does not settle (hand-written EC2 stand-in: moto settles states at once)", () => {
      const id = "i-0123456789abcdef0";
      let fake: StuckEc2;
      const saved = process.env.AWS_ENDPOINT_URL_EC2;
      afterEach(async () => {
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_EC2;
        else process.env.AWS_ENDPOINT_URL_EC2 = saved;
        await fake.stop();
      });
      async function withStates(states: string[]) {
        fake = new StuckEc2(id, states);
        process.env.AWS_ENDPOINT_URL_EC2 = await fake.start(); // STS still goes to moto
      }
      const label = `\`${id}\` *stuck* in prod (222222222222) ap-northeast-2`;

      it("stops waiting after stateWait.timeoutMs and says the stop continues", async () => {
        await withStates(["running", "stopping"]);
        const sleeps: number[] = [];
        const handler = worker(
          { stateWait: { timeoutMs: 30_000, pollMs: 10_000 } },
          { sleep: async (ms) => void sleeps.push(ms) },
        );
        const { posts, value } = await send(`ec2 stop ${id}`, { handler });
        assert.deepEqual(posts, [
          ephemeral(`Stopping ${label}: running → stopping.`),
          ephemeral(
            `${label} is still *stopping* after 30 s; the stop continues in AWS. Check later with \`ec2 list 222222222222 ap-northeast-2\`.`,
          ),
        ]);
        assert.deepEqual(sleeps, [10_000, 10_000, 10_000], "3 waits between 4 polls");
        assert.deepEqual(fake.actions, [
          "DescribeInstances",
          "StopInstances",
          ...Array(4).fill("DescribeInstances"),
        ]);
        assert.equal(value?.results[0].outcome, "timeout");
      });

      it("reports an unexpected end state instead of success", async () => {
        await withStates(["running", "stopping", "running"]);
        const { posts, value } = await send(`ec2 stop ${id}`, {
          handler: worker({}, { sleep: async () => undefined }),
        });
        assert.deepEqual(
          posts[1],
          ephemeral(
            `${label} went stopping → *running* instead of stopped; check the instance in the console.`,
          ),
        );
        assert.equal(value?.results[0].outcome, "aws-error");
      });

      it("refuses to stop an instance that is still pending", async () => {
        await withStates(["pending"]);
        const { posts } = await send(`ec2 stop ${id}`);
        assert.deepEqual(posts, [
          ephemeral(`Cannot stop ${label}: it is pending, and \`ec2 stop\` needs it running.`),
        ]);
        assert.deepEqual(fake.actions, ["DescribeInstances"]);
      });
    });
  });

  describe("response_url budget", () => {
    it("never posts more than 5 times to one response_url and keeps the last post for the final state", async () => {
      const [i] = await w.run(prod, w.SEOUL, "api");
      const handler = worker();
      const path = "/commands/T0001/budget/x";
      for (let k = 0; k < 4; k++) await send("accounts", { handler, path, id: `b-${k}` });
      const stop = await send(`ec2 stop ${i.InstanceId}`, { handler, path, id: "b-stop" });
      // One post left: the progress post is skipped, the final state is posted.
      assert.equal(stop.posts.length, 5);
      assert.match((stop.posts[4] as { text: string }).text, /is now \*stopped\*/);
      const over = await send("help", { handler, path, id: "b-over" });
      assert.equal(over.posts.length, 5, "no sixth post reached the server");
      assert.match(over.error!.message, /reply not delivered/);
      assert.ok(over.logs.some((l) => /post limit \(5\) reached/.test(String(l.problem))));
    });
  });

  describe("s3", () => {
    it("lists the buckets of the target account only", async () => {
      await w.bucket(prod, "prod-logs", "us-east-1");
      await w.bucket(prod, "prod-data", w.TOKYO);
      await w.bucket(staging, "staging-logs", w.SEOUL);
      const { posts } = await send("s3 list");
      const text = (posts[0] as { text: string }).text;
      const lines = text.split("\n");
      assert.equal(lines[0], "*S3 buckets in prod (222222222222)* (2); size of one: `s3 usage <bucket>`:");
      assert.deepEqual(
        lines
          .slice(1)
          .map((l) => l.replace(/, created \d{4}-\d\d-\d\d$/, "").replace(/ [a-z]{2}-[a-z]+-\d$/, "")),
        ["• `prod-data`", "• `prod-logs`"],
      );
      const ro = await send("s3 list staging", { user: w.READER });
      assert.match((ro.posts[0] as { text: string }).text, /\(1\)[^\n]*\n• `staging-logs`/);
    });

    it("takes the latest daily datapoint of the last 2 days, in the bucket's region and account, and says when there is none", async () => {
      // moto also publishes its own BucketSizeBytes datapoint for every bucket at today 00:00 UTC
      // (value: Python object sizes, not bytes), so the clock is pinned 3 days ahead to keep it
      // outside the 2-day window; the datapoints below are the only ones the worker can see.
      const now = Date.now() + 3 * 86_400_000;
      const handler = worker({}, { now: () => now });
      await w.bucket(prod, "prod-data", w.TOKYO);
      await w.bucket(prod, "prod-empty", w.SEOUL);
      // us-east-1 is not one of chat-ops' Regions (Seoul, Tokyo): its bucket's size is not read.
      await w.bucket(prod, "prod-virginia", "us-east-1");
      await w.bucketSize(prod, "us-east-1", "prod-virginia", 11, new Date(now - 16 * 3_600_000));
      await w.bucketSize(prod, w.TOKYO, "prod-data", 1024 ** 3, new Date(now - 40 * 3_600_000));
      const latest = new Date(now - 16 * 3_600_000);
      await w.bucketSize(prod, w.TOKYO, "prod-data", 5 * 1024 ** 3, latest);
      // The same bucket name and metric in another account, and in another region: not picked up.
      await w.bucketSize(staging, w.TOKYO, "prod-data", 7, latest);
      await w.bucketSize(prod, w.SEOUL, "prod-data", 9, latest);
      // Too old (3 days before the pinned clock).
      await w.bucketSize(prod, w.SEOUL, "prod-empty", 5, new Date(now - 72 * 3_600_000));
      const at = (text: string) => commandMessage(text, "", { receivedAt: new Date(now).toISOString() });
      const ask = async (text: string) => {
        const path = `/commands/T0001/${++n}/usage`;
        await withCapturedLogs(() =>
          handler(snsEvent([{ id: `u-${n}`, message: { ...at(text), responseUrl: slack.url(path) } }])),
        );
        return slack.requests.filter((r) => r.path === path).map((r) => r.json);
      };
      assert.deepEqual(await ask("s3 usage prod-data"), [
        ephemeral(
          `*\`prod-data\`* (ap-northeast-1, prod (222222222222)): *5.0 GiB* (5,368,709,120 bytes, standard storage) as of ${latest.toISOString().slice(0, 10)}.`,
        ),
      ]);
      assert.deepEqual(await ask("s3 usage prod-empty"), [
        ephemeral(
          "No BucketSizeBytes datapoint for `prod-empty` (ap-northeast-2, prod (222222222222)) in the last 2 days. " +
            "S3 reports storage metrics once a day; a new or empty bucket may have none yet.",
        ),
      ]);
      assert.deepEqual(await ask("s3 usage prod-virginia"), [
        ephemeral(
          "Sorry, `s3 usage prod-virginia` was not run: the bucket is in region `us-east-1`, which chat-ops does not enable. " +
            "Regions: `ap-northeast-2`, `ap-northeast-1`.",
        ),
      ]);
      assert.deepEqual(await ask("s3 usage no-such-bucket"), [
        ephemeral("Bucket `no-such-bucket` does not exist in prod (222222222222)."),
      ]);
    });
  });

  describe("other commands and bad input", () => {
    it("accounts and help", async () => {
      const acc = await send("accounts", { user: w.READER });
      assert.deepEqual(acc.posts, [
        ephemeral(
          "You have *read-only* access to:\n• `staging` (333333333333)\nRegions: `ap-northeast-2` (default), `ap-northeast-1`.",
        ),
      ]);
      const help = await send("help");
      assert.deepEqual(help.posts, [ephemeral(helpText("/guard"))]);
      const bad = await send("ec2 reboot i-1234abcd");
      assert.deepEqual(bad.posts, [
        ephemeral(
          "Sorry, unknown ec2 command `reboot`: use `ec2 list`, `ec2 console`, `ec2 start` or `ec2 stop`\n\n" +
            helpText("/guard"),
        ),
      ]);
    });

    it("throws (for the DLQ) on a message it cannot read, naming the problem", async () => {
      const handler = worker();
      const { error } = await withCapturedLogs(() =>
        handler(snsEvent([{ id: "m-bad", message: "{not json" }])),
      );
      assert.match(error!.message, /message m-bad: message is not JSON/);
      const local = await withCapturedLogs(() =>
        handler(snsEvent([{ id: "m-http", message: commandMessage("help", slack.url("/h")) }])),
      );
      assert.equal(local.error, undefined, "LOCAL_RUN=1 accepts http");
      assert.equal(slack.requests.length, 1);
      const deployed = createWorkerHandler(w.SETTINGS, { env: {} });
      const r = await withCapturedLogs(() =>
        deployed(snsEvent([{ id: "m-http", message: commandMessage("help", slack.url("/h")) }])),
      );
      assert.match(
        r.error!.message,
        /message m-http: invalid command message: response_url must use https \(got http:\)/,
      );
      assert.equal(slack.requests.length, 1, "nothing posted to a non-https response_url outside local runs");
      const notSns = await withCapturedLogs(() => handler({ hello: "world" }));
      assert.match(notSns.error!.message, /event has no Records/);
    });

    it("does not run a command whose response_url has expired (30 min)", async () => {
      const [i] = await w.run(prod, w.SEOUL, "api");
      const path = "/commands/T0001/old/x";
      const old = commandMessage(`ec2 stop ${i.InstanceId}`, slack.url(path), {
        receivedAt: new Date(Date.now() - 31 * 60_000).toISOString(),
      });
      const { value, logs } = await withCapturedLogs(() =>
        worker()(snsEvent([{ id: "m-old", message: old }])),
      );
      assert.deepEqual(value, { results: [{ messageId: "m-old", outcome: "expired", delivered: false }] });
      assert.ok(
        logs.some((l) => l.message === "chatops worker: command expired, not run" && l.eventId === "m-old"),
      );
      assert.equal(await w.stateOf(prod, w.SEOUL, i.InstanceId!), "running");
      assert.equal(slack.requests.length, 0);
    });

    it("refuses bad settings at creation, naming every problem", () => {
      assert.throws(
        () =>
          createWorkerHandler({
            ...w.SETTINGS,
            defaultAccount: "999999999999",
            regions: [w.SEOUL, "mars-1"],
            users: { U0X: { access: "admin" as never, accounts: ["555555555555"] } },
          }),
        {
          message:
            'invalid chat-ops worker settings: defaultAccount "999999999999" is not in accounts; regions: "mars-1" is not a region name; ' +
            'users.U0X.access must be "read-only" or "operator" (got "admin"); users.U0X.accounts: 555555555555 is not in accounts',
        },
      );
    });
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
