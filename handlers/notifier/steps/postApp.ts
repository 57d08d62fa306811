// post (Slack app mode): each planned message to its route's channel with chat.postMessage. An
// alert's channel and ts are remembered (alert threads table); a record that follows an alert (a
// remediation report) is posted as a reply in the alert's thread and the alert's header is updated
// with chat.update. Units that follow an alert go last, so an alert and its report in one batch
// thread correctly. `ok: false` is a failure like any other: the record is reported failed and
// comes back (SQS) or the invocation throws (SNS).
import { AlertThread, AlertThreads } from "../../shared/alertThreads";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { SlackApiOptions, callSlackApi, isSlackApiError } from "../../shared/slackWebApi";
import { fitToSlack } from "../blockKit";
import { DeliveryOptions } from "../deliver";
import { Invocation, PostUnit, RenderedMessage } from "../pipeline";
import { DEFAULT_WEBHOOK } from "../settings";
import { withUpdatedHeader } from "../threads";
import { Outcomes } from "./report";

/** Time kept back before a post so a record we cannot post in time is reported, not cut off by a timeout. */
const START_POST_MARGIN_MS = 2000;
/** The longest one alert-threads call may take (within the invocation's deadline). */
const STORE_CALL_CAP_MS = 1500;
/**
 * A report this fresh whose alert is not recorded yet may be racing it (the alert in another batch
 * being posted right now): look once more after ALERT_RETRY_DELAY_MS before posting it unthreaded.
 */
const FRESH_REPORT_MS = 120_000;
const ALERT_RETRY_DELAY_MS = 2000;

export interface AppTransport {
  token: string;
  /** Route destination name -> channel id ("default" always present). */
  channels: Record<string, string>;
  threads: AlertThreads;
  apiBaseUrl: string;
  /**
   * Takes a chat.postMessage from the channel's budget, waiting when it is spent (see channelPacer),
   * and returns `api` with the hook that tells the budget a 429's Retry-After.
   */
  pace(channel: string, api: SlackApiOptions): Promise<SlackApiOptions>;
}

function single(unit: PostUnit): RenderedMessage | undefined {
  return unit.digest ? undefined : unit.records[0];
}

function logFields(unit: PostUnit, requestId: string, channel: string): Record<string, unknown> {
  const first = unit.records[0];
  return unit.digest
    ? {
        requestId,
        webhook: unit.webhook,
        channel,
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
        channel,
      };
}

/** The alert a record follows, or undefined (none recorded, or the store did not answer: logged). */
async function findAlert(
  r: RenderedMessage,
  app: AppTransport,
  inv: Invocation,
  ids: Record<string, unknown>,
): Promise<AlertThread | undefined> {
  const key = r.thread?.follows?.alertKey;
  if (!key) return undefined;
  try {
    const lookup = () =>
      app.threads.lookup(key, (what, call) => inv.deadline.run(what, call, STORE_CALL_CAP_MS));
    let found = await lookup();
    const reportedAt = r.thread?.follows?.reportedAt;
    if (
      !found &&
      reportedAt !== undefined &&
      Date.now() - reportedAt < FRESH_REPORT_MS &&
      inv.deadline.remainingMs() > ALERT_RETRY_DELAY_MS + STORE_CALL_CAP_MS + START_POST_MARGIN_MS
    ) {
      log("info", "alert thread not recorded yet for a fresh report; looking again shortly", {
        ...ids,
        alertKey: key,
        retryInMs: ALERT_RETRY_DELAY_MS,
      });
      await new Promise<void>((resolve) => setTimeout(resolve, ALERT_RETRY_DELAY_MS));
      found = await lookup();
    }
    if (!found)
      log("info", "no alert thread recorded for this report; posting it in the channel", {
        ...ids,
        alertKey: key,
      });
    return found;
  } catch (err) {
    log("warn", "could not look up the alert's thread; posting in the channel", {
      ...ids,
      alertKey: key,
      error: errorText(err),
    });
    return undefined;
  }
}

