import { strict as assert } from "assert";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Deadline, deadlineFrom, isDeadlineExceeded, withTimeout } from "../../../handlers/shared/deadline";
import { createSeenStore, storedKey } from "../../../handlers/shared/seenStore";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { startFaultProxy } from "../remediator/faultProxy";

const TABLE = "security-guard-seen-test";
const T0 = 1_800_000_000_000; // pinned clock, ms
// A fresh 10 s per call: one budget taken when the file loads runs out while earlier suites run.
const run: Deadline["run"] = (what, call, capMs) => deadlineFrom(undefined, 0, 10_000).run(what, call, capMs);

describe("handlers/shared/seenStore (DynamoDB conditional put with TTL, moto)", () => {
  const moto = useMoto();
  let clock = T0;
  const store = (windowSeconds = 300) =>
    createSeenStore({ tableName: TABLE, windowSeconds, now: () => clock });

  beforeEach(async () => {
    clock = T0;
    await createSeenTable(TABLE);
  });

  async function item(key: string) {
    const ddb = new DynamoDBClient({ region: "us-east-1" });
    const out = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: key } } }));
    ddb.destroy();
    return out.Item;
  }

  it("records a key once within its window, with the expiry in the TTL attribute", async () => {
    const s = store();
    assert.equal(await s.recordOnce("slack:1800000000:v0=abc", run), true);
    assert.equal(await s.recordOnce("slack:1800000000:v0=abc", run), false);
    assert.equal(await s.recordOnce("slack:1800000000:v0=abd", run), true);
    assert.deepEqual(await item("slack:1800000000:v0=abc"), {
      id: { S: "slack:1800000000:v0=abc" },
      expiresAt: { N: String(T0 / 1000 + 300) },
    });
    assert.equal(await s.seen("slack:1800000000:v0=abc", run), true);
    assert.equal(await s.seen("never-recorded", run), false);
  });

  it("treats an expired item that TTL has not deleted yet as absent (read and conditional put)", async () => {
    const s = store(60);
    assert.equal(await s.recordOnce("k", run), true);
    clock = T0 + 59_000;
    assert.equal(await s.seen("k", run), true);
    assert.equal(await s.recordOnce("k", run), false);
    clock = T0 + 60_000; // expiry reached: the item is still in the table (TTL deletes lazily)
    assert.ok(await item("k"));
    assert.equal(await s.seen("k", run), false);
    assert.equal(await s.recordOnce("k", run), true);
    assert.deepEqual((await item("k"))?.expiresAt, { N: String(T0 / 1000 + 120) });
    assert.equal(await s.recordOnce("k", run), false);
  });

  it("an item without an expiry does not block its key forever: the next record overwrites it with one", async () => {
    const ddb = new DynamoDBClient({ region: "us-east-1" });
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: "no-expiry" } } }));
    ddb.destroy();
    const s = store(60);
    assert.equal(await s.seen("no-expiry", run), false);
    assert.equal(await s.recordOnce("no-expiry", run), true);
    assert.deepEqual((await item("no-expiry"))?.expiresAt, { N: String(T0 / 1000 + 60) });
    assert.equal(await s.recordOnce("no-expiry", run), false);
  });

  it("takes a per-call window", async () => {
    const s = store(300);
    assert.equal(await s.recordOnce("alert-1", run, 3600), true);
    assert.deepEqual((await item("alert-1"))?.expiresAt, { N: String(T0 / 1000 + 3600) });
    clock = T0 + 1000 * 3599;
    assert.equal(await s.recordOnce("alert-1", run), false);
  });

  it("claims a key for one owner: its retry still holds it, another owner does not until it is released or expires", async () => {
    const s = store(300);
    assert.equal(await s.claim("finding-1", "msg-a", run), true);
    assert.deepEqual((await item("finding-1"))?.owner, { S: "msg-a" });
    assert.equal(await s.claim("finding-1", "msg-b", run), false, "another delivery's copy");
    assert.equal(await s.claim("finding-1", "msg-a", run), true, "a retry of the same delivery");
    await s.release("finding-1", "msg-b", run); // not the owner: nothing happens
    assert.equal(await s.claim("finding-1", "msg-b", run), false);
    await s.release("finding-1", "msg-a", run);
    assert.equal(await item("finding-1"), undefined);
    assert.equal(await s.claim("finding-1", "msg-b", run), true, "released: the other copy may post");
    clock = T0 + 1000 * 301;
    assert.equal(await s.claim("finding-1", "msg-c", run), true, "expired");
  });

  it("of concurrent writers of one key, exactly one records it (separate containers)", async () => {
    // All twelve puts are in flight at once; the proxy hands them to moto one at a time, because
    // moto's conditional put takes no lock on its threaded server (a race there could let two win,
    // which DynamoDB never allows).
    const proxy = await startFaultProxy(moto().endpoint, [
      { action: "PutItem", times: Infinity, serialize: true },
    ]);
    const clients = Array.from(
      { length: 12 },
      () => new DynamoDBClient({ region: "us-east-1", endpoint: proxy.url }),
    );
    try {
      const results = await Promise.all(
        clients.map((client) =>
          createSeenStore({ tableName: TABLE, windowSeconds: 300, now: () => clock, client }).recordOnce(
            "same-request",
            run,
          ),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
      assert.equal(proxy.counts.PutItem, 12);
    } finally {
      for (const c of clients) c.destroy();
      await proxy.close();
    }
  });

  it("stores keys longer than 1,024 bytes as their SHA-256, distinct per key", async () => {
    const long = (c: string) => c.repeat(3000);
    assert.match(storedKey(long("a")), /^sha256:[0-9a-f]{64}$/);
    assert.equal(storedKey("short"), "short");
    const s = store();
    assert.equal(await s.recordOnce(long("a"), run), true);
    assert.equal(await s.recordOnce(long("b"), run), true);
    assert.equal(await s.recordOnce(long("a"), run), false);
    assert.ok(await item(storedKey(long("a"))));
  });

  it("names bad arguments and a missing table instead of answering 'seen'", async () => {
    assert.throws(() => createSeenStore({ tableName: "", windowSeconds: 1 }), /tableName is required/);
    assert.throws(() => createSeenStore({ tableName: TABLE, windowSeconds: 0 }), /windowSeconds/);
    await assert.rejects(store().recordOnce("", run), /key must be a non-empty string/);
    const missing = createSeenStore({ tableName: "no-such-table", windowSeconds: 5 });
    await assert.rejects(
      missing.recordOnce("k", run),
      (err: Error) => err.name === "ResourceNotFoundException",
    );
  });

  it("gives up when DynamoDB holds the call (a proxy that never answers), naming the call", async () => {
    const proxy = await startFaultProxy(moto().endpoint, [
      { action: "PutItem", times: Infinity, hang: true },
      { action: "GetItem", times: Infinity, hang: true },
    ]);
    const client = new DynamoDBClient({ region: "us-east-1", endpoint: proxy.url });
    try {
      const s = createSeenStore({ tableName: TABLE, windowSeconds: 300, client });
      const started = Date.now();
      await assert.rejects(
        s.recordOnce("k", (what, call) => withTimeout(what, 200, call)),
        (err: Error) =>
          isDeadlineExceeded(err) && /DynamoDB PutItem did not answer within 200 ms/.test(err.message),
      );
      await assert.rejects(
        s.seen("k", (what, call) => withTimeout(what, 200, call)),
        /DynamoDB GetItem did not answer within 200 ms/,
      );
      assert.ok(Date.now() - started < 5000);
      assert.equal(proxy.counts.PutItem, 1);
    } finally {
      client.destroy();
      await proxy.close();
    }
    // Nothing was written by the abandoned call's client side: the proxy never forwarded it.
    assert.equal(await item("k"), undefined);
  });

  it("a put made directly with an expired expiry is overwritten, a live one is not", async () => {
    const ddb = new DynamoDBClient({ region: "us-east-1" });
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { id: { S: "old" }, expiresAt: { N: String(T0 / 1000 - 1) } },
      }),
    );
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { id: { S: "live" }, expiresAt: { N: String(T0 / 1000 + 1) } },
      }),
    );
    ddb.destroy();
    assert.equal(await store().recordOnce("old", run), true);
    assert.equal(await store().recordOnce("live", run), false);
  });
});
