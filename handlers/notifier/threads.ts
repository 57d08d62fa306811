// Slack app mode's thread facts of a record: an alert is remembered under its alert key (so what
// follows it can find its thread); a remediation report follows the alert that triggered it (same
// account, trigger event id) and says how the alert's header should read now. Pure: the post step
// does the Slack and DynamoDB calls.
import type { KnownBlock } from "@slack/types";
import { alertKey } from "../shared/alertThreads";
import type { RemediationOutcome } from "../shared/remediationReport";
import { LIMITS, truncate } from "./blockKit";
import type { Finding } from "../findings/model";
import type { Classified } from "./steps/classify";
import type { ThreadFacts } from "./pipeline";
import { COLORS, Severity, SlackMessage, context, esc, header } from "./slack";

export type { ThreadFacts };

/** "12 s", "4 min 5 s", "2 h 3 min": the time between two instants, for a header. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}

/** The alert's new header for a remediation outcome (`after`: how long after the opening it ran). */
function remediationHeader(
  outcome: string | undefined,
  after: string | undefined,
): { header: string; severity: Severity } | undefined {
  const headers: Record<RemediationOutcome, { header: string; severity: Severity }> = {
    revoked: {
      header: after ? `SSH closed automatically ${after} after it was opened` : "SSH closed automatically",
      severity: "good",
    },
    "dry-run": {
      header: `Dry run: SSH would have been closed automatically${after ? ` ${after} after it was opened` : ""}`,
      severity: "warning",
    },
    exempt: { header: "SSH left open: the security group is exempt", severity: "warning" },
    "already-compliant": {
      header: "SSH is no longer open to the internet: nothing to revoke",
      severity: "good",
    },
    "group-not-found": { header: "The security group no longer exists", severity: "neutral" },
  };
  return outcome !== undefined && Object.hasOwn(headers, outcome)
    ? headers[outcome as RemediationOutcome]
    : undefined;
}

/** The facts of a remediation report: the alert it follows and its header (from the report alone). */
function reportFacts(f: Finding): ThreadFacts | undefined {
  const account = f.cloud.account?.uid;
  const triggerId = f.evidence.trigger?.event_uid;
  if (!account || !triggerId) return undefined;
  const opened = Date.parse(f.first_seen ?? "");
  // The report's EventBridge time is when the remediation function reported, i.e. acted.
  const acted = Date.parse(f.time ?? "");
  const after =
    Number.isFinite(opened) && Number.isFinite(acted) && acted >= opened
      ? durationText(acted - opened)
      : undefined;
  const h = remediationHeader(f.event_name, after);
  return {
    follows: {
      alertKey: alertKey(account, triggerId),
      ...(h ?? {}),
      ...(Number.isFinite(acted) ? { reportedAt: acted } : {}),
    },
  };
}

/** The record's thread facts, or undefined when it neither is an alert nor follows one. */
export function threadFacts(c: Classified): ThreadFacts | undefined {
  if (c.skipped !== undefined || !c.message) return undefined;
  if (c.kind === "remediation") return c.finding ? reportFacts(c.finding) : undefined;
  if (!c.accountId || !c.eventId) return undefined;
  return { alertKey: alertKey(c.accountId, c.eventId) };
}

/**
 * The alert message with its header replaced by `newHeader` (the old headline kept just below it,
 * struck through) and its colour by the outcome's: what chat.update sends.
 */
export function withUpdatedHeader(
  alert: { text: string; attachments?: unknown[] },
  newHeader: string,
  severity: Severity | undefined,
): SlackMessage {
  const [first, ...rest] = (alert.attachments ?? []) as SlackMessage["attachments"];
  const blocks = [...((first?.blocks ?? []) as KnownBlock[])];
  const at = blocks.findIndex((b) => b.type === "header");
  const old = at >= 0 ? (blocks[at] as { text: { text: string } }).text.text : undefined;
  const note = context(old ? `~${esc(old)}~` : " ");
  if (at >= 0) blocks.splice(at, 1, header(newHeader), note);
  else blocks.unshift(header(newHeader));
  const kept = blocks.slice(0, LIMITS.blocks);
  return {
    text: truncate(`${esc(newHeader)}: ${alert.text}`, LIMITS.messageText),
    attachments: [
      {
        ...(first ?? {}),
        color: severity ? COLORS[severity] : (first?.color ?? COLORS.neutral),
        blocks: kept,
      },
      ...rest,
    ],
  };
}
