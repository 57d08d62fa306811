// Step: record what was changed on the group itself, as tags written right after the change.
// Why tags: if announcing the result fails (PutEvents throttled or rejected) the function fails,
// Lambda retries the same event, and that retry finds the group already fixed; without a record it
// would announce "already compliant" and Slack would never learn SSH was revoked. The record has to
// survive retries, container changes and concurrency, live where the change lives, and need no
// extra hub resource: the group's tags do, the remediation role can write only these keys, and an
// operator sees the record in the console next to the rules. A retry announces the recorded change
// when the record names the same triggering event.
// EC2 tag values hold up to 256 characters
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions), so the
// record is JSON split over up to RECORD_TAGS keys; a larger record is not written (logged).
import { CreateTagsCommand, EC2Client, SecurityGroup } from "@aws-sdk/client-ec2";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { RevokedPermission } from "../shared/remediationReport";
import type { StepContext } from "./context";

export const RECORD_TAG_KEY = "security-guard:ssh-remediation";
/** Holds the event id once its report was published: a later delivery then reports what it sees. */
export const REPORTED_TAG_KEY = "security-guard:ssh-remediation-reported";
const RECORD_TAGS = 6;
const TAG_VALUE_MAX = 256;

export interface ChangeRecord {
  /** The triggering event's id. */
  eventId: string;
  /** When the change was made (ISO 8601). */
  at: string;
  revoked: RevokedPermission[];
  added: RevokedPermission[];
  otherProtocolsClosed: string[];
}

function keyOf(i: number): string {
  return i === 0 ? RECORD_TAG_KEY : `${RECORD_TAG_KEY}-${i + 1}`;
}

/** Writes the record; a failure is logged, not thrown: the change itself is done and verified. */
export async function writeRecord(ec2: EC2Client, ctx: StepContext, record: ChangeRecord): Promise<void> {
  const text = JSON.stringify(record);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += TAG_VALUE_MAX) chunks.push(text.slice(i, i + TAG_VALUE_MAX));
  if (chunks.length > RECORD_TAGS) {
    log("warn", "change too large to record on the group: a retry after a failed report cannot name it", {
      ...ctx.logFields,
      size: text.length,
    });
    return;
  }
  // Unused chunk keys are emptied; the reported marker is cleared until the report is out. so an older, longer record cannot bleed into this one.
  const tags = [
    ...Array.from({ length: RECORD_TAGS }, (_, i) => ({ Key: keyOf(i), Value: chunks[i] ?? "" })),
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
  for (let i = 0; i < RECORD_TAGS; i++) text += tags.get(keyOf(i)) ?? "";
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
    };
  } catch {
    // Someone edited the tags by hand: no usable record, so the retry reports what it sees.
    return undefined;
  }
}
