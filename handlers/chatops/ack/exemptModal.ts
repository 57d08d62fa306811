// The Exempt dialog: a modal asking for the reason (https://api.slack.com/reference/surfaces/views),
// and what it carries through Slack to its submission in `private_metadata` (the pointer to the
// alert's record, the click's response_url and where the alert is; the worker rebuilds the alert
// from its record). Slack keeps private_metadata to 3,000 characters; a dialog whose metadata would
// be longer is not opened (Exempt then uses the default reason).
import {
  DEFAULT_EXEMPTION_DAYS,
  EXEMPT_DAYS_ACTION,
  EXEMPT_DAYS_BLOCK,
  EXEMPT_MODAL_CALLBACK_ID,
  EXEMPT_REASON_ACTION,
  EXEMPT_REASON_BLOCK,
  MAX_EXEMPT_REASON_CHARS,
  ExemptionDays,
} from "../../shared/alertActions";

/** Slack's limit for a view's private_metadata (https://api.slack.com/reference/surfaces/views). */
export const MAX_PRIVATE_METADATA_CHARS = 3000;

/** What the dialog's submission needs to queue the exemption like a click. */
export interface ExemptDialogState {
  /** The button's value: the pointer to the alert's record. */
  value: string;
  /** The click's response_url: the worker updates the alert there. */
  responseUrl: string;
  channelId?: string;
  messageTs?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export type Encoded = { ok: true; metadata: string } | { ok: false; error: string };

export function encodeDialogState(state: ExemptDialogState): Encoded {
  const compact: Record<string, unknown> = { v: 1, r: state.value, u: state.responseUrl };
  if (state.channelId) compact.c = state.channelId;
  if (state.messageTs) compact.t = state.messageTs;
  const metadata = JSON.stringify(compact);
  if (metadata.length > MAX_PRIVATE_METADATA_CHARS)
    return {
      ok: false,
      error:
        `the click is too large to carry through the reason dialog (${metadata.length} characters of ` +
        `private_metadata; Slack allows ${MAX_PRIVATE_METADATA_CHARS})`,
    };
  return { ok: true, metadata };
}

export type Decoded = { ok: true; state: ExemptDialogState } | { ok: false; error: string };

/** Reads a submission's private_metadata back, naming what is wrong. */
export function decodeDialogState(metadata: unknown): Decoded {
  const fail = (error: string): Decoded => ({ ok: false, error: `private_metadata: ${error}` });
  if (typeof metadata !== "string" || metadata === "") return fail("missing");
  if (metadata.length > MAX_PRIVATE_METADATA_CHARS)
    return fail(`longer than ${MAX_PRIVATE_METADATA_CHARS} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(metadata);
  } catch {
    return fail("not JSON");
  }
  if (!isObj(raw) || raw.v !== 1) return fail("not a version 1 object");
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const value = str(raw.r);
  const responseUrl = str(raw.u);
  if (!value) return fail("no alert reference");
  if (!responseUrl) return fail("no response_url");
  for (const key of ["c", "t", "m"])
    if (raw[key] !== undefined && !str(raw[key])) return fail(`${key} is not a non-empty string`);
  // `m`, the alert itself in dialogs opened by an earlier ack, is not used.
  return {
    ok: true,
    state: {
      value,
      responseUrl,
      ...(str(raw.c) ? { channelId: raw.c as string } : {}),
      ...(str(raw.t) ? { messageTs: raw.t as string } : {}),
    },
  };
}

const plain = (text: string) => ({ type: "plain_text", text });

/**
 * The dialog. Title, submit and close hold at most 24 characters; the input's max_length makes
 * Slack refuse a longer reason in the dialog itself (the submission is checked again).
 */
export function exemptModalView(
  privateMetadata: string,
  days: ExemptionDays = DEFAULT_EXEMPTION_DAYS,
): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: EXEMPT_MODAL_CALLBACK_ID,
    title: plain("Exempt security group"),
    submit: plain("Exempt"),
    close: plain("Cancel"),
    private_metadata: privateMetadata,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            "Exempt this alert's security group: the automatic SSH remediation and Revert will leave " +
            "it open until the exemption expires; then it is removed and SSH open to the world is " +
            "closed. The reason, who gave it and the expiry are written to the group's tags.",
        },
      },
      {
        type: "input",
        block_id: EXEMPT_REASON_BLOCK,
        label: plain("Reason"),
        element: {
          type: "plain_text_input",
          action_id: EXEMPT_REASON_ACTION,
          min_length: 1,
          max_length: MAX_EXEMPT_REASON_CHARS,
          placeholder: plain("e.g. public web server, reviewed in CHG-1234"),
        },
        hint: plain(`At most ${MAX_EXEMPT_REASON_CHARS} characters (an EC2 tag value).`),
      },
      {
        type: "input",
        block_id: EXEMPT_DAYS_BLOCK,
        label: plain("Expires after (days)"),
        element: {
          type: "number_input",
          action_id: EXEMPT_DAYS_ACTION,
          is_decimal_allowed: false,
          min_value: "1",
          max_value: String(days.maxDays),
          initial_value: String(days.defaultDays),
        },
        hint: plain(`1 to ${days.maxDays} days.`),
      },
    ],
  };
}
