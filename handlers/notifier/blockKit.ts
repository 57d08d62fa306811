// Slack's Block Kit limits, in one place: https://api.slack.com/reference/block-kit/blocks (blocks
// and their text), https://api.slack.com/reference/block-kit/block-elements#button (buttons) and
// https://api.slack.com/reference/messaging/payload (top-level text). Slack answers 400
// invalid_blocks for a payload over any of them, which no retry fixes: the alert would end in the
// dead-letter queue. fitToSlack() applies them to the final message, whatever built it.
import type {
  ActionsBlock,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MessageAttachment,
  SectionBlock,
} from "@slack/types";

/** A message as the notifier posts it: blocks in one coloured attachment (slack.ts builds them). */
export interface SlackMessage {
  /** Notification/fallback text (mrkdwn, escaped), shown where blocks cannot be. */
  text: string;
  attachments: Array<MessageAttachment & { color: string; blocks: KnownBlock[] }>;
}

export const LIMITS = {
  /** Blocks per message (and per attachment). */
  blocks: 50,
  /** Characters in a section's text (and in a context element's text). */
  text: 3000,
  /** Characters in a header block's plain_text. */
  header: 150,
  /** Items in a section's `fields`, and characters in each. */
  fields: 10,
  fieldText: 2000,
  /** Elements in a context block. */
  contextElements: 10,
  /** Elements in an actions block. */
  actionsElements: 25,
  /** Characters in a button's text, and in its url. */
  buttonText: 75,
  url: 3000,
  /** Characters in the message's top-level `text` (Slack truncates beyond; we never send more). */
  messageText: 40_000,
  /** Characters in a block_id. */
  blockId: 255,
} as const;

export const TRUNCATION_MARK = "… (truncated)";

/** `cut` without a half &entity;, a half <link|label>, or a lone high surrogate at its end. */
function cleanCut(cut: string): string {
  let out = cut;
  const amp = out.lastIndexOf("&");
  if (amp > out.lastIndexOf(";")) out = out.slice(0, amp);
  const lt = out.lastIndexOf("<");
  if (lt > out.lastIndexOf(">")) out = out.slice(0, lt);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

/**
 * `s` in at most `max` characters, visibly cut: never inside an &entity; or a <link>, and an
 * inline code span left open is closed, with the closing backtick and the mark counted in `max`.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max < TRUNCATION_MARK.length + 2) return cleanCut(s.slice(0, max));
  for (let keep = max - TRUNCATION_MARK.length; keep >= 0; keep--) {
    let cut = cleanCut(s.slice(0, keep));
    // An unclosed inline code span would swallow the mark: close it.
    if ((cut.match(/`/g) ?? []).length % 2 === 1) cut += "`";
    if (cut.length + TRUNCATION_MARK.length <= max) return cut + TRUNCATION_MARK;
  }
  return TRUNCATION_MARK;
}

function fitSection(b: SectionBlock): SectionBlock {
  const out: SectionBlock = { ...b };
  if (b.text) out.text = { ...b.text, text: truncate(b.text.text, LIMITS.text) };
  if (b.fields)
    out.fields = b.fields
      .slice(0, LIMITS.fields)
      .map((f) => ({ ...f, text: truncate(f.text, LIMITS.fieldText) }));
  return out;
}

function fitContext(b: ContextBlock): ContextBlock {
  return {
    ...b,
    elements: b.elements
      .slice(0, LIMITS.contextElements)
      .map((e) =>
        "text" in e && typeof e.text === "string" ? { ...e, text: truncate(e.text, LIMITS.text) } : e,
      ),
  };
}

/** The buttons that fit: a URL over the limit cannot be shortened without breaking it, so it is dropped. */
function fitActions(b: ActionsBlock): ActionsBlock | undefined {
  const elements = b.elements
    .filter((e) => e.type !== "button" || e.url === undefined || e.url.length <= LIMITS.url)
    .slice(0, LIMITS.actionsElements)
    .map((e) =>
      e.type === "button" ? { ...e, text: { ...e.text, text: truncate(e.text.text, LIMITS.buttonText) } } : e,
    );
  return elements.length ? { ...b, elements } : undefined;
}

function fitBlock(b: KnownBlock): KnownBlock | undefined {
  const block =
    b.block_id && b.block_id.length > LIMITS.blockId
      ? { ...b, block_id: b.block_id.slice(0, LIMITS.blockId) }
      : b;
  switch (block.type) {
    case "header":
      return {
        ...block,
        text: { ...block.text, text: truncate(block.text.text, LIMITS.header) },
      } as HeaderBlock;
    case "section":
      return fitSection(block);
    case "context":
      return fitContext(block);
    case "actions":
      return fitActions(block);
    default:
      return block;
  }
}

/** `msg` within every limit above (a message already within them comes back equal). */
export function fitToSlack(msg: SlackMessage): SlackMessage {
  return {
    ...msg,
    text: truncate(msg.text, LIMITS.messageText),
    attachments: msg.attachments.map((a) => ({
      ...a,
      blocks: a.blocks
        .map(fitBlock)
        .filter((b): b is KnownBlock => b !== undefined)
        .slice(0, LIMITS.blocks),
    })),
  };
}
