// place: between classify and route, the owner and organizational units of each record (see
// place/resolve.ts). Without lookups it is the event's own tags; with them, the lookups run a few at
// a time within the invocation's deadline, and what could not be looked up is logged under the
// record's ids (the message says it too, route.ts).
import { log } from "../../shared/log";
import { DEFAULT_OWNER_TAG_KEYS, NotifierSettings } from "../settings";
import { Invocation } from "../pipeline";
import { Place, PlaceResolver, placeFromEvent } from "../place/resolve";
import { Classified } from "./classify";

/** Lookups in flight at once: one batch's distinct resources, without a burst of calls to one account. */
export const PLACE_CONCURRENCY = 8;

export async function placeRecords(
  records: Classified[],
  settings: NotifierSettings,
  resolver: PlaceResolver | undefined,
  inv: Invocation,
): Promise<Place[]> {
  const keys = settings.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS;
  if (!resolver) return records.map((c) => placeFromEvent(c.finding, keys));
  const places: Place[] = new Array(records.length);
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      const c = records[i];
      const place = await resolver.resolve(c.finding, inv.deadline);
      places[i] = place;
      const ids = { requestId: inv.requestId, recordId: c.record.recordId, eventId: c.eventId };
      if (place.problems.length)
        log("warn", "routed without what could not be looked up", { ...ids, problems: place.problems });
      if (place.notes.length) log("info", "owner unknown", { ...ids, notes: place.notes });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLACE_CONCURRENCY, records.length) }, worker));
  return places;
}
