// The hub's notifier: turns everything the hub routes (CloudTrail IAM/SG calls, Config compliance
// changes, CloudWatch alarms, remediation reports) into Slack messages posted to incoming webhooks.
// The stack wraps createNotifierHandler in a CallbackFunction's callbackFactory, so the factory runs
// once per Lambda container: the webhook secret is decrypted once and kept in `state`.
import { ENV } from "../shared/constants";
import { errorMessage, log } from "../shared/log";
import { namedError } from "../shared/namedError";
import { secretCache } from "../shared/secrets";
import { DeliveryOptions, isDeliveryError, postMessage } from "./deliver";
import { notifierInputError } from "./envelopes";
import { RenderedMessage, renderMessages } from "./render";
import { DigestEntry, digestMessages, summarize } from "./digest";
import {
  DEFAULT_WEBHOOK,
  DELIVERY_DEFAULTS,
  DIGEST_DEFAULTS,
  DigestSettings,
  EventKind,
  NotifierSettings,
  validateNotifierSettings,
} from "./settings";
import type { KnownBlock } from "@slack/types";
import { LIMITS, SlackMessage, context as contextBlock, esc } from "./slack";
import { Webhooks, parseWebhooks } from "./webhooks";

export { EVENT_KINDS, validateNotifierSettings, chooseWebhook, DEFAULT_WEBHOOK } from "./settings";
export type {
  EventKind,
  NotifierRoute,
  NotifierSettings,
  DeliverySettings,
  DigestSettings,
} from "./settings";
export { DIGEST_DEFAULTS } from "./settings";
export { digestMessages, DIGEST_BLOCK_PREFIX, SEVERITY_EMOJI } from "./digest";
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
  /** Set when the event went out in a digest message: which of the digest's messages listed it. */
  digest?: { part: number; parts: number };
}

export interface NotifierResult {
  requestId: string;
  records: number;
  /** Records (events) delivered, skipped, failed. */
  posted: number;
  skipped: number;
  failed: number;
  /** Slack messages delivered (a digest message carries many events). */
  messages: number;
  outcomes: RecordOutcome[];
}

/**
 * What the function returns for an SQS event: the records to retry
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export type NotifierResponse = NotifierResult | SqsBatchResponse;

/** Thrown when any record failed to post; `result` lists what was posted and what failed. */
export type NotifierDeliveryError = Error & { result: NotifierResult };

// A named plain Error, not a subclass: see handlers/shared/namedError.ts.
function notifierDeliveryError(message: string, result: NotifierResult): NotifierDeliveryError {
  return namedError("NotifierDeliveryError", message, { result });
}

export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The note that a route's webhook is missing and the message went to `default`. */
function routingNote(webhook: string): KnownBlock {
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

/** An SQS event source mapping's event: every record comes from SQS. */
function isSqsEvent(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (r) =>
        typeof r === "object" && r !== null && (r as { eventSource?: unknown }).eventSource === "aws:sqs",
    )
  );
}

/** One Slack post: a single event's message, or one part of a digest. */
interface PostUnit {
  webhook: string;
  message: SlackMessage;
  records: RenderedMessage[];
  digest?: { part: number; parts: number };
}

/** Time kept back before a post so a record we cannot post in time is reported, not cut off by a timeout. */
const START_POST_MARGIN_MS = 2000;

