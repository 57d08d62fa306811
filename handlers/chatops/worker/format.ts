// Text helpers for Slack replies.

// Slack recommends at most 4,000 characters in a message's text and truncates beyond 40,000
// (https://api.slack.com/methods/chat.postMessage#truncating); lists stop well before that.
export const MAX_TEXT_CHARS = 3800;

export { escapeSlack } from "../shared/text";

/** A header and as many lines as fit in MAX_TEXT_CHARS, then "… and N more". */
export function listText(header: string, lines: string[], moreHint: string): string {
  let text = header;
  for (let i = 0; i < lines.length; i++) {
    const rest = lines.length - i;
    const tail = `\n… and ${rest} more ${moreHint}`;
    if (text.length + 1 + lines[i].length + (rest > 1 ? tail.length : 0) > MAX_TEXT_CHARS) return text + tail;
    text += `\n${lines[i]}`;
  }
  return text;
}

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
