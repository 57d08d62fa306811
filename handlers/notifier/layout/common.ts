// Pieces every formatter shares: account and time display, and the footer.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { own } from "../../findings/parse";
import type { Delivery } from "../../findings/source";
import { NotifierSettings } from "../settings";
import { SlackMessage, code, context, esc } from "../slack";
import { REGION_DISPLAY_NAMES } from "../../findings/links";

/** Inputs every layout receives: the record's delivery (for the footer), settings, and problems to add to. */
export interface FormatContext {
  delivery: Delivery;
  settings: Pick<NotifierSettings, "accountNames" | "alertActions" | "worldPrefixes">;
  problems: string[];
}

/** A finding's Slack message. */
export type Layout = (f: Finding, ctx: FormatContext) => SlackMessage;

/** "`123456789012` (payments-prod)", or "unknown" when the event named no account. */
export function accountText(
  accountId: string | undefined,
  settings: Pick<NotifierSettings, "accountNames">,
): string {
  if (!accountId) return "unknown";
  const name = own(settings.accountNames, accountId);
  return name ? `${code(accountId)} (${esc(name)})` : code(accountId);
}

/** Plain account label for headers and fallback text. */
export function accountPlain(
  accountId: string | undefined,
  settings: Pick<NotifierSettings, "accountNames">,
): string {
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
export function timeText(iso: string | undefined, label: string, problems: string[]): string {
  if (!iso) return "unknown";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) {
    problems.push(`${label} is not a timestamp`);
    return esc(iso);
  }
  return new Date(t)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC");
}

/** Footer: the finding's event id and the path the record took. */
export function footer(f: Finding, delivery: Delivery): KnownBlock {
  const eventId = f.metadata.event_uid;
  const parts: string[] = [];
  if (eventId) parts.push(`${esc(f.metadata.event_label)} ${code(eventId)}`);
  if (delivery.via !== "direct" && delivery.recordId !== eventId) {
    parts.push(`${delivery.via === "sns" ? "SNS message" : "SQS message"} ${code(delivery.recordId)}`);
  }
  if (delivery.origin) parts.push(`via ${code(delivery.origin)}`);
  return context(parts.join(" · ") || "no event id");
}

export const accountOf = (f: Finding): string | undefined => f.cloud.account?.uid;
