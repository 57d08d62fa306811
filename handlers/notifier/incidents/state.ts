// One incident's state, and what a signal does to it. Pure: the store (store.ts) runs this inside
// a conditional write, so two batches that see the same incident cannot both apply their change.
//
//   no incident / window over  + fail        -> opened      (one new Slack message)
//   no incident / window over  + remediated  -> opened, already remediated (it is news)
//   no incident / window over  + pass        -> unmatched   (nothing to resolve: not posted)
//   open / muted / acknowledged + remediated -> remediated
//   any state but resolved      + pass       -> resolved
//   resolved                    + fail       -> reopened    (a verdict newer than the resolution)
//   remediated / resolved       + fail       -> reopened by a change (a CloudTrail call) observed
//                                               after the fix, or by a verdict observed more than
//                                               VERDICT_LAG_SECONDS after it; a verdict nearer the
//                                               fix is history (joined): Config and Security Hub
//                                               evaluate minutes after the change they judge
//   the same finding saying the same again   -> repeat      (GuardDuty's re-publications: no post),
//                                               or retry when its Slack delivery had failed
//   anything else                            -> joined      (timeline, message updated in place)
import { SEVERITY_LEVELS, SeverityLevel } from "../severityLevels";
import type { IncidentSignal, SignalEffect, SignalResource } from "./signal";

export const INCIDENT_STATES = ["open", "remediated", "resolved", "muted", "acknowledged"] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** What a signal did to its incident. */
export type IncidentChange =
  | "opened"
  | "joined"
  | "remediated"
  | "resolved"
  | "reopened"
  | "repeat"
  | "unmatched"
  /** A signal applied before whose Slack delivery failed, redelivered: delivered now, not counted twice. */
  | "retry";

/** Changes that move the incident to another state (webhook mode and email report these). */
export const STATE_CHANGES: readonly IncidentChange[] = ["opened", "remediated", "resolved", "reopened"];

/**
 * How long after its last signal an incident still takes new ones (default 24 h: Security Hub runs
 * periodic controls every 12 or 24 h, https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-schedule.html,
 * so the PASSED verdict after a fix arrives within a day).
 */
export const DEFAULT_JOIN_WINDOW_SECONDS = 86_400;

/**
 * How long after a fix a failing verdict may still be about the state before it: Config evaluates
 * change-triggered rules within minutes, and Security Hub's controls run on Config's results.
 */
export const VERDICT_LAG_SECONDS = 900;

/** Timeline entries kept on the incident (the first signal and the latest ones). */
export const TIMELINE_LENGTH = 8;
/** Finding uids remembered per incident to recognise repeats. */
const MAX_REMEMBERED_UIDS = 200;

export interface TimelineEntry {
  at: string;
  source: string;
  title: string;
  effect: SignalEffect;
  severity: SeverityLevel;
  /** The event id of the signal (shown with follow-ups, so a Slack line leads to its event). */
  eventId?: string;
}

/** Where the incident's Slack message is (app mode). */
export interface IncidentMessage {
  channel: string;
  ts: string;
}

export interface Incident {
  key: string;
  /** Short id shown to users; a new incident on the same key after the window gets a new one. */
  id: string;
  state: IncidentState;
  /** The most severe signal's. */
  severity: SeverityLevel;
  /** The opening signal's title. */
  title: string;
  resource?: SignalResource;
  openedAt: string;
  /** When a signal (repeats included) last arrived, epoch ms: the join window runs from here. */
  lastSignalAtMs: number;
  /** When the state last changed (ISO 8601, as the signals' times). */
  stateSince: string;
  /** Who set muted/acknowledged, when a person did. */
  stateBy?: string;
  /** Signals joined (repeats not counted). */
  signals: number;
  repeats: number;
  timeline: TimelineEntry[];
  /** Timeline entries dropped between the first and the kept latest ones. */
  omitted: number;
  /** Finding uid -> the last effect it reported (repeat detection). */
  seen: Record<string, SignalEffect>;
  message?: IncidentMessage;
  /** The incident's first message is in Slack. */
  posted: boolean;
  /**
   * Shown so far only as digest lines (it opened below the immediate severity): the first critical
   * signal or alert with buttons gives it a top-level message of its own.
   */
  inDigest?: boolean;
  /**
   * Signals applied but not shown in Slack yet, as "uid@delivery" (the queue message that carried
   * it): that same message redelivered after a failed post is a retry; the same finding by another
   * path (the critical lane's copy) is a repeat.
   */
  undelivered: string[];
  /** Webhook mode: signals joined since the incident's last post, listed by the next one. */
  unposted: TimelineEntry[];
}

export interface Applied {
  change: IncidentChange;
  /** The incident after the signal (undefined for unmatched). */
  incident?: Incident;
  /** The incident before, when there was a live one. */
  before?: Incident;
}

export const rank = (s: SeverityLevel) => SEVERITY_LEVELS.indexOf(s);
export const moreSevere = (a: SeverityLevel, b: SeverityLevel): SeverityLevel => (rank(a) <= rank(b) ? a : b);

