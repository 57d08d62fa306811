// Every Slack line about an incident's signals leads to its event: a webhook follow-up and an
// app-mode listing reply (a flood of signals in one batch) end with an "Event ids:" line naming
// the ids the notifier log uses.
import { strict as assert } from "assert";
import { EVENT_IDS_BLOCK_ID, incidentFollowUp } from "../../../../handlers/notifier/incidents/card";
import { MAX_RICH_REPLIES } from "../../../../handlers/notifier/incidents/delivery";
import { applySignal } from "../../../../handlers/notifier/incidents/state";
import { renderWindow } from "../../../../handlers/notifier/incidents/window";
import { fixture } from "../fixtures";

type Block = { type: string; block_id?: string; elements?: Array<{ type: string; text: string }> };
const lastBlock = (m: { attachments: Array<{ blocks?: unknown[] }> }) =>
  (m.attachments[0].blocks as Block[]).at(-1)!;

describe("incident messages name their events' ids", () => {
  it("a webhook follow-up lists the event ids of the signals it lists", () => {
    const sig = (uid: string, effect: "fail" | "remediated", eventId: string, time: string) => ({
      uid,
      source: "X",
      title: uid,
      severity: "high" as const,
      effect,
      time,
      eventId,
    });
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    const a = applySignal("k", undefined, sig("a", "fail", "ev-a", "2026-11-20T10:00:00Z"), t0);
    const b = applySignal("k", a.incident, sig("b", "fail", "ev-b", "2026-11-20T10:01:00Z"), t0 + 60_000);
    const c = applySignal(
      "k",
      b.incident,
      sig("c", "remediated", "ev-c", "2026-11-20T10:02:00Z"),
      t0 + 120_000,
    );
    assert.deepEqual(lastBlock(incidentFollowUp(c.incident!, "remediated")), {
      type: "context",
      block_id: EVENT_IDS_BLOCK_ID,
      elements: [{ type: "mrkdwn", text: "Event ids: `ev-b`, `ev-c`" }],
    });
  });

  it("an app-mode listing reply (more than MAX_RICH_REPLIES signals in one batch) names every event id", async () => {
    const base = fixture("findings/inspector-ecr-image-high-no-exploit.json") as {
      id: string;
      detail: { findingArn: string };
    };
    const n = MAX_RICH_REPLIES + 2;
    const events = Array.from({ length: n }, (_, i) => {
      const e = structuredClone(base);
      e.id = `insp-event-${i}`;
      e.detail.findingArn = `${e.detail.findingArn}-${i}`;
      return e;
    });
    const batch = {
      Records: events.map((e, i) => ({
        messageId: `m-${i}`,
        body: JSON.stringify(e),
        eventSource: "aws:sqs",
      })),
    };
    const out = await renderWindow([batch], { accountNames: {}, routes: [] }, "app");
    assert.equal(out.posts.length, 1, "one card");
    assert.equal(out.replies.length, 1, "one listing reply");
    const ids = events.map((e) => `\`${e.detail.findingArn}\``).join(", ");
    assert.deepEqual(lastBlock(out.replies[0] as never), {
      type: "context",
      block_id: EVENT_IDS_BLOCK_ID,
      elements: [{ type: "mrkdwn", text: `Event ids: ${ids}` }],
    });
  });
});
