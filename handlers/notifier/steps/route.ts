// route: which webhook a record goes to (the first route matching its account, kind, owner and
// organizational unit), with the owner shown on the message when it is known (and a note when it
// or the OU could not be looked up), and the fallback to `default`, with a visible note, when that
// webhook is not in the decrypted map.
import type { KnownBlock } from "@slack/types";
import { ENV } from "../../shared/constants";
import { withCriticalMute, withMuteAck } from "../alertButtons";
import { RenderedMessage } from "../pipeline";
import { DEFAULT_CRITICAL_MUTE_HOURS, DEFAULT_WEBHOOK, NotifierSettings } from "../settings";
import { assess, withSeverity } from "../signal";
import { LIMITS, SlackMessage, context as contextBlock, esc, truncate } from "../slack";
import { threadFacts } from "../threads";
import { Webhooks, webhookUrl } from "../webhooks";
import { Classified } from "./classify";
import { incidentSignal } from "../incidents/adapt";
import type { Place } from "../place/resolve";

export function routeRecord(c: Classified, settings: NotifierSettings, place: Place): RenderedMessage {
  const a = assess(c.finding ?? c.skip!, c.eventId, settings, place);
  const base = {
    recordId: c.record.recordId,
    kind: c.kind,
    accountId: c.accountId,
    webhook: a.route.webhook,
    severity: a.severity,
    route: a.route.route,
    email: a.route.email,
    facts: a.facts,
    ...(a.dedupeKey ? { dedupeKey: a.dedupeKey } : {}),
  };
  if (c.skipped !== undefined || !c.message || !c.finding)
    return { ...base, skipped: c.skipped, problems: c.problems };
  // Chat-ops on: every single-event alert can be muted or acknowledged from Slack.
  const rated = withPlace(withSeverity(c.message, a.severity), place);
  const message = settings.alertActions
    ? withCriticalMute(
        withMuteAck(rated, a.facts, c.eventId),
        a.severity,
        settings.criticalMuteHours ?? DEFAULT_CRITICAL_MUTE_HOURS,
        settings.worldPrefixes,
      )
    : rated;
  // Thread facts matter only when messages have a ts (app mode): webhook mode's output is unchanged.
  const thread = settings.app ? threadFacts(c) : undefined;
  const signal = incidentSignal(
    c.finding,
    a.severity,
    truncate(c.finding.title, LIMITS.header),
    c.eventId,
    place.owner,
  );
  return {
    ...base,
    eventId: c.eventId,
    finding: c.finding,
    message,
    ...(a.belowMinimum ? { skipped: a.belowMinimum } : {}),
    problems: c.problems,
    ...(c.raw !== undefined ? { raw: c.raw } : {}),
    ...(thread ? { thread } : {}),
    ...(signal ? { signal } : {}),
  };
}

/**
 * "owner: team-x" under the severity line when the owner is known, and a warning line when a route
 * needed the owner or the account's OU and it could not be looked up (the route was chosen without).
 */
function withPlace(msg: SlackMessage, place: Place): SlackMessage {
  const lines: KnownBlock[] = [
    ...(place.owner !== undefined ? [contextBlock(`owner: *${esc(place.owner)}*`)] : []),
    ...place.problems.map((p) => contextBlock(`:warning: Routed without it: ${esc(p)}`)),
  ];
  if (!lines.length) return msg;
  const [first, ...rest] = msg.attachments;
  const blocks = [...(first.blocks as KnownBlock[])];
  // Right after the severity line (withSeverity put it after the header, or first).
  const at = (blocks[0]?.type === "header" ? 1 : 0) + 1;
  // Keep within Slack's 50 blocks: blocks before the footer give way.
  while (blocks.length + lines.length > LIMITS.blocks) blocks.splice(blocks.length - 2, 1);
  blocks.splice(at, 0, ...lines);
  return { ...msg, attachments: [{ ...first, blocks }, ...rest] };
}

/** The note that a route's webhook is missing and the message went to `default`. */
export function routingNote(webhook: string): KnownBlock {
  return contextBlock(
    `:warning: Routed to the default channel: webhook "${esc(webhook)}" is not configured in ${ENV.slackWebhooksCiphertext}.`,
  );
}

/** The message with a visible note that its route's webhook is missing and it went to `default`. */
function withRoutingNote(msg: SlackMessage, webhook: string): SlackMessage {
  const note = routingNote(webhook);
  const [first, ...rest] = msg.attachments;
  const blocks: KnownBlock[] = [...(first.blocks as KnownBlock[]).slice(0, LIMITS.blocks - 1), note];
  return { ...msg, attachments: [{ ...first, blocks }, ...rest] };
}

/**
 * The URL and message for a route's webhook: the webhook itself, or `default` with the note
 * (digest parts already carry it). `fellBack` says which.
 */
export function resolveWebhook(
  hooks: Webhooks,
  webhook: string,
  message: SlackMessage,
  isDigest: boolean,
): { url: string; message: SlackMessage; fellBack: boolean } {
  const url = webhookUrl(hooks, webhook);
  if (url) return { url, message, fellBack: false };
  return {
    url: webhookUrl(hooks, DEFAULT_WEBHOOK)!,
    message: isDigest ? message : withRoutingNote(message, webhook),
    fellBack: true,
  };
}