export function createNotifierHandler(settings: NotifierSettings, env: NodeJS.ProcessEnv = process.env) {
  const problems = validateNotifierSettings(settings);
  if (problems.length) throw new Error(`invalid notifier settings: ${problems.join("; ")}`);
  const delivery: DeliveryOptions = { ...DELIVERY_DEFAULTS, ...(settings.delivery ?? {}) };
  const digest: Required<DigestSettings> = { ...DIGEST_DEFAULTS, ...(settings.digest ?? {}) };
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

  /**
   * The Slack posts for `toPost`, in record order: one message per event, except that the events
   * of a webhook holding more than `digest.threshold` of them go out as digest parts, placed where
   * that webhook's first record stood.
   */
  function planPosts(toPost: RenderedMessage[], hooks: Webhooks): PostUnit[] {
    const byWebhook = new Map<string, RenderedMessage[]>();
    for (const r of toPost) byWebhook.set(r.webhook, [...(byWebhook.get(r.webhook) ?? []), r]);
    const units: PostUnit[] = [];
    const digested = new Set<string>();
    for (const r of toPost) {
      const group = byWebhook.get(r.webhook)!;
      if (group.length <= digest.threshold) {
        units.push({ webhook: r.webhook, message: r.message!, records: [r] });
        continue;
      }
      if (digested.has(r.webhook)) continue;
      digested.add(r.webhook);
      const entries: DigestEntry[] = group.map((g) => ({
        recordId: g.recordId,
        eventId: g.eventId ?? g.recordId,
        accountId: g.accountId,
        summary: g.summary ?? summarize(g.message!),
        incomplete: g.problems.length > 0,
      }));
      const note = hooks[r.webhook] ? undefined : routingNote(r.webhook);
      for (const p of digestMessages(entries, settings, digest.maxEventsPerMessage, note)) {
        units.push({
          webhook: r.webhook,
          message: p.message,
          records: p.positions.map((i) => group[i]),
          digest: { part: p.part, parts: p.parts },
        });
      }
    }
    return units;
  }

  return async function notify(event: unknown, context?: InvocationContext): Promise<NotifierResponse> {
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

    const sqs = isSqsEvent(event);
    const result: NotifierResult = {
      requestId,
      records: rendered.length,
      posted: 0,
      skipped: 0,
      failed: 0,
      messages: 0,
      outcomes: [],
    };
    // Outcomes are reported in record order, whatever order the posts went out in.
    const position = new Map(rendered.map((r, i) => [r, i] as const));
    const rank = new Map<RecordOutcome, number>();
    const outcome = (
      r: RenderedMessage,
      o: Omit<RecordOutcome, "recordId" | "eventId" | "kind" | "webhook">,
    ) => {
      const full: RecordOutcome = {
        recordId: r.recordId,
        eventId: r.eventId,
        kind: r.kind,
        webhook: r.webhook,
        ...o,
      };
      rank.set(full, position.get(r) ?? 0);
      result.outcomes.push(full);
      if (o.status === "posted") result.posted++;
      else if (o.status === "failed") result.failed++;
      else result.skipped++;
    };
    const fail = (r: RenderedMessage, error: string, attempts?: number, part?: RecordOutcome["digest"]) =>
      outcome(r, {
        status: "failed",
        ...(attempts !== undefined ? { attempts } : {}),
        error,
        ...(part ? { digest: part } : {}),
      });

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
        outcome(r, { status: "skipped" });
      } else {
        toPost.push(r);
      }
    }

    if (toPost.length) {
      let hooks: Webhooks | undefined;
      try {
        hooks = await webhooks();
      } catch (err) {
        log("error", "cannot load Slack webhooks; no record was posted", {
          requestId,
          eventId: requestId,
          records: toPost.map((r) => r.recordId),
          error: errorMessage(err),
        });
        // SNS: throw, so Lambda's async retry and the DLQ keep the event. SQS: every record goes back.
        if (!sqs) throw err;
        for (const r of toPost) fail(r, errorMessage(err));
      }
      if (hooks) {
        const opts: DeliveryOptions = {
          ...delivery,
          remainingMs: context?.getRemainingTimeInMillis
            ? () => context.getRemainingTimeInMillis!()
            : undefined,
        };
        for (const unit of planPosts(toPost, hooks)) {
          const first = unit.records[0];
          const ids: Record<string, unknown> = unit.digest
            ? {
                requestId,
                webhook: unit.webhook,
                digestPart: `${unit.digest.part}/${unit.digest.parts}`,
                recordIds: unit.records.map((r) => r.recordId),
                eventIds: unit.records.map((r) => r.eventId ?? r.recordId),
              }
            : {
                requestId,
                recordId: first.recordId,
                eventId: first.eventId ?? first.recordId,
                kind: first.kind,
                webhook: unit.webhook,
              };
          let url = hooks[unit.webhook];
          let msg = unit.message;
          if (!url) {
            log("warn", "route names a webhook that is not configured; using default", ids);
            url = hooks[DEFAULT_WEBHOOK];
            // Digest parts already carry the note.
            if (!unit.digest) msg = withRoutingNote(msg, unit.webhook);
          }
          const remaining = opts.remainingMs?.();
          if (remaining !== undefined && remaining < opts.timeoutMs + START_POST_MARGIN_MS) {
            // Report it (SQS retries it) rather than be cut off by the Lambda timeout mid-batch.
            for (const r of unit.records)
              fail(r, `not enough Lambda time left (${remaining} ms) to post`, 0, unit.digest);
            continue;
          }
          try {
            const { attempts } = await postMessage(url, msg, opts, ids);
            result.messages++;
            for (const r of unit.records)
              outcome(r, { status: "posted", attempts, ...(unit.digest ? { digest: unit.digest } : {}) });
            log("info", unit.digest ? "posted digest to Slack" : "posted to Slack", { ...ids, attempts });
          } catch (err) {
            const attempts = isDeliveryError(err) ? err.attempts : undefined;
            for (const r of unit.records) fail(r, errorMessage(err), attempts, unit.digest);
          }
        }
      }
    }
    result.outcomes.sort((a, b) => rank.get(a)! - rank.get(b)!);

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
    const summary = {
      requestId,
      eventId: requestId,
      records: result.records,
      posted: result.posted,
      skipped: result.skipped,
      messages: result.messages,
    };
    if (sqs) {
      // Partial batch response: SQS deletes the rest and redelivers exactly these.
      const retry = [...new Set(failed.map((f) => f.recordId))];
      if (failed.length)
        log("error", "notifier batch partly failed; SQS will redeliver the failed records", {
          ...summary,
          failed: retry,
          alreadyPosted: posted,
        });
      else log("info", "notifier done", summary);
      return { batchItemFailures: retry.map((id) => ({ itemIdentifier: id })) };
    }
    if (failed.length) {
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
    log("info", "notifier done", summary);
    return result;
  };
}
