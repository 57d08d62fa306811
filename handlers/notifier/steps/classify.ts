// classify: one unwrapped record -> its kind, account and Slack message (or why it is skipped).
// Never throws for bad content: bad content is a visible message plus a list of problems.
import { errorText } from "../../shared/errors";
import { RawRecord } from "../../findings/envelopes";
import { newProblems } from "../read";
import { EventKind, NotifierSettings } from "../settings";
import { fitToSlack } from "../blockKit";
import { LIMITS, SlackMessage } from "../slack";
import { FormatContext, Formatted } from "../format/common";
import { Skipped, formatPayload } from "../format/registry";
import { formatText, formatUnreadable, problemsBlock } from "../format/generic";

/** A record's classification: a message to post, or a reason to skip it. */
export interface Classified {
  record: RawRecord;
  kind: EventKind;
  accountId?: string;
  eventId?: string;
  region?: string;
  message?: SlackMessage;
  skipped?: string;
  problems: string[];
  /** The record as received, when it is shown as unreadable. */
  raw?: string;
}

function format(record: RawRecord, ctx: FormatContext): (Formatted | Skipped) & { raw?: string } {
  if (record.error) {
    ctx.problems.list.push(record.error);
    return { ...formatUnreadable(record.error, ctx), raw: record.raw };
  }
  if (!record.payload) return formatText(record.text ?? "", ctx);
  try {
    return formatPayload(record.payload, ctx);
  } catch (err) {
    // A formatter bug must not lose the event: fall back to the unreadable form, and say why.
    const why = `formatting failed (${errorText(err)})`;
    ctx.problems.list.push(why);
    return { ...formatUnreadable(why, ctx), raw: JSON.stringify(record.payload) };
  }
}

/** Puts the visible "incomplete event" note just before the footer (the last block). */
function withProblemsNote(message: SlackMessage, problems: string[]): void {
  const blocks = message.attachments[0].blocks;
  if (blocks.length >= LIMITS.blocks) blocks[LIMITS.blocks - 2] = problemsBlock(problems);
  else blocks.splice(Math.max(0, blocks.length - 1), 0, problemsBlock(problems));
}

export function classifyRecord(record: RawRecord, settings: NotifierSettings): Classified {
  const problems = newProblems();
  const out = format(record, { record, settings, problems });
  const base = { record, kind: out.kind, accountId: out.accountId, problems: problems.list };
  if ("skipped" in out) return { ...base, skipped: out.skipped };
  if (problems.list.length && !record.error) withProblemsNote(out.message, problems.list);
  return {
    ...base,
    // Config and alarm notifications carry no id of their own: their SNS MessageId identifies them.
    eventId: out.eventId ?? record.snsMessageId,
    region: out.region,
    message: fitToSlack(out.message),
    ...(out.raw !== undefined ? { raw: out.raw } : {}),
  };
}
