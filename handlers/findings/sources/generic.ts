// Everything no source module recognises: other EventBridge events, other JSON, plain-text SNS
// messages and records that could not be read. They are shown, not hidden: what they are and
// where, and the values that identify them, never a JSON dump.
import type { Observable } from "../model";
import { FINDING_CLASSES } from "../model";
import { Json, isObject, list, parseLenient, text } from "../parse";
import * as v from "valibot";
import type { Delivery, Draft, SourceModule } from "../source";

/** Field names that identify what an event is about, whatever the service (lower-cased). */
const IDENTIFYING_KEYS = [
  "title",
  "type",
  "name",
  "id",
  "severity",
  "status",
  "state",
  "resource",
  "resourcetype",
  "resourcearn",
  "resourceid",
  "arn",
  "eventname",
  "description",
];
const MAX_IDENTIFYING = 8;
const MAX_IDENTIFYING_CHARS = 200;

/**
 * The identifying values an unknown event carries (title, type, name, id, severity, resource...),
 * searched breadth-first to depth 3: enough to act on without a dedicated format.
 */
export function identifying(detail: Json): Observable[] {
  const out: Observable[] = [];
  let level: Array<[string, unknown]> = Object.entries(detail);
  for (let depth = 0; depth < 3 && level.length && out.length < MAX_IDENTIFYING; depth++) {
    const next: Array<[string, unknown]> = [];
    for (const [path, value] of level) {
      const key = path.split(".").pop()!.toLowerCase();
      if (
        (typeof value === "string" || typeof value === "number" || typeof value === "boolean") &&
        IDENTIFYING_KEYS.includes(key)
      ) {
        const shown = String(value).replace(/\s+/g, " ");
        if (shown && out.length < MAX_IDENTIFYING)
          out.push({
            name: path,
            value: shown.length > MAX_IDENTIFYING_CHARS ? shown.slice(0, MAX_IDENTIFYING_CHARS) + "…" : shown,
          });
      } else if (isObject(value)) {
        for (const [k, child] of Object.entries(value)) next.push([`${path}.${k}`, child]);
      }
    }
    level = next;
  }
  return out;
}

export function isEventBridgeEvent(payload: Json): boolean {
  return typeof payload["detail-type"] === "string" && typeof payload.source === "string";
}

/** The id of a record without one of its own: the SNS MessageId (also inside SQS), else the record id. */
function messageId(delivery: Delivery): string {
  return delivery.snsMessageId ?? delivery.recordId;
}

const base = (delivery: Delivery, label: string) => ({
  ...FINDING_CLASSES.other,
  class_name: "other" as const,
  kind: "other",
  uid: messageId(delivery),
  cloud: {},
  resources: [],
  links: [],
  metadata: { source: "other", event_uid: messageId(delivery), event_label: label },
});

/** EventBridge events of a type no source module knows. */
export const otherEventBridge: SourceModule = {
  id: "eventbridge-other",
  name: "Other EventBridge events",
  kinds: ["other"],
  detects: [],
  recognise: isEventBridgeEvent,
  map(payload, ctx): Draft {
    const e = parseLenient(
      v.object({
        id: text(),
        "detail-type": text(),
        source: text(),
        account: text(),
        region: text(),
        time: text(),
        resources: list(v.unknown()),
      }),
      payload,
      { problems: ctx.problems },
    );
    const detailType = e["detail-type"] ?? "unknown";
    const eventId = e.id ?? messageId(ctx.delivery);
    const detail = isObject(payload.detail) ? payload.detail : undefined;
    return {
      ...base(ctx.delivery, "EventBridge event"),
      uid: eventId,
      event_name: detailType,
      time: e.time,
      title: detailType,
      cloud: { account: { uid: e.account }, region: e.region },
      evidence: {
        resource_uids: (e.resources ?? []).filter((r): r is string => typeof r === "string"),
        ...(detail ? { identifying: identifying(detail), keys: Object.keys(detail) } : {}),
      },
      metadata: {
        source: "eventbridge-other",
        event_uid: eventId,
        event_label: "EventBridge event",
        event_type: detailType,
        product: e.source ?? "unknown",
      },
    };
  },
  severity: [],
  fixtures: ["eventbridge/unknown-macie-finding.json"],
};

/** JSON messages of no known shape. */
export const otherJson: SourceModule = {
  id: "json-other",
  name: "Other JSON messages",
  kinds: ["other"],
  detects: [],
  recognise: () => true,
  map: (payload, ctx): Draft => ({
    ...base(ctx.delivery, "message"),
    title: ctx.delivery.subject ?? "Unrecognised notification",
    evidence: { keys: Object.keys(payload) },
    metadata: { source: "json-other", event_uid: messageId(ctx.delivery), event_label: "message" },
  }),
  severity: [],
  fixtures: ["messages/unknown-json-message.json"],
};

/** A plain-text message (not JSON), as received. */
export function textFinding(text: string, delivery: Delivery): Draft {
  return {
    ...base(delivery, "message"),
    title: delivery.subject ?? "Notification",
    evidence: { text },
    metadata: { source: "text", event_uid: messageId(delivery), event_label: "message" },
  };
}

/** A record that could not be read at all: say so, and where to find it. */
export function unreadableFinding(error: string, delivery: Delivery, excerpt?: string): Draft {
  return {
    ...base(delivery, "record"),
    title: "Unreadable notification",
    desc: error,
    evidence: { ...(excerpt ? { excerpt } : {}) },
    unreadable: true,
    metadata: { source: "unreadable", event_uid: messageId(delivery), event_label: "record" },
  };
}

/** The severity of records without a source: unreadable ones are medium, like anything else. */
export const UNREADABLE_SEVERITY = { severity: "medium", when: "the record could not be read" } as const;
