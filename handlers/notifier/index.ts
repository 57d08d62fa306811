// The hub's notifier: turns everything the hub routes (CloudTrail IAM/SG calls, Config compliance
// changes, CloudWatch alarms, remediation reports) into Slack messages posted to incoming webhooks.
// The stack wraps createNotifierHandler in a CallbackFunction's callbackFactory, so the factory runs
// once per Lambda container: the webhook secret is decrypted once and kept in `state`.
import { ENV } from "../shared/constants";
import { errorMessage, log } from "../shared/log";
import { secretCache } from "../shared/secrets";
import { DeliveryOptions, isDeliveryError, postMessage } from "./deliver";
import { notifierInputError } from "./envelopes";
import { RenderedMessage, renderMessages } from "./render";
import {
  DEFAULT_WEBHOOK,
  DELIVERY_DEFAULTS,
  EventKind,
  NotifierSettings,
  validateNotifierSettings,
} from "./settings";
import type { KnownBlock } from "@slack/types";
import { LIMITS, SlackMessage, context as contextBlock, esc } from "./slack";
import { Webhooks, parseWebhooks } from "./webhooks";

export { EVENT_KINDS, validateNotifierSettings, chooseWebhook, DEFAULT_WEBHOOK } from "./settings";
export type { EventKind, NotifierRoute, NotifierSettings, DeliverySettings } from "./settings";
export { renderMessages } from "./render";
export type { RenderedMessage } from "./render";
export type { SlackMessage } from "./slack";
export { COLORS } from "./slack";

export interface RecordOutcome {
  recordId: string;
  eventId?: string;
  kind: EventKind;
  webhook: string;
  status: "posted" | "skipped" | "failed";
  attempts?: number;
  error?: string;
}

export interface NotifierResult {
  requestId: string;
  records: number;
  posted: number;
  skipped: number;
  failed: number;
  outcomes: RecordOutcome[];
}

/** Thrown when any record failed to post; `result` lists what was posted and what failed. */
export type NotifierDeliveryError = Error & { result: NotifierResult };

// A plain Error with a name (not a subclass): see the note in envelopes.ts on closure serialization.
function notifierDeliveryError(message: string, result: NotifierResult): NotifierDeliveryError {
  const err = new Error(message) as NotifierDeliveryError;
  err.name = "NotifierDeliveryError";
  err.result = result;
  return err;
}

export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The message with a visible note that its route's webhook is missing and it went to `default`. */
function withRoutingNote(msg: SlackMessage, webhook: string): SlackMessage {
  const note = contextBlock(
    `:warning: Routed to the default channel: webhook "${esc(webhook)}" is not configured in ${ENV.slackWebhooksCiphertext}.`,
  );
  const [first, ...rest] = msg.attachments;
  const blocks: KnownBlock[] = [...(first.blocks as KnownBlock[]).slice(0, LIMITS.blocks - 1), note];
  return { ...msg, attachments: [{ ...first, blocks }, ...rest] };
}

