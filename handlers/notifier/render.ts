// Pure rendering: event in, Slack messages (with their route) out. The handler's first three steps
// (parse, classify, route) without logging or delivery; used by `npm run render` and the tests.
import { RawRecord, unwrap } from "../findings/envelopes";
import { RenderedMessage } from "./pipeline";
import { placeFromEvent } from "./place/resolve";
import type { RoutePlace } from "./routing";
import { DEFAULT_OWNER_TAG_KEYS, NotifierSettings } from "./settings";
import { classifyRecord } from "./steps/classify";
import { routeRecord } from "./steps/route";

export type { RenderedMessage } from "./pipeline";

/**
 * Renders one unwrapped record. Never throws for bad content: bad content is a visible message plus
 * problems. The owner is the event's own (nothing is looked up) unless `given` names what a lookup
 * would find (npm run routes --owner / --ou).
 */
export function renderRecord(
  record: RawRecord,
  settings: NotifierSettings,
  given: RoutePlace = {},
): RenderedMessage {
  const c = classifyRecord(record, settings);
  const place = { ...placeFromEvent(c.finding, settings.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS), ...given };
  return routeRecord(c, settings, place);
}

/** The messages the notifier would post for `event`. Throws NotifierInputError when the event as a whole is unusable. */
export function renderMessages(event: unknown, settings: NotifierSettings): RenderedMessage[] {
  return unwrap(event).map((r) => renderRecord(r, settings));
}
