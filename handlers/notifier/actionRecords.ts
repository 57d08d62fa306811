// Binds each alert's buttons to a server-side record of what the alert may act on, just before it
// is posted: the buttons are built with the whole reference (alertButtons.ts); here each distinct
// reference is written to the alert records table and every button's value becomes a pointer to
// its record (handlers/shared/alertRecords.ts), which also keeps the alert as posted. An alert
// whose record cannot be written is posted without its buttons (a click on them would be refused)
// and the failure is logged.
import type { ActionsBlock, KnownBlock } from "@slack/types";
import { parseAlertRef } from "../shared/alertActions";
import { alertCopy, alertRecordId, AlertRecords, encodeAlertPointer } from "../shared/alertRecords";
import { RunCall } from "../shared/deadline";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { WorldPrefixes } from "../shared/world";
import { ALERT_ACTIONS_BLOCK_ID } from "./alertButtons";
import type { Invocation, RenderedMessage } from "./pipeline";
import type { SlackMessage } from "./slack";

const isActions = (b: KnownBlock): b is ActionsBlock =>
  b.type === "actions" && b.block_id === ALERT_ACTIONS_BLOCK_ID;

function mapBlocks(message: SlackMessage, f: (b: KnownBlock) => KnownBlock | undefined): SlackMessage {
  return {
    ...message,
    attachments: message.attachments.map((a) => ({
      ...a,
      blocks: a.blocks.flatMap((b) => {
        const out = f(b as KnownBlock);
        return out ? [out] : [];
      }),
    })),
  };
}

function dropButtons(r: RenderedMessage, inv: Invocation, error: string): void {
  log("error", "alert posted without its buttons: its record was not written", {
    requestId: inv.requestId,
    eventId: r.eventId ?? r.recordId,
    error,
  });
  r.message = mapBlocks(r.message!, (b) => (isActions(b) ? undefined : b));
}

/**
 * Records every alert's reference and points its buttons at the record; in place. `incidentKey`:
 * the incident the alerts are posted in (Mute and Acknowledge set its state).
 */
export async function bindAlertActions(
  rendered: RenderedMessage[],
  records: AlertRecords,
  inv: Invocation,
  capMs: number,
  /** The hub's worldPrefixes, as the alert's layout used them. */
  world?: WorldPrefixes,
  incidentKey?: string,
): Promise<void> {
  const run: RunCall = (what, call) => inv.deadline.run(what, call, capMs);
  for (const r of rendered) {
    if (!r.message) continue;
    const refs = new Map<string, ReturnType<typeof parseAlertRef>>();
    for (const a of r.message.attachments)
      for (const b of a.blocks)
        if (isActions(b))
          for (const e of b.elements)
            if (e.type === "button" && e.value && !refs.has(e.value))
              refs.set(e.value, parseAlertRef(e.value, world));
    if (refs.size === 0) continue;
    const ids = new Map<string, string>();
    const problem = [...refs.values()].find((p) => !p.ok);
    if (problem && !problem.ok) {
      dropButtons(r, inv, problem.error);
      continue;
    }
    for (const [value, parsed] of refs) if (parsed.ok) ids.set(value, alertRecordId(parsed.ref));
    // Pointers first, so the record keeps the alert exactly as it is posted (the worker rebuilds it).
    const bound = mapBlocks(r.message, (b) =>
      isActions(b)
        ? {
            ...b,
            elements: b.elements.map((e) =>
              e.type === "button" && e.value && ids.has(e.value)
                ? { ...e, value: encodeAlertPointer(ids.get(e.value)!) }
                : e,
            ),
          }
        : b,
    );
    if (alertCopy(bound) === undefined)
      log(
        "warn",
        "alert record keeps no copy of the alert: too large; a click's outcome is posted below it",
        {
          requestId: inv.requestId,
          eventId: r.eventId ?? r.recordId,
        },
      );
    try {
      for (const parsed of refs.values())
        if (parsed.ok) await records.put(parsed.ref, run, bound, incidentKey);
    } catch (err) {
      dropButtons(r, inv, errorText(err));
      continue;
    }
    r.message = bound;
  }
}