export function createNotifierHandler(settings: NotifierSettings, env: NodeJS.ProcessEnv = process.env) {
  const problems = validateNotifierSettings(settings);
  if (problems.length) throw new Error(`invalid notifier settings: ${problems.join("; ")}`);
  const delivery: DeliveryOptions = { ...DELIVERY_DEFAULTS, ...(settings.delivery ?? {}) };
  const secret = secretCache(
    { ciphertextVar: ENV.slackWebhooksCiphertext, plainVar: ENV.slackWebhooksPlain },
    env,
  );
  // Per-container state: a captured object survives between invocations (module-level `let` would not).
  const state: { webhooks?: Webhooks } = {};

  async function webhooks(): Promise<Webhooks> {
    if (!state.webhooks) {
      const source = env[ENV.slackWebhooksCiphertext]
        ? `${ENV.slackWebhooksCiphertext} (decrypted)`
        : ENV.slackWebhooksPlain;
      state.webhooks = parseWebhooks(await secret.get(), source, env[ENV.localRun] === "1");
    }
    return state.webhooks;
  }

  return async function notify(event: unknown, context?: InvocationContext): Promise<NotifierResult> {
    const requestId = context?.awsRequestId ?? "local";
    let rendered: RenderedMessage[];
    try {
      rendered = renderMessages(event, settings);
    } catch (err) {
      log("error", "notifier received an unusable event", {
        requestId,
        eventId: requestId,
        error: errorMessage(err),
      });
      if (err instanceof Error && err.name === "NotifierInputError") throw err;
      throw notifierInputError(`could not read the event: ${errorMessage(err)}`);
    }

    const result: NotifierResult = {
      requestId,
      records: rendered.length,
      posted: 0,
      skipped: 0,
      failed: 0,
      outcomes: [],
    };
    const toPost: RenderedMessage[] = [];
    for (const r of rendered) {
      const ids = { requestId, recordId: r.recordId, eventId: r.eventId ?? r.recordId, kind: r.kind };
      if (r.problems.length)
        log("error", "event is incomplete or unreadable; posting what could be read", {
          ...ids,
          problems: r.problems,
        });
      if (r.skipped || !r.message) {
        log("info", "record skipped", { ...ids, reason: r.skipped });
        result.skipped++;
        result.outcomes.push({
          recordId: r.recordId,
          eventId: r.eventId,
          kind: r.kind,
          webhook: r.webhook,
          status: "skipped",
        });
      } else {
        toPost.push(r);
      }
    }

    if (toPost.length) {
      let hooks: Webhooks;
      try {
        hooks = await webhooks();
      } catch (err) {
        log("error", "cannot load Slack webhooks; no record was posted", {
          requestId,
          eventId: requestId,
          records: toPost.map((r) => r.recordId),
          error: errorMessage(err),
        });
        throw err;
      }
      const opts: DeliveryOptions = {
        ...delivery,
        remainingMs: context?.getRemainingTimeInMillis
          ? () => context.getRemainingTimeInMillis!()
          : undefined,
      };
      for (const r of toPost) {
        const ids = {
          requestId,
          recordId: r.recordId,
          eventId: r.eventId ?? r.recordId,
          kind: r.kind,
          webhook: r.webhook,
        };
        let url = hooks[r.webhook];
        let msg = r.message!;
        if (!url) {
          log("warn", "route names a webhook that is not configured; using default", ids);
          url = hooks[DEFAULT_WEBHOOK];
          msg = withRoutingNote(msg, r.webhook);
        }
        const outcome: RecordOutcome = {
          recordId: r.recordId,
          eventId: r.eventId,
          kind: r.kind,
          webhook: r.webhook,
          status: "posted",
        };
        try {
          const { attempts } = await postMessage(url, msg, opts, ids);
          outcome.attempts = attempts;
          result.posted++;
          log("info", "posted to Slack", { ...ids, attempts });
        } catch (err) {
          outcome.status = "failed";
          outcome.error = errorMessage(err);
          outcome.attempts = isDeliveryError(err) ? err.attempts : undefined;
          result.failed++;
        }
        result.outcomes.push(outcome);
      }
    }

    if (result.failed) {
      const failed = result.outcomes.filter((o) => o.status === "failed");
      for (const f of failed) {
        log("error", "Slack post failed after retries", {
          requestId,
          recordId: f.recordId,
          eventId: f.eventId ?? f.recordId,
          webhook: f.webhook,
          attempts: f.attempts,
          error: f.error,
        });
      }
      const posted = result.outcomes.filter((o) => o.status === "posted").map((o) => o.recordId);
      log("error", "notifier batch partly failed; Lambda will retry the whole event", {
        requestId,
        eventId: requestId,
        failed: failed.map((f) => f.recordId),
        alreadyPosted: posted,
      });
      throw notifierDeliveryError(
        `${result.failed} of ${result.records} record(s) failed to post to Slack (${failed.map((f) => f.recordId).join(", ")}); ${posted.length} posted`,
        result,
      );
    }
    log("info", "notifier done", {
      requestId,
      eventId: requestId,
      records: result.records,
      posted: result.posted,
      skipped: result.skipped,
    });
    return result;
  };
}
