// The alert after an action: the alert as the notifier posted it (its record's copy), with the
// outcome as a context line under its buttons (and the button of an action that is done taken
// off), posted to the click's response_url with replace_original
// (https://api.slack.com/interactivity/handling#updating_message_response).
// Refusals go to the user alone (ephemeral, replace_original false): the alert stays as it was.
// Block Kit limits: 50 blocks per message or attachment, 3,000 characters per context element
// (https://api.slack.com/reference/block-kit/blocks).
import { ALERT_ACTIONS, AlertAction } from "../../../shared/alertActions";

const MAX_BLOCKS = 50;
const MAX_CONTEXT_CHARS = 3000;
export const ACTIONS_BLOCK_ID = "guard_alert_actions";

type Block = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function outcomeBlock(text: string): Block {
  const t = text.length > MAX_CONTEXT_CHARS ? `${text.slice(0, MAX_CONTEXT_CHARS - 1)}…` : text;
  return { type: "context", elements: [{ type: "mrkdwn", text: t }] };
}

/** `blocks` with the outcome under the actions block, and `remove`'s button gone. */
function updateBlocks(blocks: Block[], text: string, remove: string | undefined): Block[] | undefined {
  const at = blocks.findIndex((b) => b.block_id === ACTIONS_BLOCK_ID);
  if (at < 0) return undefined;
  const actions = blocks[at];
  const elements = (Array.isArray(actions.elements) ? actions.elements : []).filter(
    (e) => !(isObj(e) && remove !== undefined && e.action_id === remove),
  );
  const kept: Block[] = elements.length ? [{ ...actions, elements }] : [];
  const out = [...blocks.slice(0, at), ...kept, outcomeBlock(text), ...blocks.slice(at + 1)];
  let fresh = at + kept.length;
  // Over the limit (many outcomes, or an alert posted with 50 blocks): an older line under the new
  // outcome goes first, else a block above the buttons; never the new outcome itself.
  while (out.length > MAX_BLOCKS) {
    const old = out.findIndex((b, i) => i > fresh && b.type === "context");
    if (old > 0) out.splice(old, 1);
    else if (fresh > kept.length) out.splice(--fresh - kept.length, 1);
    else out.splice(out.length - 1, 1);
  }
  return out;
}

/** The replacement message, or undefined when the original is not one of our alerts. */
export function updatedAlert(
  original: Record<string, unknown> | undefined,
  outcomeText: string,
  done: AlertAction | undefined,
): Record<string, unknown> | undefined {
  if (!original) return undefined;
  const remove = done ? ALERT_ACTIONS[done] : undefined;
  const attachments = Array.isArray(original.attachments) ? original.attachments : [];
  for (let i = 0; i < attachments.length; i++) {
    const a = attachments[i];
    if (!isObj(a) || !Array.isArray(a.blocks)) continue;
    const blocks = updateBlocks(a.blocks as Block[], outcomeText, remove);
    if (!blocks) continue;
    const next = attachments.map((x, j) => (j === i ? { ...a, blocks } : x));
    return { replace_original: true, text: original.text ?? "", attachments: next };
  }
  if (Array.isArray(original.blocks)) {
    const blocks = updateBlocks(original.blocks as Block[], outcomeText, remove);
    if (blocks) return { replace_original: true, text: original.text ?? "", blocks };
  }
  return undefined;
}

/** A note only the clicking user sees. */
export function ephemeralNote(text: string): Record<string, unknown> {
  return { response_type: "ephemeral", replace_original: false, text };
}

/** The outcome for everyone in the channel, posted below an alert that has no copy to update. */
export function outcomeBelow(text: string): Record<string, unknown> {
  return { response_type: "in_channel", replace_original: false, text };
}
