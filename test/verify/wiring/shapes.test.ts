// The wiring summary over many spokes: spokes of one shape are checked once in organization mode
// (their documents differ only in the account id), never in account-list mode (where the account id
// decides membership); and a hub with chat-ops off gets its own access expectations.
import { strict as assert } from "assert";
import { createWiringCollector } from "../../../verify/wiring/summary";
import { HUB_CONFIG, HUB_SECRET_KEYS, SPOKE_CONFIG, evaluateStack } from "../../helpers/stacks";

async function summarize(hubValues: Record<string, unknown>, accounts: string[]) {
  const hub = await evaluateStack("hub", hubValues, { secretKeys: HUB_SECRET_KEYS });
  const collector = createWiringCollector();
  const info = (v: Record<string, unknown>) => ({
    role: v.role as "hub" | "spoke",
    accountId: String(v.accountId),
    regions: v.regions as string[],
    ...(v.organizationId ? { organizationId: String(v.organizationId) } : {}),
    ...(v.hubStack ? { hubStack: String(v.hubStack) } : {}),
  });
  collector.add("hub", info(hubValues), hub.resources);
  for (const accountId of accounts) {
    const values = { ...SPOKE_CONFIG, accountId };
    const spoke = await evaluateStack(`spoke-${accountId}`, values, {
      hubOutputs: hub.outputs as Record<string, unknown>,
    });
    collector.add(`spoke-${accountId}`, info(values), spoke.resources);
  }
  return collector.summarize({ skipRoutesReason: "not needed here" });
}

describe("wiring summary over spokes of one shape", function () {
  this.timeout(180_000);

  it("checks one spoke per shape in organization mode, and says which one stands for the others", async () => {
    const summary = await summarize({ ...HUB_CONFIG, chatops: { enabled: false } }, [
      "222222222222",
      "333333333333",
    ]);
    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.spokes.map((s) => [s.spoke, s.sameAs]),
      [
        ["spoke-222222222222", undefined],
        ["spoke-333333333333", "spoke-222222222222"],
      ],
    );
  });

  it("with chat-ops off, expects the spokes' chat-ops roles to trust nobody, and skips the worker's paths", async () => {
    const summary = await summarize({ ...HUB_CONFIG, chatops: { enabled: false } }, ["222222222222"]);
    const names = summary.spokes[0].access.map((a) => `${a.name}: ${a.actual}`);
    assert.ok(
      names.includes(
        "notifier role assumes the spoke operator role (chat-ops off: the role trusts nobody): ExplicitlyDenied",
      ),
    );
    assert.ok(!names.some((n) => n.startsWith("chat-ops worker role")), names.join("\n"));
    assert.ok(summary.spokes[0].access.every((a) => a.ok));
  });

  it("checks every spoke in account-list mode, where membership depends on the account id", async () => {
    const summary = await summarize(
      {
        ...HUB_CONFIG,
        organizationId: undefined,
        memberAccounts: ["222222222222"],
        chatops: { enabled: false },
      },
      ["222222222222", "333333333333"],
    );
    assert.deepEqual(
      summary.spokes.map((s) => s.sameAs),
      [undefined, undefined],
    );
    const forwarder = (i: number) =>
      summary.spokes[i].access.find((a) => a.name === "spoke forwarder role puts events on the hub bus")!
        .actual;
    assert.equal(forwarder(0), "Allowed");
    assert.notEqual(forwarder(1), "Allowed", "an account missing from memberAccounts must not reach the bus");
    assert.equal(summary.ok, false);
  });
});
