// Every Slack line about an incident's signals leads to its event: a webhook follow-up and an
// app-mode listing reply (a flood of signals in one batch) end with an "Event ids:" line naming
// the ids the notifier log uses; an app-mode card names the event of each timeline line it shows.
import { strict as assert } from "assert";
import {
  EVENT_IDS_BLOCK_ID,
  incidentCard,
  incidentFollowUp,
} from "../../../../handlers/notifier/incidents/card";
import { MAX_RICH_REPLIES } from "../../../../handlers/notifier/incidents/delivery";
import { TIMELINE_LENGTH, applySignal } from "../../../../handlers/notifier/incidents/state";
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

  it("an app-mode card names each shown timeline line's event id, in the timeline's order, and counts the lines not shown", () => {
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    const at = (i: number) => new Date(t0 + i * 60_000).toISOString();
    const sig = (i: number) => ({
      uid: `f-${i}`,
      source: "X",
      title: `finding ${i}`,
      severity: "high" as const,
      effect: "fail" as const,
      time: at(i),
      eventId: `ev-${i}`,
    });
    let inc = applySignal("k", undefined, sig(0), t0).incident!;
    const ids = (card: ReturnType<typeof incidentCard>) =>
      (card.attachments[0].blocks as Block[]).filter((b) => b.block_id === EVENT_IDS_BLOCK_ID);
    assert.deepEqual(ids(incidentCard(inc)), [
      {
        type: "context",
        block_id: EVENT_IDS_BLOCK_ID,
        elements: [{ type: "mrkdwn", text: "Event ids: `ev-0`" }],
      },
    ]);
    // Three more signals than the timeline keeps: the first and the latest lines are shown, as are their ids.
    const n = TIMELINE_LENGTH + 3;
    for (let i = 1; i < n; i++) inc = applySignal("k", inc, sig(i), t0 + i * 60_000).incident!;
    assert.equal(inc.omitted, 3);
    const card = incidentCard(inc);
    const blocks = card.attachments[0].blocks as Array<Block & { text?: { text: string } }>;
    const shown = [
      "`ev-0`",
      "… 3 not shown",
      ...Array.from({ length: TIMELINE_LENGTH - 1 }, (_, k) => `\`ev-${k + 4}\``),
    ];
    assert.deepEqual(ids(card), [
      {
        type: "context",
        block_id: EVENT_IDS_BLOCK_ID,
        elements: [{ type: "mrkdwn", text: `Event ids: ${shown.join(", ")}` }],
      },
    ]);
    // Right under the timeline it names, which has as many lines (its "… 3 more signal(s)" line included).
    const at_ = blocks.findIndex((b) => b.block_id === EVENT_IDS_BLOCK_ID);
    assert.equal(blocks[at_ - 1].text!.text.split("\n").length, shown.length);
    assert.match(blocks[at_ - 1].text!.text.split("\n")[1], /^… 3 more signal\(s\)$/);
    // A timeline entry stored before ids were recorded keeps its place with a dash.
    const legacy = {
      ...inc,
      timeline: inc.timeline.map((e, i) => (i === 1 ? { ...e, eventId: undefined } : e)),
    };
    assert.match(
      ids(incidentCard(legacy))[0].elements![0].text,
      /^Event ids: `ev-0`, … 3 not shown, —, `ev-5`/,
    );
    // No id at all (an incident stored before ids were recorded): no line.
    const none = { ...inc, timeline: inc.timeline.map((e) => ({ ...e, eventId: undefined })) };
    assert.deepEqual(ids(incidentCard(none)), []);
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
