// Step: record what was changed on the group itself, as tags written right after the change.
// Why tags: if announcing the result fails (PutEvents throttled or rejected) the function fails,
// Lambda retries the same event, and that retry finds the group already fixed; without a record it
// would announce "already compliant" and Slack would never learn SSH was revoked. The record has to
// survive retries, container changes and concurrency, live where the change lives, and need no
// extra hub resource: the group's tags do, the remediation role can write only these keys, and an
// operator sees the record in the console next to the rules. A retry announces the recorded change
// when the record names the same triggering event.
// EC2 tag values hold up to 256 characters and a resource up to 50 tags
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions), so the
// record is JSON split over numbered keys, as many as the group's own tags leave free. A record
// too large even for that (a group with many tags of its own and many changed rules) is cut to
// the permissions that fit, marked with how many were left out, and logged whole.
import { CreateTagsCommand, EC2Client, SecurityGroup } from "@aws-sdk/client-ec2";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { RemediationReport, RevokedPermission } from "../shared/remediationReport";
import type { StepContext } from "./context";
import { revokedReason } from "./target";

export const RECORD_TAG_KEY = "security-guard:ssh-remediation";
/** Holds the event id once its report was published: a later delivery then reports what it sees. */
export const REPORTED_TAG_KEY = "security-guard:ssh-remediation-reported";
const TAG_VALUE_MAX = 256;
const TAGS_PER_RESOURCE_MAX = 50;

export interface ChangeRecord {
  /** The triggering event's id. */
  eventId: string;
  /** When the change was made (ISO 8601). */
  at: string;
  revoked: RevokedPermission[];
  added: RevokedPermission[];
  otherProtocolsClosed: string[];
  /** Permissions left out of a record cut to fit the group's tags (the log has them all). */
  omitted?: { revoked: number; added: number };
}

function keyOf(i: number): string {
  return i === 0 ? RECORD_TAG_KEY : `${RECORD_TAG_KEY}-${i + 1}`;
}

function isOurs(key: string | undefined): boolean {
  return key === RECORD_TAG_KEY || (key ?? "").startsWith(`${RECORD_TAG_KEY}-`);
}

function split(text: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += TAG_VALUE_MAX) chunks.push(text.slice(i, i + TAG_VALUE_MAX));
  return chunks;
}

/**
 * The record cut to `slots` tag values: added permissions go first, then revoked ones (at least
 * one revoked stays, so a retry still announces a revoke), counted in `omitted`. Undefined when
 * not even that fits.
 */
function cutToFit(record: ChangeRecord, slots: number): ChangeRecord | undefined {
  const revoked = [...record.revoked];
  const added = [...record.added];
  for (;;) {
    const cut: ChangeRecord = {
      ...record,
      revoked,
      added,
      omitted: {
        revoked: record.revoked.length - revoked.length,
        added: record.added.length - added.length,
      },
    };
    if (split(JSON.stringify(cut)).length <= slots) return cut;
    if (added.length > 0) added.pop();
    else if (revoked.length > 1) revoked.pop();
    else return undefined;
  }
}

/**
 * Writes the record; a failure is logged, not thrown: the change itself is done and verified.
 * `group` is the group as read before the change (its tags decide how many keys are free).
 */
export async function writeRecord(
  ec2: EC2Client,
  ctx: StepContext,
  record: ChangeRecord,
  group: SecurityGroup,
): Promise<void> {
  const tags0 = group.Tags ?? [];
  const ours = tags0.filter((t) => isOurs(t.Key)).map((t) => t.Key!);
  // Free keys for the record's chunks: the limit, less the group's own tags and the reported marker.
  const slots = TAGS_PER_RESOURCE_MAX - (tags0.length - ours.length) - 1;
  let text = JSON.stringify(record);
  if (split(text).length > slots) {
    const cut = cutToFit(record, slots);
    log("warn", "change too large to record on the group in full; the whole record is in this line", {
      ...ctx.logFields,
      size: text.length,
      freeTags: slots,
      recorded: cut ? "in part" : "not at all",
      record,
    });
    if (!cut) return;
    text = JSON.stringify(cut);
  }
  const chunks = split(text);
  // Keys of an older, longer record are emptied so they cannot bleed into this one; the reported
  // marker is cleared until the report is out.
  const used = chunks.map((_c, i) => keyOf(i));
  const tags = [
    ...chunks.map((Value, i) => ({ Key: used[i], Value })),
    ...ours.filter((k) => k !== REPORTED_TAG_KEY && !used.includes(k)).map((Key) => ({ Key, Value: "" })),
    { Key: REPORTED_TAG_KEY, Value: "" },
  ];
  try {
    await ctx.call("record", "ec2:CreateTags", (abortSignal) =>
      ec2.send(new CreateTagsCommand({ Resources: [ctx.target.groupId], Tags: tags }), { abortSignal }),
    );
  } catch (err) {
    log("warn", "could not record the change on the group: a retry after a failed report cannot name it", {
      ...ctx.logFields,
      error: errorText(err),
    });
  }
}

/** What a retry announces from a record: the change, and what a cut record left out. */
export function recordedChange(
  record: ChangeRecord,
): Pick<RemediationReport, "permissions" | "added" | "reason"> {
  const change = revokedReason(record);
  const left = (record.omitted?.revoked ?? 0) + (record.omitted?.added ?? 0);
  if (left === 0) return change;
  return {
    ...change,
    reason:
      `${change.reason}; and ${left} more permission change(s) not listed here ` +
      `(too many to record on the group): the remediation function's log of event ${record.eventId} has them all`,
  };
}

/** Marks the record as announced; a failure is logged (a redelivery would then announce it again). */
export async function markReported(ec2: EC2Client, ctx: StepContext, eventId: string): Promise<void> {
  try {
    await ctx.call("record", "ec2:CreateTags", (abortSignal) =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [ctx.target.groupId],
          Tags: [{ Key: REPORTED_TAG_KEY, Value: eventId }],
        }),
        { abortSignal },
      ),
    );
  } catch (err) {
    log("warn", "could not mark the recorded change as reported", {
      ...ctx.logFields,
      error: errorText(err),
    });
  }
}

/** The record on the group for this event, if an earlier attempt made the change but did not announce it. */
export function readRecord(group: SecurityGroup, eventId: string | undefined): ChangeRecord | undefined {
  if (!eventId) return undefined;
  const tags = new Map((group.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  let text = "";
  for (let i = 0; i < TAGS_PER_RESOURCE_MAX; i++) text += tags.get(keyOf(i)) ?? "";
  if (!text || tags.get(REPORTED_TAG_KEY) === eventId) return undefined;
  try {
    const r = JSON.parse(text) as Partial<ChangeRecord>;
    if (r.eventId !== eventId || !Array.isArray(r.revoked) || r.revoked.length === 0) return undefined;
    return {
      eventId: r.eventId,
      at: String(r.at),
      revoked: r.revoked,
      added: Array.isArray(r.added) ? r.added : [],
      otherProtocolsClosed: Array.isArray(r.otherProtocolsClosed) ? r.otherProtocolsClosed : [],
      ...(r.omitted
        ? { omitted: { revoked: Number(r.omitted.revoked) || 0, added: Number(r.omitted.added) || 0 } }
        : {}),
    };
  } catch {
    // Someone edited the tags by hand: no usable record, so the retry reports what it sees.
    return undefined;
  }
}
