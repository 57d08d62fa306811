// classify: one unwrapped record -> its finding (the edge, handlers/findings) and Slack message (the
// layout its source chooses), or why it is skipped. Never throws for bad content: bad content is a
// visible message plus a list of problems.
import { RESTRICTED_SSH_RULE_NAME } from "../../shared/constants";
import { RawRecord } from "../../findings/envelopes";
import type { Finding, Skip } from "../../findings/model";
import { findingOfRecord } from "../../findings/registry";
import { EventKind, NotifierSettings } from "../settings";
import { fitToSlack } from "../blockKit";
import { LIMITS, SlackMessage } from "../slack";
import { layout } from "../layout";
import { problemsBlock } from "../layout/generic";

/** A record's classification: its finding and message to post, or a reason to skip it. */
export interface Classified {
  record: RawRecord;
  kind: EventKind;
  accountId?: string;
  eventId?: string;
  /** What the record says, as every step after this one reads it. */
  finding?: Finding;
  /** The record a source skips, and why. */
  skip?: Skip;
  message?: SlackMessage;
  skipped?: string;
  problems: string[];
  /** The record as received, when it is shown as unreadable. */
  raw?: string;
}

/** Puts the visible "incomplete event" note just before the footer (the last block). */
function withProblemsNote(message: SlackMessage, problems: string[]): void {
  const blocks = message.attachments[0].blocks;
  if (blocks.length >= LIMITS.blocks) blocks[LIMITS.blocks - 2] = problemsBlock(problems);
  else blocks.splice(Math.max(0, blocks.length - 1), 0, problemsBlock(problems));
}

export function classifyRecord(record: RawRecord, settings: NotifierSettings): Classified {
  const out = findingOfRecord(record, {
    sshConfigRules: settings.sshConfigRules ?? [RESTRICTED_SSH_RULE_NAME],
    ...(settings.worldPrefixes ? { world: settings.worldPrefixes } : {}),
  });
  const problems = out.problems;
  if (out.skip)
    return {
      record,
      kind: out.skip.kind as EventKind,
      accountId: out.skip.accountId,
      skip: out.skip,
      skipped: out.skip.skipped,
      problems,
    };
  const f = out.finding!;
  const message = layout(f, { delivery: record, settings, problems });
  if (problems.length && !record.error) withProblemsNote(message, problems);
  return {
    record,
    kind: f.kind as EventKind,
    accountId: f.cloud.account?.uid,
    // Config and alarm notifications carry no id of their own: their SNS MessageId identifies them.
    eventId: f.metadata.event_uid ?? record.snsMessageId,
    finding: f,
    message: fitToSlack(message),
    problems,
    ...(out.raw !== undefined ? { raw: out.raw } : {}),
  };
}
