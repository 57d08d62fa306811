// What a digest lists of one event, read from its finding (handlers/findings/model.ts), never from
// the rendered single-event message: the Slack digest line (digest.ts) and the digest email
// (email.ts) show the same fields from here.
import type { Finding, Link, Resource } from "../findings/model";
import { accountPlain } from "./layout/common";
import type { RenderedMessage } from "./pipeline";
import type { NotifierSettings } from "./settings";
import type { SeverityLevel } from "./severity";
import { LIMITS, truncate } from "./slack";

/** Longest resource, actor and region label shown on a line: a line is one glance, the single message has the rest. */
const NAME_MAX = 100;
/** Longest event id shown (ids are short; a hostile one must not crowd out the rest of the line). */
const EVENT_ID_MAX = 200;

export interface DigestEntry {
  recordId: string;
  /** The event's id (CloudTrail eventID, finding id, SNS MessageId), else the record id. */
  eventId: string;
  level: SeverityLevel;
  /** The finding's title, as its message's header shows it (bounded to Slack's header length). */
  title: string;
  /** The finding's first console link. */
  link?: Link;
  /** The main resource: its name, or a short form of its id. */
  resource?: string;
  /** Who acted, when the finding says: its description, else its ARN's resource part ("user/alice"). */
  actor?: string;
  accountId?: string;
  /** Region code, or the region as the event named it. */
  region?: string;
  /** The event had missing or mistyped fields (details in the log under its id). */
  incomplete: boolean;
  /** The incident it joined and how, as mrkdwn ("incident `ID` resolved"), when it is one's signal. */
  incident?: string;
}

/** An ARN's resource part ("role/Admin" of arn:aws:iam::1:role/Admin); other ids as they are. */
function shortUid(uid: string): string {
  const parts = uid.split(":");
  return uid.startsWith("arn:") && parts.length >= 6 ? parts.slice(5).join(":") : uid;
}

function resourceText(r: Resource | undefined): string | undefined {
  if (!r) return undefined;
  if (r.name) return r.name;
  const id = [r.uid, r.uid_alt].find((u) => u && !u.startsWith("arn:")) ?? r.uid ?? r.uid_alt;
  return id ? shortUid(id) : undefined;
}

/** The digest entry of a posted record; only skipped records lack a finding, and they are never listed. */
export function digestEntry(r: RenderedMessage): DigestEntry {
  const f: Finding | undefined = r.finding;
  if (!f) throw new Error(`record ${r.recordId} has no finding: a digest lists only records with one`);
  const resource = resourceText(f.resources[0]);
  const actor = f.actor?.name ?? (f.actor?.uid ? shortUid(f.actor.uid) : undefined);
  const region = f.cloud.region ?? f.cloud.region_label;
  const more = f.related?.length ? ` (+${f.related.length} more)` : "";
  return {
    recordId: r.recordId,
    eventId: truncate(r.eventId ?? r.recordId, EVENT_ID_MAX),
    level: r.severity ?? f.severity,
    title: truncate(`${f.title}${more}`, LIMITS.header),
    ...(f.links[0] ? { link: f.links[0] } : {}),
    ...(resource ? { resource: truncate(resource, NAME_MAX) } : {}),
    ...(actor ? { actor: truncate(actor, NAME_MAX) } : {}),
    ...(f.cloud.account?.uid ? { accountId: f.cloud.account.uid } : {}),
    ...(region ? { region: truncate(region, NAME_MAX) } : {}),
    incomplete: r.problems.length > 0,
  };
}

/**
 * The entry's fields after the title, in the order a line shows them: resource, "by" actor,
 * account (with its configured name), region. `id` formats the resource, `text` the rest (Slack
 * escapes them; an email shows them as they are).
 */
export function entryDetails(
  e: DigestEntry,
  settings: Pick<NotifierSettings, "accountNames">,
  id: (s: string) => string = (s) => s,
  text: (s: string) => string = (s) => s,
): string[] {
  return [
    ...(e.resource ? [id(e.resource)] : []),
    ...(e.actor ? [text(`by ${e.actor}`)] : []),
    text(accountPlain(e.accountId, settings)),
    text(e.region ?? "unknown region"),
  ];
}
