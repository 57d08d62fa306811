// Email follows incidents: the records whose signal opened an incident or changed its state get
// an email (through the route's email subscriptions, steps/email.ts); a signal that only joined an
// open incident, or a repeat, sends none.
import type { RenderedMessage } from "../pipeline";
import type { IncidentGroup } from "./delivery";
import { STATE_CHANGES } from "./state";

export function emailable(groups: IncidentGroup[]): RenderedMessage[] {
  return groups.flatMap((g) =>
    g.items
      .filter(
        (i) =>
          STATE_CHANGES.includes(i.applied.change) ||
          (i.applied.change === "retry" && !i.applied.before?.posted),
      )
      .map((i) => i.record),
  );
}
