// The wiring summary `npm run plan` prints: the repo's own stack configs (hub + three spokes),
// evaluated as plan evaluates them, with the routes run in moto.
import { strict as assert } from "assert";
import * as path from "path";
import { evaluateStacks } from "../../../verify/evaluateStacks";
import { listStackFiles } from "../../../verify/stackFiles";
import { motoEmulator } from "../../../verify/wiring/routes";
import {
  WiringSummary,
  createWiringCollector,
  formatWiringSummary,
  stackWiringInfo,
} from "../../../verify/wiring/summary";
import { useMoto } from "../../helpers/moto";

describe("wiring: summary for npm run plan (repo stack configs)", function () {
  this.timeout(180_000);
  const moto = useMoto();
  let summary: WiringSummary;

  before(async () => {
    const collector = createWiringCollector();
    const failures: string[] = [];
    await evaluateStacks(
      listStackFiles(path.resolve(__dirname, "..", "..", "..")),
      ({ stack, evaluation, error }) => {
        if (!evaluation) failures.push(`${stack.stack}: ${error?.message}`);
        else collector.add(stack.stack, stackWiringInfo(stack.config), evaluation.resources);
      },
    );
    assert.deepEqual(failures, []);
    summary = await collector.summarize({
      emulator: async () => {
        await moto().reset();
        return motoEmulator();
      },
    });
  });

  it("covers every stack and every spoke against its hub, and is OK", () => {
    const text = formatWiringSummary(summary);
    assert.deepEqual(summary.actions.map((a) => a.stack).sort(), [
      "hub",
      "spoke-data",
      "spoke-payments",
      "spoke-web",
    ]);
    assert.deepEqual(summary.spokes.map((s) => `${s.hub} <- ${s.spoke}`).sort(), [
      "hub <- spoke-data",
      "hub <- spoke-payments",
      "hub <- spoke-web",
    ]);
    for (const s of summary.spokes) {
      assert.equal(s.error, undefined, s.error);
      // The 73 paths of access.test.ts (64, plus those of routes by owner: the notifier assuming the
      // spoke read role, that role reading tags by EC2 id, by ARN and of IAM roles and users, and
      // not tagging; and the hub resolve rule's publish).
      assert.equal(s.access.length, 73);
      assert.ok(s.routes, `${s.spoke}: routes ran`);
      const c = s.routes!.comparison;
      assert.deepEqual(c.mismatches, [], s.spoke);
      // event-ruler (provisioned by the pretest step) decides what moto cannot, and agrees elsewhere.
      assert.match(c.second ?? `none: ${c.secondUnavailable}`, /^event-ruler \d/, s.spoke);
      assert.deepEqual([c.unproven, c.disagreements], [[], []], s.spoke);
      assert.ok(c.crossChecked > 100, `${s.spoke}: ${c.crossChecked} cells cross-checked`);
    }
    assert.equal(summary.ok, true, text);
    assert.match(text, /wiring OK$/);
    // The plan's default (verbose) output lists every path and the matrices; --brief only failures.
    const verbose = formatWiringSummary(summary, { verbose: true });
    assert.match(verbose, /hub <- spoke-payments\n +ok +EventBridge assumes the spoke forwarder role/);
    assert.match(
      verbose,
      /decided by event-ruler [\d.]+: sg world ssh Seoul x hub:hub-remediate: intended reached/,
    );
    assert.match(
      text,
      /0 not provable in moto, \d+ decided by event-ruler [\d.]+, 0 moto\/event-ruler disagreements/,
    );
  });

  it("without event-ruler (no Java), routes still run in moto and say why cells stay not provable", async () => {
    const collector = createWiringCollector();
    await evaluateStacks(
      listStackFiles(path.resolve(__dirname, "..", "..", "..")).filter((s) =>
        ["hub", "spoke-data"].includes(s.stack),
      ),
      ({ stack, evaluation }) =>
        collector.add(stack.stack, stackWiringInfo(stack.config), evaluation!.resources),
    );
    const without = await collector.summarize({
      emulator: async () => {
        await moto().reset();
        return motoEmulator();
      },
      ruler: { unavailable: "no Java runtime (test)" },
    });
    const c = without.spokes[0].routes!.comparison;
    assert.equal(c.second, undefined);
    assert.equal(c.crossChecked, 0);
    assert.match(
      formatWiringSummary(without),
      /not provable in moto \(event-ruler not used: no Java runtime \(test\)\)/,
    );
  });

  it("reports routes as skipped, not passed, without an emulator", async () => {
    const collector = createWiringCollector();
    await evaluateStacks(
      listStackFiles(path.resolve(__dirname, "..", "..", "..")).filter((s) =>
        ["hub", "spoke-web"].includes(s.stack),
      ),
      ({ stack, evaluation }) =>
        collector.add(stack.stack, stackWiringInfo(stack.config), evaluation!.resources),
    );
    const skipped = await collector.summarize({ skipRoutesReason: "moto not installed" });
    assert.equal(skipped.spokes[0].routes, undefined);
    assert.match(formatWiringSummary(skipped), /routes: skipped \(moto not installed\)/);
  });
});
