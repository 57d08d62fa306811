// Showing user input back in replies (ack and worker alike).

/** Escapes the three characters Slack's mrkdwn treats as control characters
 * (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Longest piece of input a reply quotes back; a whole reply must stay under Slack's 40,000
 * characters (https://api.slack.com/methods/chat.postMessage#truncating) whatever was typed. */
export const SHOWN_MAX_CHARS = 100;

/**
 * A value the user gave, as it may appear inside a `code span` of a reply: escaped, cut to
 * SHOWN_MAX_CHARS characters (never inside a surrogate pair) with "…" marking the cut, and with
 * backticks shown as ' so the value cannot close the span around it.
 */
export function shown(value: string, max = SHOWN_MAX_CHARS): string {
  const chars = Array.from(value);
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}…` : value;
  return escapeSlack(cut).replace(/`/g, "'");
}
