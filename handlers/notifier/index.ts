// The hub's notifier: turns everything the hub routes (CloudTrail IAM/SG calls, Config compliance
// changes, CloudWatch alarms, remediation reports) into Slack messages posted to incoming webhooks.
// The stack wraps createNotifierHandler in a CallbackFunction's callbackFactory, so the factory runs
// once per Lambda container: the webhook map is decrypted once and kept in its scope.
//
// This file only wires the steps; pipeline.ts describes them and their contracts. A new event
// format goes in format/registry.ts; a new screening step (severity, muting, de-duplication) in
// SCREEN_STEPS below; another channel next to steps/email.ts.
import { createAlertThreads } from "../shared/alertThreads";
import { deadlineFrom } from "../shared/deadline";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import { channelPacer } from "../shared/slackWebApi";
import { botTokenSource, slackApiBase } from "../shared/slackBotToken";
import { DEFAULT_MIN_POST_INTERVAL_MS } from "./appMode";
import { DeliveryOptions } from "./deliver";
import { Invocation, InvocationContext, RecordStep, RenderedMessage } from "./pipeline";
import { NotifierResponse } from "./result";
import { NotifierSettings, parseNotifierSettings } from "./settings";
import { classifyRecord } from "./steps/classify";
import { isSqsEvent, parseEvent } from "./steps/parse";
import { planPosts } from "./steps/plan";
import { postUnits } from "./steps/post";
import { AppTransport, postUnitsApp } from "./steps/postApp";
import { Outcomes, newOutcomes, report } from "./steps/report";
import { routeRecord } from "./steps/route";
import { dedupeRecords, logProblems, muteRecords, releaseUnposted } from "./steps/screen";
import { sendEmails } from "./steps/email";
import { runtimeMuteRecords } from "./steps/runtimeMutes";
import { DEDUPE_WINDOW_SECONDS } from "./dedupe";
import { EmailPublisher, snsEmailPublisher } from "./emailPublish";
import { SeenStore, createSeenStore } from "../shared/seenStore";
import { Webhooks, webhookSource } from "./webhooks";

export {
  EVENT_KINDS,
  validateNotifierSettings,
  parseNotifierSettings,
  chooseWebhook,
  DEFAULT_WEBHOOK,
} from "./settings";
export type {
  EventKind,
  NotifierRoute,
  NotifierSettings,
  DeliverySettings,
  DigestSettings,
} from "./settings";
export { DIGEST_DEFAULTS } from "./settings";
export type { AppModeSettings } from "./appMode";
export { digestMessages, DIGEST_BLOCK_PREFIX, SEVERITY_EMOJI } from "./digest";
export { renderMessages } from "./render";
export type { InvocationContext, RenderedMessage } from "./pipeline";
export type {
  NotifierDeliveryError,
  NotifierResponse,
  NotifierResult,
  RecordOutcome,
  SqsBatchResponse,
} from "./result";
export type { SlackMessage } from "./slack";
export { COLORS } from "./slack";

/** Time kept back from the Lambda's timeout to log and answer after an AWS call gave up. */
const REPORT_RESERVE_MS = 1000;
/** The AWS call budget when there is no Lambda context (local runs). */
const LOCAL_BUDGET_MS = 60_000;

/** The longest one seen-store call may take (within the invocation's deadline). */
const STORE_CALL_CAP_MS = 1500;

