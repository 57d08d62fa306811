// The three places incident messages go: Slack's Web API (app mode), incoming webhooks, and a
// recorder (`npm run render` prints what it recorded: posts, updates, replies).
import { callSlackApi, SlackApiOptions } from "../../shared/slackWebApi";
import { fitToSlack } from "../blockKit";
import { DeliveryOptions, postMessage } from "../deliver";
import type { RenderedMessage } from "../pipeline";
import { DEFAULT_WEBHOOK } from "../settings";
import type { SlackMessage } from "../slack";
import type { AppTransport } from "../steps/postApp";
import { resolveWebhook } from "../steps/route";
import type { Webhooks } from "../webhooks";
import type { IncidentSink } from "./delivery";
import type { IncidentMessage } from "./state";

export function appSink(
  app: AppTransport,
  opts: DeliveryOptions,
  logFields: Record<string, unknown>,
): IncidentSink {
  const api: SlackApiOptions = { ...opts, baseUrl: app.apiBaseUrl };
  const channelOf = (r: RenderedMessage) =>
    Object.hasOwn(app.channels, r.webhook) ? app.channels[r.webhook] : app.channels[DEFAULT_WEBHOOK];
  // chat.postMessage is limited per channel (the pacer); chat.update is Tier 3, 50+ a minute per
  // workspace with sporadic bursts welcome (https://docs.slack.dev/apis/web-api/rate-limits), far
  // above what a batch updates, so it is not paced and a 429 is waited out by its Retry-After.
  const send = async (method: string, channel: string, args: Record<string, unknown>) => {
    const opts = method === "chat.postMessage" ? await app.pace(channel, api) : api;
    return (await callSlackApi(method, app.token, { channel, ...args }, opts, logFields)).body;
  };
  const content = (m: SlackMessage) => {
    const fit = fitToSlack(m);
    // Links in alerts are console links: no previews (https://api.slack.com/reference/messaging/link-unfurling).
    return { text: fit.text, attachments: fit.attachments, unfurl_links: false, unfurl_media: false };
  };
  return {
    mode: "app",
    async post(record, message) {
      const body = await send("chat.postMessage", channelOf(record), content(message));
      return { channel: String(body.channel ?? channelOf(record)), ts: String(body.ts ?? "") };
    },
    async update(where, message) {
      const fit = fitToSlack(message);
      // chat.update edits in place without a new notification (https://api.slack.com/methods/chat.update).
      await send("chat.update", where.channel, {
        ts: where.ts,
        text: fit.text,
        attachments: fit.attachments,
      });
    },
    async reply(where, message) {
      const body = await send("chat.postMessage", where.channel, {
        ...content(message),
        thread_ts: where.ts,
      });
      return { channel: where.channel, ts: String(body.ts ?? "") };
    },
  };
}

export function webhookSink(
  hooks: Webhooks,
  opts: DeliveryOptions,
  logFields: Record<string, unknown>,
): IncidentSink {
  const unsupported = async (): Promise<never> => {
    throw new Error("incoming webhooks cannot update or thread messages");
  };
  return {
    mode: "webhook",
    async post(record, message) {
      const target = resolveWebhook(hooks, record.webhook, message, false);
      await postMessage(target.url, fitToSlack(target.message), opts, logFields);
      return undefined;
    },
    update: unsupported,
    reply: unsupported,
  };
}

/** What a recorder saw, in Slack's own argument shapes. */
export interface Recorded {
  posts: Array<{ channel: string; ts: string; text: string; attachments: unknown[] }>;
  updates: Array<{ channel: string; ts: string; text: string; attachments: unknown[] }>;
  replies: Array<{ channel: string; thread_ts: string; ts: string; text: string; attachments: unknown[] }>;
}

/** Records instead of calling Slack; message ts count up from 1 like Slack's ("1.000001", ...). */
export function recordingSink(mode: "app" | "webhook", recorded: Recorded): IncidentSink {
  let n = 0;
  const ts = () => `1.${String(++n).padStart(6, "0")}`;
  return {
    mode,
    async post(record, message) {
      const fit = fitToSlack(message);
      const where: IncidentMessage = { channel: record.webhook, ts: ts() };
      recorded.posts.push({ ...where, text: fit.text, attachments: fit.attachments });
      return mode === "app" ? where : undefined;
    },
    async update(where, message) {
      const fit = fitToSlack(message);
      recorded.updates.push({ ...where, text: fit.text, attachments: fit.attachments });
    },
    async reply(where, message) {
      const fit = fitToSlack(message);
      const reply = { channel: where.channel, thread_ts: where.ts, ts: ts() };
      recorded.replies.push({ ...reply, text: fit.text, attachments: fit.attachments });
      return { channel: where.channel, ts: reply.ts };
    },
  };
}
