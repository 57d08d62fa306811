// plan: the Slack posts for the records to post, in record order: one message per event, except
// that the events of a webhook holding more than `digest.threshold` of them go out as digest parts,
// placed where that webhook's first record stood.
import { digestMessages } from "../digest";
import { digestEntry } from "../digestEntry";
import { PostUnit, RenderedMessage } from "../pipeline";
import { DigestSettings, NotifierSettings } from "../settings";
import { Webhooks, webhookUrl } from "../webhooks";
import { routingNote } from "./route";
import { HeldWindow } from "../grouping";

function digestUnits(
  webhook: string,
  group: RenderedMessage[],
  hooks: Webhooks,
  settings: NotifierSettings,
  digest: Required<DigestSettings>,
  window?: HeldWindow,
): PostUnit[] {
  const note = webhookUrl(hooks, webhook) ? undefined : routingNote(webhook);
  // An incident's signal says which incident it joined (set by a digest run: incidents/delivery.ts).
  const entries = group.map((r) => ({ ...digestEntry(r), ...(r.incident ? { incident: r.incident } : {}) }));
  return digestMessages(entries, settings, digest.maxEventsPerMessage, note, window).map((p) => ({
    webhook,
    message: p.message,
    records: p.positions.map((i) => group[i]),
    digest: { part: p.part, parts: p.parts },
  }));
}

export function planPosts(
  toPost: RenderedMessage[],
  hooks: Webhooks,
  settings: NotifierSettings,
  digest: Required<DigestSettings>,
  /** A digest run's window: its digests say they hold the window's events, not a burst. */
  window?: HeldWindow,
): PostUnit[] {
  const byWebhook = new Map<string, RenderedMessage[]>();
  for (const r of toPost) byWebhook.set(r.webhook, [...(byWebhook.get(r.webhook) ?? []), r]);
  const units: PostUnit[] = [];
  const digested = new Set<string>();
  for (const r of toPost) {
    const group = byWebhook.get(r.webhook)!;
    if (group.length <= digest.threshold) {
      units.push({ webhook: r.webhook, message: r.message!, records: [r] });
    } else if (!digested.has(r.webhook)) {
      digested.add(r.webhook);
      units.push(...digestUnits(r.webhook, group, hooks, settings, digest, window));
    }
  }
  return units;
}