export function createNotifierHandler(input: NotifierSettings, env: NodeJS.ProcessEnv = process.env) {
  const settings = parseNotifierSettings(input);
  const webhooks = webhookSource(env);
  // Created once per container; the AWS clients inside are created on first use.
  const store: SeenStore | undefined = settings.dedupe
    ? createSeenStore({
        tableName: settings.dedupe.tableName,
        windowSeconds: settings.dedupe.windowSeconds ?? DEDUPE_WINDOW_SECONDS,
      })
    : undefined;
  const publisher: EmailPublisher | undefined = settings.emailTopicArn
    ? snsEmailPublisher(settings.emailTopicArn)
    : undefined;

  /** Steps between routing and planning, in order (see RecordStep). */
  const SCREEN_STEPS: readonly RecordStep[] = [
    logProblems,
    muteRecords(settings.mutes ?? [], () => Date.now()),
    ...(settings.runtimeMutesTable
      ? [runtimeMuteRecords(settings.runtimeMutesTable, STORE_CALL_CAP_MS)]
      : []),
  ];
  // After the webhooks are loaded (the seen store's calls must not eat the decrypt's time).
  const holdBackDuplicates = dedupeRecords(store, STORE_CALL_CAP_MS);
  const app = settings.app ? appMode(settings.app, env) : undefined;

  /**
   * The secret a delivery needs (webhook map or bot token), or undefined after logging why not.
   * SNS: rethrown, so Lambda's async retry and the DLQ keep the event. SQS: every record goes back.
   */
  async function loadOrFail<T>(
    what: string,
    load: () => Promise<T>,
    toPost: RenderedMessage[],
    inv: Invocation,
    outcomes: Outcomes,
  ): Promise<T | undefined> {
    try {
      return await load();
    } catch (err) {
      log("error", `cannot load ${what}; no record was posted`, {
        requestId: inv.requestId,
        eventId: inv.requestId,
        records: toPost.map((r) => r.recordId),
        error: errorText(err),
      });
      if (!inv.sqs) throw err;
      for (const r of toPost) outcomes.fail(r, errorText(err));
      return undefined;
    }
  }

  /** Where Slack messages go: the webhook map, or (app mode) the bot token and channel ids. */
  type Destination = { hooks: Webhooks } | { transport: AppTransport };

  async function loadDestination(
    toPost: RenderedMessage[],
    inv: Invocation,
    outcomes: Outcomes,
  ): Promise<Destination | undefined> {
    if (!app) {
      const hooks = await loadOrFail(
        "Slack webhooks",
        () => webhooks.load(inv.deadline),
        toPost,
        inv,
        outcomes,
      );
      return hooks ? { hooks } : undefined;
    }
    const transport = await loadOrFail(
      "the Slack bot token or API URL",
      () => app.transport(inv),
      toPost,
      inv,
      outcomes,
    );
    return transport ? { transport } : undefined;
  }

  async function deliver(toPost: RenderedMessage[], inv: Invocation, outcomes: Outcomes): Promise<void> {
    const dest = await loadDestination(toPost, inv, outcomes);
    if (!dest) return;
    const fresh = outcomes.skipUnpostable(await holdBackDuplicates(toPost, inv));
    const clock = inv.context?.getRemainingTimeInMillis;
    const opts: DeliveryOptions = { ...settings.delivery, remainingMs: clock ? () => clock() : undefined };
    const toSlack = await sendEmails(fresh, publisher, settings.digest.threshold, inv, outcomes);
    if ("hooks" in dest) {
      await postUnits(
        planPosts(toSlack, dest.hooks, settings, settings.digest),
        dest.hooks,
        opts,
        inv,
        outcomes,
      );
    } else {
      // planPosts only asks whether a route's destination is configured: the channel map answers that.
      const units = planPosts(toSlack, dest.transport.channels, settings, settings.digest);
      await postUnitsApp(units, dest.transport, opts, inv, outcomes);
    }
    const posted = outcomes.result.outcomes.filter((o) => o.status === "posted").map((o) => o.recordId);
    await releaseUnposted(
      toSlack.filter((r) => !posted.includes(r.recordId)),
      store,
      inv,
      STORE_CALL_CAP_MS,
    );
  }

  return async function notify(event: unknown, context?: InvocationContext): Promise<NotifierResponse> {
    const requestId = context?.awsRequestId ?? "local";
    const deadline = deadlineFrom(context, REPORT_RESERVE_MS, LOCAL_BUDGET_MS);
    const inv: Invocation = { requestId, sqs: isSqsEvent(event), context, deadline };
    const raw = parseEvent(event, requestId);
    let records = raw.map((r) => routeRecord(classifyRecord(r, settings), settings));
    for (const step of SCREEN_STEPS) records = await step(records, inv);
    const outcomes = newOutcomes(records, requestId);
    const toPost = outcomes.skipUnpostable(records);
    if (toPost.length) await deliver(toPost, inv, outcomes);
    return report(outcomes, inv);
  };
}

/** App mode's per-container parts: the token (decrypted once), the threads table, the pacer. */
function appMode(app: NonNullable<NotifierSettings["app"]>, env: NodeJS.ProcessEnv) {
  const token = botTokenSource(env);
  const threads = createAlertThreads({ tableName: app.threadTable, ttlDays: app.threadTtlDays });
  const pacer = channelPacer(app.minPostIntervalMs ?? DEFAULT_MIN_POST_INTERVAL_MS);
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  return {
    async transport(inv: Invocation): Promise<AppTransport> {
      return {
        token: await token.load(inv.deadline),
        channels: app.channels,
        threads,
        apiBaseUrl: slackApiBase(env),
        pace: (channel) => pacer.wait(channel, sleep),
        paced: (channel) => pacer.done(channel),
      };
    },
  };
}
