// The noise bench reads each Slack message for the event ids it names: an app-mode card's
// "Event ids:" line counts for the time to Slack (the card carries them), but not as a second post
// of events a digest line listed before the card opened.
import { strict as assert } from "assert";
import { ownIdsText, postedIdsText } from "../../bench/noise";
import { incidentCard } from "../../handlers/notifier/incidents/card";
import { applySignal } from "../../handlers/notifier/incidents/state";

describe("noise bench: the event ids a message names", () => {
  const t0 = Date.parse("2026-11-20T10:00:00Z");
  const sig = (i: number) => ({
    uid: `f-${i}`,
    source: "X",
    title: `finding ${i}`,
    severity: "critical" as const,
    effect: "fail" as const,
    time: new Date(t0 + i * 60_000).toISOString(),
    eventId: `ev-${i}`,
  });
  const a = applySignal("k", undefined, sig(0), t0).incident!;
  const card = incidentCard(applySignal("k", a, sig(1), t0 + 60_000).incident!);

  it("an app-mode card names its timeline's event ids (the time to Slack counts it)", () => {
    assert.equal(ownIdsText(card), "Event ids: `ev-0`, `ev-1`");
  });

  it("the duplicates count leaves an app-mode card's timeline ids out, and reads webhook posts whole", () => {
    assert.doesNotMatch(postedIdsText(card, true), /ev-\d/);
    assert.match(postedIdsText(card, true), /^Incident `[0-9A-Z]{7}` · opened /);
    assert.equal(postedIdsText(card, false), "Event ids: `ev-0`, `ev-1`");
  });
});
