// Block Kit building blocks with Slack's limits applied. Colour needs the legacy attachment
// wrapper (`attachments: [{ color, blocks }]`): blocks themselves carry no colour
// (https://docs.slack.dev/messaging/formatting-message-text#when-to-use-attachments).
import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { LIMITS, SlackMessage, truncate } from "./blockKit";

/** Attachment bar colours: one constant per severity, asserted by the tests. */
export const COLORS = {
  danger: "#D00000",
  warning: "#ECB22E",
  good: "#2EB67D",
  neutral: "#9E9E9E",
} as const;
export type Severity = keyof typeof COLORS;

export { LIMITS, TRUNCATION_MARK, truncate } from "./blockKit";
export type { SlackMessage } from "./blockKit";

/**
 * Escapes the three characters Slack treats as control characters in mrkdwn, so event content
 * (alarm descriptions, user names) cannot inject links or mentions such as <!channel>
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping).
 */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inline code for an (untrusted) value; backticks inside would end the span, so they become quotes. */
export function code(s: string): string {
  return "`" + esc(s).replace(/`/g, "'") + "`";
}

/** A mrkdwn link; the label is escaped, the URL must be one we built. */
export function link(url: string, label: string): string {
  return `<${url}|${esc(label).replace(/\|/g, "¦")}>`;
}

export function header(text: string): HeaderBlock {
  return {
    type: "header",
    text: { type: "plain_text", text: truncate(text || "Event", LIMITS.header), emoji: false },
  };
}

export function section(mrkdwn: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncate(mrkdwn || " ", LIMITS.text) } };
}

export interface Field {
  /** Label (plain, trusted). */
  label: string;
  /** Value as mrkdwn (already escaped). */
  value: string;
}

/** Section(s) of two-column fields, at most 10 per section as Slack requires. */
export function fieldSections(fields: Field[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields) {
    out.push({
      type: "section",
      fields: fields.slice(i, i + LIMITS.fields).map((f) => ({
        type: "mrkdwn" as const,
        text: truncate(`*${f.label}*\n${f.value || "—"}`, LIMITS.fieldText),
      })),
    });
  }
  return out;
}

export function context(...mrkdwn: string[]): ContextBlock {
  const parts = mrkdwn.filter((m) => m.length > 0);
  return {
    type: "context",
    elements: (parts.length ? parts : [" "]).slice(0, LIMITS.contextElements).map((t) => ({
      type: "mrkdwn" as const,
      text: truncate(t, LIMITS.text),
    })),
  };
}

export interface LinkButton {
  text: string;
  url: string;
}

/**
 * An actions block of link buttons; a link whose URL is over Slack's limit (an over-long alarm
 * name or event id) is left out, and with none left there is no block.
 */
export function buttons(links: LinkButton[]): ActionsBlock[] {
  const fit = links.filter((l) => l.url.length <= LIMITS.url);
  if (!fit.length) return [];
  return [
    {
      type: "actions",
      elements: fit.map((l, i) => ({
        type: "button" as const,
        action_id: `open_${i}`,
        text: { type: "plain_text" as const, text: truncate(l.text, LIMITS.buttonText) },
        url: l.url,
      })),
    },
  ];
}

/** Assembles a message, keeping at most 50 blocks (the last one then says how many were cut). */
export function message(severity: Severity, fallback: string, blocks: KnownBlock[]): SlackMessage {
  let kept = blocks;
  if (blocks.length > LIMITS.blocks) {
    const omitted = blocks.length - (LIMITS.blocks - 1);
    kept = [
      ...blocks.slice(0, LIMITS.blocks - 1),
      context(`… ${omitted} more block(s) omitted (Slack allows ${LIMITS.blocks})`),
    ];
  }
  return { text: truncate(fallback, LIMITS.text), attachments: [{ color: COLORS[severity], blocks: kept }] };
}
