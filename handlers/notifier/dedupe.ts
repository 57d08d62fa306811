// De-duplication: the same verdict can reach the notifier by two paths (a us-east-1 compliance
// change arrives through the Config topic and through the EventBridge forwarder; an alarm through
// its SNS action and its EventBridge state change). An event's key names what it says (kind, rule
// or event name, resource, verdict, and the time the event orders itself by), not the path it
// took, so both copies have the same key; the first claim of a key within the window posts.
import { EventFacts } from "./findingFacts";

/** How long a key is remembered: both paths deliver within minutes of each other. */
export const DEDUPE_WINDOW_SECONDS = 3600;

/** A time as ISO-8601 UTC with milliseconds, so "+0000" and "Z" spellings of one instant agree. */
function instant(t: string | undefined): string {
  if (!t) return "";
  // CloudWatch's SNS alarm messages write "2026-11-20T01:02:03.456+0000", which Date.parse rejects.
  const fixed = t.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(fixed);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/**
 * The key two deliveries of one event share, or undefined when the event cannot be told apart from
 * others (an unreadable record, or one naming neither a time nor a resource): those are never dropped.
 * `eventId` is the event's own id (CloudTrail eventID), which identifies it across paths by itself.
 */
export function dedupeKey(f: EventFacts, eventId?: string): string | undefined {
  if (f.unreadable) return undefined;
  if (f.sourceId) return f.sourceId;
  if ((f.kind === "iam" || f.kind === "security-group") && eventId) return `cloudtrail|${eventId}`;
  if (!f.time && !f.resourceId) return undefined;
  const verdict = f.kind === "config-compliance" ? (f.compliance ?? "") : "";
  return [
    f.kind,
    f.accountId ?? "",
    f.region ?? "",
    f.eventName ?? "",
    f.resourceId ?? "",
    verdict,
    instant(f.time),
  ].join("|");
}