/** Updates the alert's header after a reply in its thread; what happened, for the outcome. */
async function updateHeader(
  r: RenderedMessage,
  alert: AlertThread,
  app: AppTransport,
  api: SlackApiOptions,
  ids: Record<string, unknown>,
): Promise<{ headerUpdated: boolean; headerError?: string }> {
  const follows = r.thread?.follows;
  if (!follows?.header) return { headerUpdated: false };
  if (!alert.message) {
    const why = "the alert message was not kept (too large), so its header cannot be rewritten";
    log("warn", "alert header not updated", { ...ids, error: why });
    return { headerUpdated: false, headerError: why };
  }
  const updated = fitToSlack(withUpdatedHeader(alert.message, follows.header, follows.severity));
  try {
    await callSlackApi(
      "chat.update",
      app.token,
      { channel: alert.channel, ts: alert.ts, text: updated.text, attachments: updated.attachments },
      api,
      ids,
    );
    log("info", "updated the alert's header", { ...ids, alertTs: alert.ts, header: follows.header });
    return { headerUpdated: true };
  } catch (err) {
    // The reply is posted (redelivering would post it twice): the failed update is logged as an
    // error and named in the record's outcome, not reported as done.
    log("error", "could not update the alert's header", { ...ids, alertTs: alert.ts, error: errorText(err) });
    return { headerUpdated: false, headerError: errorText(err) };
  }
}

async function recordAlert(
  r: RenderedMessage,
  thread: AlertThread,
  app: AppTransport,
  inv: Invocation,
  ids: Record<string, unknown>,
): Promise<void> {
  const key = r.thread?.alertKey;
  if (!key) return;
  try {
    await app.threads.record(key, thread, (what, call) => inv.deadline.run(what, call, STORE_CALL_CAP_MS));
  } catch (err) {
    // The alert is in Slack; without its thread a later report is posted in the channel instead.
    log("error", "could not record the alert's thread; follow-ups will be posted in the channel", {
      ...ids,
      alertKey: key,
      error: errorText(err),
    });
  }
}

async function postUnit(
  unit: PostUnit,
  app: AppTransport,
  opts: DeliveryOptions,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  const routed = Object.hasOwn(app.channels, unit.webhook) ? app.channels[unit.webhook] : undefined;
  let channel = routed ?? app.channels[DEFAULT_WEBHOOK];
  let ids = logFields(unit, inv.requestId, channel);
  if (!routed) log("warn", "route names no channel in app mode; using the default channel", ids);
  const remaining = opts.remainingMs?.();
  if (remaining !== undefined && remaining < opts.timeoutMs + START_POST_MARGIN_MS) {
    for (const r of unit.records)
      outcomes.fail(r, `not enough Lambda time left (${remaining} ms) to post`, 0, unit.digest);
    return;
  }
  const api: SlackApiOptions = { ...opts, baseUrl: app.apiBaseUrl };
  const r = single(unit);
  const alert = r ? await findAlert(r, app, inv, ids) : undefined;
  if (alert) {
    channel = alert.channel;
    ids = { ...ids, channel, threadTs: alert.ts };
  }
  const message = fitToSlack(unit.message);
  try {
    const paced = await app.pace(channel, api);
    const { body, attempts } = await callSlackApi(
      "chat.postMessage",
      app.token,
      {
        channel,
        text: message.text,
        attachments: message.attachments,
        // Links in alerts are console links: no previews (https://api.slack.com/reference/messaging/link-unfurling).
        unfurl_links: false,
        unfurl_media: false,
        ...(alert ? { thread_ts: alert.ts } : {}),
      },
      paced,
      ids,
    );
    const ts = String(body.ts ?? "");
    const postedChannel = String(body.channel ?? channel);
    outcomes.result.messages++;
    const header = r && alert ? await updateHeader(r, alert, app, api, ids) : {};
    for (const rec of unit.records)
      outcomes.add(rec, {
        status: "posted",
        attempts,
        channel: postedChannel,
        ts,
        ...(alert ? { threadTs: alert.ts } : {}),
        ...header,
        ...(unit.digest ? { digest: unit.digest } : {}),
      });
    log(
      "info",
      unit.digest ? "posted digest to Slack" : alert ? "posted in the alert's thread" : "posted to Slack",
      {
        ...ids,
        ts,
        attempts,
      },
    );
    if (r && ts)
      await recordAlert(
        r,
        {
          channel: postedChannel,
          ts,
          message: { text: message.text, attachments: message.attachments },
          postedAt: new Date().toISOString(),
        },
        app,
        inv,
        ids,
      );
  } catch (err) {
    const attempts = isSlackApiError(err) ? err.attempts : undefined;
    for (const rec of unit.records) outcomes.fail(rec, errorText(err), attempts, unit.digest);
  }
}

/** Posts the units one after another; those that follow an alert go after the alerts. */
export async function postUnitsApp(
  units: PostUnit[],
  app: AppTransport,
  opts: DeliveryOptions,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  const follows = (u: PostUnit) => single(u)?.thread?.follows !== undefined;
  const ordered = [...units.filter((u) => !follows(u)), ...units.filter(follows)];
  for (const unit of ordered) await postUnit(unit, app, opts, inv, outcomes);
}
