// The hub's notifier: turns everything the hub routes (CloudTrail IAM/SG calls, Config compliance
// changes, CloudWatch alarms, remediation reports) into Slack messages posted to incoming webhooks.
// The stack wraps createNotifierHandler in a CallbackFunction's callbackFactory, so the factory runs
// once per Lambda container: the webhook map is decrypted once and kept in its scope.
//
// This file only wires the steps; pipeline.ts describes them and their contracts. A new source is
// a module in handlers/findings/sources (its findings get the default layout, layout/finding.ts,
// unless it adds one in layout/index.ts); a new screening step (severity, muting, de-duplication) in
// SCREEN_STEPS below; another channel next to steps/email.ts.
import { bindAlertActions } from "./actionRecords";
import { createAlertRecords } from "../shared/alertRecords";
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
import { DigestQueue, ReceivedMessage, sqsDigestQueue } from "./digestQueue";
import { HeldWindow, isDigestRun } from "./grouping";
import { holdForDigest, receivedBodies } from "./steps/hold";
import { RawRecord } from "../findings/envelopes";
import { DigestSettings } from "./settings";
import { DigestRunResult, SqsBatchResponse } from "./result";
import { IncidentGroup, correlate, deliverIncidents } from "./incidents/delivery";
import { emailable } from "./incidents/email";
import { IncidentStore, createIncidentStore, dynamoIncidentRecords } from "./incidents/store";
import { appSink, webhookSink } from "./incidents/sinks";

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
  DigestRunResult,
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
  const incidents: IncidentStore | undefined = settings.incidents
    ? createIncidentStore({
        records: dynamoIncidentRecords({ tableName: settings.incidents.tableName }),
        windowSeconds: settings.incidents.windowSeconds,
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
  const alertRecords = settings.alertRecordsTable
    ? createAlertRecords({ tableName: settings.alertRecordsTable, worldPrefixes: settings.worldPrefixes })
    : undefined;
  const app = settings.app ? appMode(settings.app, env) : undefined;
  const grouping = settings.grouping;
  const digestQueue: DigestQueue | undefined = grouping ? sqsDigestQueue(grouping.queueUrl) : undefined;
  /** A digest run posts every held event of a destination as one digest (a lone event as itself). */
  const windowDigest: Required<DigestSettings> = { ...settings.digest, threshold: 1 };

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

  async function deliver(
    toPost: RenderedMessage[],
    inv: Invocation,
    outcomes: Outcomes,
    digest: Required<DigestSettings>,
    window: HeldWindow | undefined,
    groups: IncidentGroup[],
  ): Promise<void> {
    const inGroups = groups.flatMap((g) => g.items.map((i) => i.record));
    const dest = await loadDestination([...toPost, ...inGroups], inv, outcomes);
    if (!dest) return;
    if (groups.length && incidents) {
      const clock = inv.context?.getRemainingTimeInMillis;
      const opts: DeliveryOptions = { ...settings.delivery, remainingMs: clock ? () => clock() : undefined };
      // Email follows the incidents: their openings and changes of state, not every signal.
      const mailed = new Set(await sendEmails(emailable(groups), publisher, digest.threshold, inv, outcomes));
      const kept = groups
        .map((g) => ({
          ...g,
          items: g.items.filter((i) => mailed.has(i.record) || !emailable([g]).includes(i.record)),
        }))
        .filter((g) => g.items.length);
      const ids = { requestId: inv.requestId };
      const sink = "hooks" in dest ? webhookSink(dest.hooks, opts, ids) : appSink(dest.transport, opts, ids);
      // Buttons in an incident act on their record, which names the incident (Mute, Acknowledge).
      if (alertRecords)
        for (const g of kept)
          await bindAlertActions(
            g.items.map((i) => i.record),
            alertRecords,
            inv,
            STORE_CALL_CAP_MS,
            settings.worldPrefixes,
            g.key,
          );
      await deliverIncidents(kept, sink, incidents, inv, outcomes, settings.accountNames);
    }
    if (!toPost.length) return;
    const fresh = outcomes.skipUnpostable(await holdBackDuplicates(toPost, inv));
    if (alertRecords)
      await bindAlertActions(fresh, alertRecords, inv, STORE_CALL_CAP_MS, settings.worldPrefixes);
    const clock = inv.context?.getRemainingTimeInMillis;
    const opts: DeliveryOptions = { ...settings.delivery, remainingMs: clock ? () => clock() : undefined };
    const toSlack = await sendEmails(fresh, publisher, digest.threshold, inv, outcomes);
    if ("hooks" in dest) {
      await postUnits(
        planPosts(toSlack, dest.hooks, settings, digest, window),
        dest.hooks,
        opts,
        inv,
        outcomes,
      );
    } else {
      // planPosts only asks whether a route's destination is configured: the channel map answers that.
      const units = planPosts(toSlack, dest.transport.channels, settings, digest, window);
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

  /**
   * Every record through classify, route, screen and delivery. `bodies` (the messages as received)
   * lets records that can wait go to the digest queue; a digest run passes none and posts them all.
   */
  async function run(
    raw: RawRecord[],
    inv: Invocation,
    bodies: Map<string, string> | undefined,
    digest: Required<DigestSettings>,
    window?: HeldWindow,
  ): Promise<Outcomes> {
    let records = raw.map((r) => routeRecord(classifyRecord(r, settings), settings));
    for (const step of SCREEN_STEPS) records = await step(records, inv);
    const outcomes = newOutcomes(records, inv.requestId);
    let toPost = outcomes.skipUnpostable(records);
    // Signals about a resource join its incident first: an incident's update is never held back.
    let groups: IncidentGroup[] = [];
    if (incidents && toPost.length)
      ({ rest: toPost, groups } = await correlate(toPost, incidents, inv, outcomes));
    if (grouping && digestQueue && bodies && toPost.length)
      toPost = await holdForDigest(toPost, bodies, grouping, digestQueue, !!app, inv, outcomes);
    if (toPost.length || groups.length) await deliver(toPost, inv, outcomes, digest, window, groups);
    return outcomes;
  }

  /**
   * A digest run (the schedule's invocation): takes what the digest queue holds, posts it as one
   * digest per destination, and deletes what was posted or skipped. A record that failed stays in
   * the queue and comes back after its visibility timeout (the dead-letter queue after 5 receives).
   */
  async function digestRun(
    requestId: string,
    context: InvocationContext | undefined,
  ): Promise<DigestRunResult> {
    const deadline = deadlineFrom(context, REPORT_RESERVE_MS, LOCAL_BUDGET_MS);
    if (!grouping || !digestQueue) {
      log("error", "digest run without grouping settings: nothing to do", { requestId, eventId: requestId });
      throw new Error("this notifier has no grouping settings (grouping.queueUrl), so it holds no digest");
    }
    const max = grouping.maxEventsPerRun;
    // Hidden for the rest of this run and a margin, so no other run takes them meanwhile.
    const visibility = Math.ceil(deadline.remainingMs() / 1000) + REPORT_RESERVE_MS / 1000 + 30;
    const startMs = deadline.remainingMs();
    const received: ReceivedMessage[] = [];
    // Receive while at least half of the run's time is left for posting.
    while (received.length < max && deadline.remainingMs() > startMs / 2) {
      let got: ReceivedMessage[];
      try {
        got = await digestQueue.receive(visibility, deadline);
      } catch (err) {
        log(received.length ? "warn" : "error", "digest run: could not read the digest queue", {
          requestId,
          eventId: requestId,
          received: received.length,
          error: errorText(err),
        });
        if (!received.length) throw err;
        break;
      }
      if (!got.length) break;
      received.push(...got);
    }
    if (!received.length) {
      log("info", "digest run: no event is held", { requestId, eventId: requestId });
      return { requestId, held: 0, posted: 0, skipped: 0, failed: 0 };
    }
    const inv: Invocation = { requestId, sqs: true, context, deadline };
    const event = {
      Records: received.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: { ApproximateReceiveCount: m.receiveCount },
        eventSource: "aws:sqs",
      })),
    };
    const outcomes = await run(parseEvent(event, requestId), inv, undefined, windowDigest, {
      windowMinutes: grouping.windowMinutes,
      immediate: grouping.immediateSeverity,
    });
    const answer = report(outcomes, inv) as SqsBatchResponse;
    const retry = new Set(answer.batchItemFailures.map((f) => f.itemIdentifier));
    const done = received.filter((m) => !retry.has(m.messageId));
    const notDeleted = await digestQueue.remove(
      done.map((m) => m.receiptHandle),
      deadline,
    );
    if (notDeleted.size)
      log(
        "error",
        "digest run: handled events could not be deleted from the digest queue; they will be posted again",
        {
          requestId,
          eventId: requestId,
          records: done.filter((m) => notDeleted.has(m.receiptHandle)).map((m) => m.messageId),
          errors: [...new Set(notDeleted.values())],
        },
      );
    const { posted, skipped, failed } = outcomes.result;
    log("info", "digest run done", {
      requestId,
      eventId: requestId,
      held: received.length,
      posted,
      skipped,
      failed,
    });
    return { requestId, held: received.length, posted, skipped, failed };
  }

  return async function notify(event: unknown, context?: InvocationContext): Promise<NotifierResponse> {
    const requestId = context?.awsRequestId ?? "local";
    if (isDigestRun(event)) return digestRun(requestId, context);
    const deadline = deadlineFrom(context, REPORT_RESERVE_MS, LOCAL_BUDGET_MS);
    const inv: Invocation = { requestId, sqs: isSqsEvent(event), context, deadline };
    const raw = parseEvent(event, requestId);
    // Only grouping holds records back, and only it needs them as received.
    const outcomes = await run(raw, inv, grouping ? receivedBodies(event) : undefined, settings.digest);
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
