// The pending-confirmation store against moto's DynamoDB: conditional writes make concurrent clicks
// safe (exactly one is first, exactly one confirms) and lapsed requests start over.
import { strict as assert } from "assert";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createConfirmations } from "../../../../handlers/chatops/worker/alerts/confirm";
import { useMoto } from "../../../helpers/moto";
import { createSeenTable } from "../../../helpers/seenTable";

const TABLE = "security-guard-alert-confirmations";
const call = <T>(_what: string, f: (s: AbortSignal) => Promise<T>) => f(new AbortController().signal);

describe("pending confirmations (moto DynamoDB)", () => {
  useMoto();
  let clock = Date.parse("2026-12-01T10:00:00Z");
  const store = () =>
    createConfirmations({
      tableName: TABLE,
      minutes: 15,
      now: () => clock,
      client: new DynamoDBClient({ region: "us-east-1" }),
    });

  beforeEach(async () => {
    clock = Date.parse("2026-12-01T10:00:00Z");
    await createSeenTable(TABLE);
  });

  it("records the first click, refuses the requester and lets another user confirm once", async () => {
    const s = store();
    const first = await s.step("revert:a", { userId: "U1", reason: "maintenance" }, call);
    assert.equal(first.kind, "requested");
    assert.equal(first.request.expiresAt, clock + 15 * 60_000);
    assert.equal((await s.step("revert:a", { userId: "U1" }, call)).kind, "same-user");
    const second = await s.step("revert:a", { userId: "U2" }, call);
    assert.deepEqual(second, {
      kind: "confirmed",
      request: { requestedBy: "U1", requestedAt: clock, expiresAt: clock + 900_000, reason: "maintenance" },
    });
    // Used up: the next click is a new request.
    assert.equal((await s.step("revert:a", { userId: "U3" }, call)).kind, "requested");
    // Another action on the same alert is a request of its own.
    assert.equal((await s.step("exempt:a", { userId: "U3" }, call)).kind, "requested");
  });

  it("of two concurrent clicks by different users, one is first and the other confirms", async () => {
    const [a, b] = await Promise.all([
      store().step("revert:b", { userId: "U1" }, call),
      store().step("revert:b", { userId: "U2" }, call),
    ]);
    assert.deepEqual([a.kind, b.kind].sort(), ["confirmed", "requested"]);
  });

  it("of two concurrent confirmations, exactly one runs the action", async () => {
    await store().step("revert:c", { userId: "U1" }, call);
    const kinds = await Promise.all(
      ["U2", "U3", "U4"].map(async (u) => (await store().step("revert:c", { userId: u }, call)).kind),
    );
    assert.equal(kinds.filter((k) => k === "confirmed").length, 1, kinds.join());
    assert.ok(
      kinds.every((k) => k === "confirmed" || k === "taken" || k === "requested"),
      kinds.join(),
    );
  });

  it("a lapsed request starts over, naming the one that lapsed", async () => {
    await store().step("revert:d", { userId: "U1" }, call);
    clock += 15 * 60_000;
    const again = await store().step("revert:d", { userId: "U2" }, call);
    assert.equal(again.kind, "requested");
    assert.equal(again.kind === "requested" && again.expired?.requestedBy, "U1");
    assert.equal(again.request.requestedBy, "U2");
  });
});
