// Pure rendering: event in, Slack messages (with their route) out. The handler's first three steps
// (parse, classify, route) without logging or delivery; used by `npm run render` and the tests.
import { RawRecord, unwrap } from "../findings/envelopes";
import { RenderedMessage } from "./pipeline";
import { NotifierSettings } from "./settings";
import { classifyRecord } from "./steps/classify";
import { routeRecord } from "./steps/route";

export type { RenderedMessage } from "./pipeline";

/** Renders one unwrapped record. Never throws for bad content: bad content is a visible message plus problems. */
export function renderRecord(record: RawRecord, settings: NotifierSettings): RenderedMessage {
  return routeRecord(classifyRecord(record, settings), settings);
}

/** The messages the notifier would post for `event`. Throws NotifierInputError when the event as a whole is unusable. */
export function renderMessages(event: unknown, settings: NotifierSettings): RenderedMessage[] {
  return unwrap(event).map((r) => renderRecord(r, settings));
}
