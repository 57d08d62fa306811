// The plain-text email version of a Slack message: the same title, fields, text and links, for
// the people who read alerts by mail. The notifier publishes it to the hub's email topic, whose
// email subscriptions carry a filter policy on the route. SNS Publish's Subject must be ASCII,
// start with a letter, number or punctuation mark, hold no line breaks or control characters, and
// be under 100 characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
import type { HeaderBlock, KnownBlock } from "@slack/types";
import { SlackMessage } from "./slack";
import { SEVERITY_LEVELS, SeverityLevel, levelCounts } from "./severity";
import { DigestEntry, entryDetails } from "./digestEntry";
import type { NotifierSettings } from "./settings";

/** SNS: "must be less than 100 characters long". */
export const MAX_SUBJECT_CHARS = 99;
/** SNS message size limit is 256 KB; keep the body well under it (UTF-8 may take 4 bytes a character). */
export const MAX_BODY_CHARS = 60_000;

export interface Email {
  subject: string;
  body: string;
}

/** Slack mrkdwn (escaped, with <url|label> links) as plain text: "label (url)", no markup. */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) => `${label} (${url})`)
    .replace(/<(https?:[^>]+)>/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;]|$)/g, "$1$2")
    .replace(/:(rotating_light|red_circle|warning|x|white_circle|large_[a-z_]+_circle):\s?/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** A valid SNS Subject: ASCII, one line, starting with a letter/number/punctuation, < 100 characters. */
export function emailSubject(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/\s+/g, " ")
    .replace(/[\u2192]/g, "->")
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/\u2026/g, "...")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[^A-Za-z0-9\p{P}]+/u, "");
  const subject = ascii || "Security event";
  if (subject.length <= MAX_SUBJECT_CHARS) return subject;
  return subject.slice(0, MAX_SUBJECT_CHARS - 3).trimEnd() + "...";
}

function blockLines(b: KnownBlock): string[] {
  switch (b.type) {
    case "header":
      return [];
    case "section": {
      const out: string[] = [];
      if (b.text) out.push(plainText(b.text.text), "");
      for (const f of b.fields ?? []) {
        const [label, ...rest] = plainText(f.text).split("\n");
        out.push(`${label}: ${rest.join(" / ")}`);
      }
      if (b.fields?.length) out.push("");
      return out;
    }
    case "context":
      return [b.elements.map((e) => ("text" in e ? plainText(e.text) : "")).join(" "), ""];
    case "actions":
      return [
        ...b.elements.flatMap((e) =>
          e.type === "button" && "url" in e && typeof e.url === "string" ? [`${e.text.text}: ${e.url}`] : [],
        ),
        "",
      ];
    default:
      return [];
  }
}

function headerText(msg: SlackMessage): string {
  const blocks = msg.attachments[0]?.blocks ?? [];
  const head = blocks.find((b): b is HeaderBlock => b.type === "header");
  return head ? head.text.text : plainText(msg.text);
}

function bound(body: string): string {
  return body.length <= MAX_BODY_CHARS ? body : body.slice(0, MAX_BODY_CHARS - 40) + "\n... (truncated)\n";
}

/** One event's email: "[SEVERITY] title" subject; the message's fields, text and links as the body. */
export function renderEmail(msg: SlackMessage, severity: SeverityLevel): Email {
  const title = headerText(msg);
  const lines: string[] = [title, "=".repeat(Math.min(title.length, 72)), "", `Severity: ${severity}`, ""];
  for (const att of msg.attachments) for (const b of att.blocks) lines.push(...blockLines(b));
  return {
    subject: emailSubject(`[${severity.toUpperCase()}] ${title}`),
    body: bound(
      lines
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trimEnd() + "\n",
    ),
  };
}

export interface DigestEmailEntry {
  /** What the digest lists of the event, from its finding. */
  entry: DigestEntry;
  /** Its single-event message: the details that follow the list. */
  message: SlackMessage;
}

/** One listed event: "1. [HIGH] title", then its details and event id, then its console link. */
function listed(e: DigestEntry, n: number, settings: Pick<NotifierSettings, "accountNames">): string {
  const details = [...entryDetails(e, settings), `event ${e.eventId}`];
  if (e.incomplete) details.push("incomplete event");
  const lines = [`${n}. [${e.level.toUpperCase()}] ${e.title}`, `   ${details.join(" · ")}`];
  if (e.link) lines.push(`   ${e.link.text}: ${e.link.url}`);
  return lines.join("\n");
}

/**
 * Many events for one route in one email: a count subject, the list of every event (the digest
 * line's fields, from the finding), then each event's email body in turn. The list comes first,
 * so a body bounded by the size limit still names every event.
 */
export function renderDigestEmail(
  entries: DigestEmailEntry[],
  settings: Pick<NotifierSettings, "accountNames">,
): Email {
  const sorted = [...entries].sort(
    (a, b) => SEVERITY_LEVELS.indexOf(a.entry.level) - SEVERITY_LEVELS.indexOf(b.entry.level),
  );
  const worst = sorted[0]?.entry.level ?? "info";
  const counts = levelCounts(sorted.map((e) => e.entry.level));
  const head = `${entries.length} security events (${counts})`;
  const list = sorted.map((e, i) => listed(e.entry, i + 1, settings));
  const parts = sorted.map(
    (e, i) => `--- ${i + 1} of ${entries.length} ---\n${renderEmail(e.message, e.entry.level).body}`,
  );
  return {
    subject: emailSubject(`[${worst.toUpperCase()}] ${head}`),
    body: bound(`${head}, most severe first.\n\n${list.join("\n\n")}\n\n${parts.join("\n")}`),
  };
}
