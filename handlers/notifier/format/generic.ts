// Everything without a dedicated format: unknown EventBridge events, unknown JSON, plain-text SNS
// messages and unreadable records. Readable summaries only: names and ids, never a JSON dump.
import type { KnownBlock } from "@slack/types";
import { Json, isObject, str } from "../read";
import { Field, code, context, esc, fieldSections, header, message, section } from "../slack";
import {
  FormatContext,
  Formatted,
  accountPlain,
  accountText,
  footer,
  regionText,
  timeText,
  messageId,
} from "./common";

const MAX_KEYS = 15;

function keyList(o: Json): string {
  const keys = Object.keys(o);
  const shown = keys.slice(0, MAX_KEYS).map(code).join(", ");
  return keys.length > MAX_KEYS ? `${shown} and ${keys.length - MAX_KEYS} more` : shown || "none";
}

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
 * searched breadth-first to depth 3, as "• `path`: value" lines: enough to act on without a
 * dedicated format.
 */
export function identifyingLines(detail: Json): string[] {
  const lines: string[] = [];
  let level: Array<[string, unknown]> = Object.entries(detail);
  for (let depth = 0; depth < 3 && level.length && lines.length < MAX_IDENTIFYING; depth++) {
    const next: Array<[string, unknown]> = [];
    for (const [path, v] of level) {
      const key = path.split(".").pop()!.toLowerCase();
      if (
        (typeof v === "string" || typeof v === "number" || typeof v === "boolean") &&
        IDENTIFYING_KEYS.includes(key)
      ) {
        const text = String(v).replace(/\s+/g, " ");
        if (text && lines.length < MAX_IDENTIFYING)
          lines.push(
            `• ${code(path)}: ${esc(text.length > MAX_IDENTIFYING_CHARS ? text.slice(0, MAX_IDENTIFYING_CHARS) + "…" : text)}`,
          );
      } else if (isObject(v)) {
        for (const [k, child] of Object.entries(v)) next.push([`${path}.${k}`, child]);
      }
    }
    level = next;
  }
  return lines;
}

export function isEventBridgeEvent(payload: Json): boolean {
  return typeof payload["detail-type"] === "string" && typeof payload.source === "string";
}

export function formatGenericEventBridge(e: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detailType = str(e, "detail-type", problems) ?? "unknown";
  const source = str(e, "source", problems) ?? "unknown";
  const accountId = str(e, "account", problems);
  const region = str(e, "region", problems);
  const eventId = str(e, "id", problems) ?? messageId(record);
  const resources = (Array.isArray(e.resources) ? e.resources : []).filter(
    (r): r is string => typeof r === "string",
  );
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Source", value: code(source) },
    { label: "Time", value: timeText(str(e, "time", problems), "time", problems) },
  ];
  const blocks: KnownBlock[] = [header(detailType), ...fieldSections(fields)];
  const lines = ["This event type has no dedicated format."];
  if (resources.length)
    lines.push(
      `*Resources*: ${resources.slice(0, 10).map(code).join(", ")}${resources.length > 10 ? ` and ${resources.length - 10} more` : ""}`,
    );
  if (isObject(e.detail)) {
    const identifying = identifyingLines(e.detail);
    if (identifying.length) lines.push(`*What it is about*\n${identifying.join("\n")}`);
    lines.push(`*Detail fields*: ${keyList(e.detail)}`);
  }
  blocks.push(section(lines.join("\n")), footer(record, "EventBridge event", eventId));
  return {
    kind: "other",
    accountId,
    eventId,
    region,
    message: message(
      "neutral",
      `${esc(detailType)} from ${esc(source)} in ${esc(accountPlain(accountId, settings))}`,
      blocks,
    ),
  };
}

export function formatUnknownJson(payload: Json, ctx: FormatContext): Formatted {
  const { record } = ctx;
  const title = record.subject ?? "Unrecognised notification";
  const blocks: KnownBlock[] = [
    header(title),
    section(
      `The notifier does not recognise this message's format.\n*Top-level fields*: ${keyList(payload)}`,
    ),
    footer(record, "message", messageId(record)),
  ];
  return {
    kind: "other",
    eventId: messageId(record),
    message: message("neutral", `Unrecognised notification: ${esc(title)}`, blocks),
  };
}

export function formatText(text: string, ctx: FormatContext): Formatted {
  const { record } = ctx;
  const title = record.subject ?? "Notification";
  const blocks: KnownBlock[] = [
    header(title),
    section(esc(text)),
    footer(record, "message", messageId(record)),
  ];
  return { kind: "other", eventId: messageId(record), message: message("neutral", esc(title), blocks) };
}

/** A record that could not be read at all: say so, and where to find it. */
export function formatUnreadable(error: string, ctx: FormatContext): Formatted {
  const { record } = ctx;
  const blocks: KnownBlock[] = [
    header("Unreadable notification"),
    section(
      `A notification reached the notifier but could not be read: ${esc(error)}.\nThe record as received is in the notifier's log under this id.`,
    ),
  ];
  if (record.excerpt) blocks.push(section(`*Start of the message*\n${code(record.excerpt)}`));
  if (record.subject) blocks.push(context(`Subject: ${esc(record.subject)}`));
  blocks.push(footer(record, "record", messageId(record)));
  return {
    kind: "other",
    eventId: messageId(record),
    message: message("warning", `Unreadable notification (${esc(error)})`, blocks),
  };
}

/** A visible note listing what was missing or mistyped in an event that was otherwise formatted. */
export function problemsBlock(problems: string[]): KnownBlock {
  const shown = problems.slice(0, 10).map(esc).join("; ");
  return context(
    `:warning: Incomplete event: ${shown}${problems.length > 10 ? `; and ${problems.length - 10} more` : ""}`,
  );
}