/** Whether the incident still takes signals at `nowMs`. */
export function isLive(incident: Incident | undefined, nowMs: number, windowSeconds: number): boolean {
  return incident !== undefined && nowMs - incident.lastSignalAtMs < windowSeconds * 1000;
}

function entry(signal: IncidentSignal): TimelineEntry {
  return {
    at: signal.time,
    source: signal.source,
    title: signal.title,
    effect: signal.effect,
    severity: signal.severity,
    ...(signal.eventId ? { eventId: signal.eventId } : {}),
  };
}

/** Keeps the first entry and the latest ones, counting what falls out between them. */
function appendTimeline(incident: Incident, e: TimelineEntry): Pick<Incident, "timeline" | "omitted"> {
  const all = [...incident.timeline, e];
  if (all.length <= TIMELINE_LENGTH) return { timeline: all, omitted: incident.omitted };
  return { timeline: [all[0], ...all.slice(2)], omitted: incident.omitted + 1 };
}

function remember(seen: Record<string, SignalEffect>, signal: IncidentSignal): Record<string, SignalEffect> {
  const next = { ...seen, [signal.uid]: signal.effect };
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED_UIDS))) delete next[k];
  return next;
}

/** A short id for users: the key's hash and the opening time, base 36. */
export function incidentId(key: string, openedAtMs: number): string {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `${(h % 46656).toString(36).padStart(3, "0")}${Math.floor(openedAtMs / 1000)
    .toString(36)
    .slice(-4)}`.toUpperCase();
}

/** A signal as carried by one delivery (see Incident.undelivered). */
export const deliveryToken = (signal: IncidentSignal, delivery: string) => `${signal.uid}@${delivery}`;

function open(key: string, signal: IncidentSignal, nowMs: number, token: string): Incident {
  return {
    key,
    id: incidentId(key, nowMs),
    state: signal.effect === "remediated" ? "remediated" : "open",
    severity: signal.severity,
    title: signal.title,
    ...(signal.resource ? { resource: signal.resource } : {}),
    openedAt: signal.time,
    lastSignalAtMs: nowMs,
    stateSince: signal.time,
    signals: 1,
    repeats: 0,
    timeline: [entry(signal)],
    omitted: 0,
    seen: { [signal.uid]: signal.effect },
    posted: false,
    undelivered: [token],
    unposted: [],
  };
}

function nextState(inc: Incident, signal: IncidentSignal): { state: IncidentState; change: IncidentChange } {
  const s = inc.state;
  if (signal.effect === "pass")
    return s === "resolved" ? { state: s, change: "joined" } : { state: "resolved", change: "resolved" };
  if (signal.effect === "remediated")
    return s === "open" || s === "muted" || s === "acknowledged"
      ? { state: "remediated", change: "remediated" }
      : { state: s, change: "joined" };
  // A failing signal: news only when observed after the fix or the resolution (a verdict: well after).
  const lag = signal.observation === "change" ? 0 : VERDICT_LAG_SECONDS * 1000;
  if ((s === "resolved" || s === "remediated") && Date.parse(signal.time) > Date.parse(inc.stateSince) + lag)
    return { state: "open", change: "reopened" };
  return { state: s, change: "joined" };
}

/** What `signal` does to the incident stored under `key` (`current`, possibly expired). */
export function applySignal(
  key: string,
  current: Incident | undefined,
  signal: IncidentSignal,
  nowMs: number,
  windowSeconds: number = DEFAULT_JOIN_WINDOW_SECONDS,
  delivery = "",
): Applied {
  const token = deliveryToken(signal, delivery);
  const live = isLive(current, nowMs, windowSeconds) ? current : undefined;
  if (!live) {
    if (signal.effect === "pass") return { change: "unmatched" };
    return { change: "opened", incident: open(key, signal, nowMs, token) };
  }
  if (live.seen[signal.uid] === signal.effect) {
    if (live.undelivered.includes(token)) return { change: "retry", before: live, incident: live };
    return {
      change: "repeat",
      before: live,
      incident: { ...live, lastSignalAtMs: nowMs, repeats: live.repeats + 1 },
    };
  }
  const { state, change } = nextState(live, signal);
  const e = entry(signal);
  return {
    change,
    before: live,
    incident: {
      ...live,
      ...appendTimeline(live, e),
      state,
      ...(state !== live.state ? { stateSince: signal.time, stateBy: undefined } : {}),
      severity: moreSevere(live.severity, signal.severity),
      lastSignalAtMs: nowMs,
      signals: live.signals + 1,
      seen: remember(live.seen, signal),
      undelivered: [...live.undelivered.filter((u) => u !== token), token].slice(-MAX_REMEMBERED_UIDS),
      unposted: [...live.unposted, e].slice(-TIMELINE_LENGTH),
    },
  };
}

/** Muted or acknowledged by a person (the alert's buttons); undefined when no live incident. */
export function setByPerson(
  current: Incident | undefined,
  state: "muted" | "acknowledged",
  by: string,
  at: string,
  nowMs: number,
  windowSeconds: number = DEFAULT_JOIN_WINDOW_SECONDS,
): Incident | undefined {
  if (!isLive(current, nowMs, windowSeconds) || current!.state === "resolved") return undefined;
  return { ...current!, state, stateBy: by, stateSince: at };
}
