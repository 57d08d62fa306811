// Muted signals and incidents: a mute silences a signal in Slack, not in its incident. A muted
// signal of a live incident still joins it (its state, counts and timeline: a muted PASSED verdict
// still resolves it), recorded but not posted; a muted signal opens no incident of its own.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import type { Invocation, RenderedMessage } from "../pipeline";
import { storeCall } from "./delivery";
import type { IncidentStore } from "./store";

/** Applies each muted record's signal to its live incident, if it has one; logs what it did. */
export async function recordMuted(
  records: RenderedMessage[],
  store: IncidentStore,
  inv: Invocation,
): Promise<void> {
  for (const r of records) {
    if (r.muted === undefined || !r.signal) continue;
    const ids = { requestId: inv.requestId, recordId: r.recordId, eventId: r.eventId ?? r.recordId };
    try {
      const key = await store.keyOf(r.signal, storeCall(inv));
      if (!key || !(await store.get(key, storeCall(inv)))) continue;
      const applied = await store.apply(
        key,
        { ...r.signal, eventId: r.eventId ?? r.recordId },
        storeCall(inv),
        r.recordId,
      );
      log("info", "muted signal recorded on its incident (not posted)", {
        ...ids,
        mute: r.muted,
        incidentKey: key,
        incident: applied.incident?.id,
        change: applied.change,
      });
    } catch (err) {
      log("error", "incident store did not answer; the muted signal is not recorded on its incident", {
        ...ids,
        error: errorText(err),
      });
    }
  }
}
