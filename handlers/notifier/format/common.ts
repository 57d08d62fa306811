// Pieces every formatter shares: account and time display, and the footer.
import type { KnownBlock } from "@slack/types";
import { EventKind, NotifierSettings } from "../settings";
import { Problems, own } from "../read";
import { SlackMessage, code, context, esc } from "../slack";
import { RawRecord } from "../../findings/envelopes";
import { REGION_DISPLAY_NAMES } from "../../findings/links";

/** What a formatter produces for one record. */
export interface Formatted {
  kind: EventKind;
  accountId?: string;
  /** The event's own id (CloudTrail eventID, EventBridge id, ...), for logs. */
  eventId?: string;
  /** Region code (or the region as the event named it), when known: digest lines show it. */
  region?: string;
  message: SlackMessage;
}

/** Inputs every formatter receives. */
export interface FormatContext {
  record: RawRecord;
  settings: NotifierSettings;
  problems: Problems;
}

/** "`123456789012` (payments-prod)", or "unknown" when the event named no account. */
export function accountText(accountId: string | undefined, settings: NotifierSettings): string {
  if (!accountId) return "unknown";
  const name = own(settings.accountNames, accountId);
  return name ? `${code(accountId)} (${esc(name)})` : code(accountId);
}

/** Plain account label for headers and fallback text. */
export function accountPlain(accountId: string | undefined, settings: NotifierSettings): string {
  if (!accountId) return "unknown account";
  const name = own(settings.accountNames, accountId);
  return name ? `${name} (${accountId})` : accountId;
}

const DISPLAY_BY_CODE: Record<string, string> = Object.fromEntries(
  Object.entries(REGION_DISPLAY_NAMES).map(([n, c]) => [c, n]),
);

/** "`ap-northeast-2` (Asia Pacific (Seoul))". */
export function regionText(region: string | undefined): string {
  if (!region) return "unknown";
  const name = own(DISPLAY_BY_CODE, region);
  return name ? `${code(region)} (${esc(name)})` : code(region);
}

/** An ISO timestamp as "2026-11-20 01:02:03 UTC"; an unparseable one is shown as given and reported. */
export function timeText(iso: string | undefined, label: string, problems: Problems): string {
  if (!iso) return "unknown";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) {
    problems.list.push(`${label} is not a timestamp`);
    return esc(iso);
  }
  return new Date(t)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC");
}

/**
 * The id that names a record's event when the payload has none of its own: the SNS MessageId, also
 * when the notification arrived inside an SQS message (whose id stays the record id).
 */
export function messageId(record: RawRecord): string {
  return record.snsMessageId ?? record.recordId;
}

/** Footer: event id and the path the record took. */
export function footer(record: RawRecord, eventLabel: string, eventId: string | undefined): KnownBlock {
  const parts: string[] = [];
  if (eventId) parts.push(`${esc(eventLabel)} ${code(eventId)}`);
  if (record.via !== "direct" && record.recordId !== eventId) {
    parts.push(`${record.via === "sns" ? "SNS message" : "SQS message"} ${code(record.recordId)}`);
  }
  if (record.origin) parts.push(`via ${code(record.origin)}`);
  return context(parts.join(" · ") || "no event id");
}
