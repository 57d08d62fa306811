// Grouping: events below the immediate severity wait in the digest queue and go out together, one
// digest per destination every `windowMinutes`, instead of one Slack post each. Critical events,
// alerts that carry a Revert button and app-mode follow-ups (thread replies) are posted at once.
// Like Alertmanager's group_interval: what matters now is posted now, the rest in one message.
import type { ActionsBlock, KnownBlock } from "@slack/types";
import { ALERT_ACTIONS } from "../shared/alertActions";
import { RenderedMessage } from "./pipeline";
import { SEVERITY_LEVELS, SeverityLevel, atLeast, isSeverityLevel } from "./severity";

export interface GroupingSettings {
  /** The digest queue's URL (SQS): held events wait there for the next digest run. */
  queueUrl: string;
  /** How often a digest run posts what is held (the schedule's rate), in minutes. */
  windowMinutes: number;
  /** Events at or above this severity are posted at once (default critical). */
  immediateSeverity?: SeverityLevel;
  /** Most events one digest run takes; more wait for the next run (default 2,000). */
  maxEventsPerRun?: number;
}

export const GROUPING_DEFAULTS = { immediateSeverity: "critical" as SeverityLevel, maxEventsPerRun: 2000 };

/** EventBridge schedules run at most once a minute; a day is the longest window that still reads as news. */
export const MIN_WINDOW_MINUTES = 1;
export const MAX_WINDOW_MINUTES = 1440;
/** The default window: GuardDuty's shortest publishing interval for updated findings. */
export const DEFAULT_WINDOW_MINUTES = 15;

/** The constant input of the schedule's target: what makes an invocation a digest run. */
export const DIGEST_RUN_EVENT = { securityGuard: "digest-run" } as const;

export function isDigestRun(event: unknown): boolean {
  return (
    typeof event === "object" &&
    event !== null &&
    (event as { securityGuard?: unknown }).securityGuard === DIGEST_RUN_EVENT.securityGuard
  );
}

const QUEUE_URL = /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

export function validateGrouping(g: unknown): string[] {
  if (typeof g !== "object" || g === null || Array.isArray(g))
    return ["grouping must be an object { queueUrl, windowMinutes, immediateSeverity?, maxEventsPerRun? }"];
  const x = g as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof x.queueUrl !== "string" || !QUEUE_URL.test(x.queueUrl))
    problems.push(`grouping.queueUrl must be an SQS queue URL, got ${JSON.stringify(x.queueUrl)}`);
  if (
    !Number.isInteger(x.windowMinutes) ||
    (x.windowMinutes as number) < MIN_WINDOW_MINUTES ||
    (x.windowMinutes as number) > MAX_WINDOW_MINUTES
  )
    problems.push(
      `grouping.windowMinutes must be a whole number of minutes from ${MIN_WINDOW_MINUTES} to ${MAX_WINDOW_MINUTES}, got ${JSON.stringify(x.windowMinutes)}`,
    );
  if (x.immediateSeverity !== undefined && !isSeverityLevel(x.immediateSeverity))
    problems.push(
      `grouping.immediateSeverity must be one of ${SEVERITY_LEVELS.join(", ")}, got ${JSON.stringify(x.immediateSeverity)}`,
    );
  if (
    x.maxEventsPerRun !== undefined &&
    !(Number.isInteger(x.maxEventsPerRun) && (x.maxEventsPerRun as number) >= 1)
  )
    problems.push(
      `grouping.maxEventsPerRun must be a whole number >= 1, got ${JSON.stringify(x.maxEventsPerRun)}`,
    );
  return problems;
}

/**
 * Whether the message carries a Revert button (ingress opened to the world): reverting is worth
 * most at once, and a digest line has no buttons. Mute and Acknowledge alone do not hurry an event.
 */
export function hasRevertButton(r: RenderedMessage): boolean {
  const blocks = (r.message?.attachments ?? []).flatMap((a) => (a.blocks ?? []) as KnownBlock[]);
  return blocks.some(
    (b) =>
      b.type === "actions" &&
      (b as ActionsBlock).elements.some(
        (e) => e.type === "button" && (e as { action_id?: string }).action_id === ALERT_ACTIONS.revert,
      ),
  );
}

/** Why `r` is posted at once, or undefined when it waits for the digest. */
export function postNowBecause(
  r: RenderedMessage,
  immediate: SeverityLevel,
  appMode: boolean,
): string | undefined {
  if (!r.severity) return "it has no severity";
  if (atLeast(r.severity, immediate)) return `it is ${r.severity}`;
  if (hasRevertButton(r)) return "it carries a Revert button";
  // App mode puts a follow-up in its alert's thread, where it adds nothing to the channel.
  if (appMode && r.thread?.follows) return "it is a reply in its alert's thread";
  return undefined;
}

/** "every 15 minutes", "every hour", "every 2 hours". */
export function windowText(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? "every hour" : `every ${minutes / 60} hours`;
  return minutes === 1 ? "every minute" : `every ${minutes} minutes`;
}

/** A digest run's window, as its digests describe it. */
export interface HeldWindow {
  windowMinutes: number;
  immediate: SeverityLevel;
}

/** What posts at once instead of waiting: "critical events", "events of high severity or above". */
export function postedAtOnceText(immediate: SeverityLevel): string {
  const events = immediate === "critical" ? "critical events" : `events of ${immediate} severity or above`;
  return `${events} and alerts with a Revert button are posted at once`;
}
