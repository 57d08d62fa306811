// The noise benchmark's small day, run as a test: the same pipeline as `npm run bench:noise`
// (event-ruler over the stacks' rules, moto's SNS with the declared filter policy, the deployed
// notifier, the Slack stand-in). Its ratios are for bench/RESULTS.md; what must hold on any day
// is asserted here: every security event reaches Slack once, and nothing else does.
import { strict as assert } from "assert";
import { runNoise } from "../../bench/noise";
import { SMOKE_DAY } from "../../bench/noiseDay";

describe("noise benchmark, small day (event-ruler, moto SNS, deployed notifier, Slack stand-in)", function () {
  this.timeout(600_000);

  it("posts every security-relevant event exactly once and no noise", async () => {
    // With the incidents table, as the hub stack deploys it: a GuardDuty re-publication is a repeat.
    const r = await runNoise(SMOKE_DAY, () => undefined, { incidents: true });
    assert.deepEqual(r.missingByWhat, {}, "security events missing from Slack");
    assert.equal(r.rawEvents, 172);
    assert.equal(r.securityGroups, 45);
    // The correlated sequences: the SSH sequence, a GuardDuty attack sequence, an Inspector flood.
    assert.equal(r.byWhat["SSH sequence: CloudTrail opens 22 to 0.0.0.0/0"], 1);
    assert.equal(r.byWhat["GuardDuty attack sequence: member finding"], 3);
    assert.equal(r.byWhat["Amazon Inspector finding (flood on a few images)"], 3);
    // The SSH sequence's Security Hub PASSED reaches the notifier by the resolve rule (45 signals).
    // A finding delivered twice, and compliance changes and alarms by two paths, are in the day.
    assert.equal(r.byWhat["Security Hub finding delivered twice"], 1);
    assert.ok(r.byWhat["compliance change by SNS (duplicate path)"] > 0);
    assert.equal(r.securityRepresented, r.securityGroups, "security events missing from Slack");
    assert.equal(r.duplicatesPosted, 0, "an event posted twice");
    assert.equal(r.noisePosted, 0, "a noise event posted");
    // Configuration-item changes and other rules' verdicts never reach the queue.
    assert.equal(r.droppedBySnsFilter, 63);
    assert.ok(r.invocations < r.invocationsWithoutFilter);
    // Grouping (on in Pulumi.hub.yaml by default): what is below critical and has no Revert button
    // waits for the digest runs, every 15 minutes of the day.
    assert.equal(r.digestEverySeconds, 900);
    assert.equal(r.digestRuns, 95);
    assert.equal(r.heldForDigest, 52);
  });

  it("app mode with incidents: every security event is in a message or a card's thread, once, and no noise", async () => {
    const r = await runNoise(SMOKE_DAY, () => undefined, { incidents: true, app: true });
    assert.equal(r.mode, "app");
    assert.deepEqual(r.missingByWhat, {}, "security events missing from Slack");
    assert.equal(r.securityRepresented, r.securityGroups);
    assert.equal(r.duplicatesPosted, 0, "an event posted twice at top level");
    assert.equal(r.noisePosted, 0, "a noise event posted");
    // Incidents: cards rewritten in place, their signals in the threads.
    assert.ok(r.updates > 0 && r.replies > 0, `updates ${r.updates}, replies ${r.replies}`);
    // The critical time is measured per message: the critical-lane candidates found, by their id,
    // in a Slack message their invocation posted are timed; every other one is accounted for by
    // what the notifier logged for its record (held for the digest, a repeat, ...), none lost.
    const notPosted = Object.entries(r.criticalNotPosted);
    assert.ok(r.criticalLane.n > 0);
    assert.deepEqual(
      notPosted.filter(([why]) => why.endsWith("no message and no outcome logged")),
      [],
      "a critical-lane candidate neither posted at once nor accounted for",
    );
  });
});
