// post: each planned Slack message to its webhook (deliver.ts retries), recording every record's
// outcome. A post that cannot finish before the Lambda's timeout is not started: its records are
// reported failed, so SQS (or Lambda's retry) brings them back instead of a mid-batch cut-off.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { fitToSlack } from "../blockKit";
import { DeliveryOptions, isDeliveryError, postMessage } from "../deliver";
import { Invocation, PostUnit } from "../pipeline";
import { Webhooks } from "../webhooks";
import { Outcomes } from "./report";
import { resolveWebhook } from "./route";

/** Time kept back before a post so a record we cannot post in time is reported, not cut off by a timeout. */
const START_POST_MARGIN_MS = 2000;

/** The ids a post's log lines carry: the event's, or every event's of a digest part. */
function unitLogFields(unit: PostUnit, requestId: string): Record<string, unknown> {
  if (unit.digest)
    return {
      requestId,
      webhook: unit.webhook,
      digestPart: `${unit.digest.part}/${unit.digest.parts}`,
      recordIds: unit.records.map((r) => r.recordId),
      eventIds: unit.records.map((r) => r.eventId ?? r.recordId),
    };
  const first = unit.records[0];
  return {
    requestId,
    recordId: first.recordId,
    eventId: first.eventId ?? first.recordId,
    kind: first.kind,
    webhook: unit.webhook,
  };
}

async function postUnit(
  unit: PostUnit,
  hooks: Webhooks,
  opts: DeliveryOptions,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  const ids = unitLogFields(unit, inv.requestId);
  const target = resolveWebhook(hooks, unit.webhook, unit.message, unit.digest !== undefined);
  if (target.fellBack) log("warn", "route names a webhook that is not configured; using default", ids);
  const remaining = opts.remainingMs?.();
  if (remaining !== undefined && remaining < opts.timeoutMs + START_POST_MARGIN_MS) {
    for (const r of unit.records)
      outcomes.fail(r, `not enough Lambda time left (${remaining} ms) to post`, 0, unit.digest);
    return;
  }
  try {
    // Whatever built the message (a formatter, a digest, a routing note), it goes out within Slack's limits.
    const { attempts } = await postMessage(target.url, fitToSlack(target.message), opts, ids);
    outcomes.result.messages++;
    for (const r of unit.records)
      outcomes.add(r, { status: "posted", attempts, ...(unit.digest ? { digest: unit.digest } : {}) });
    log("info", unit.digest ? "posted digest to Slack" : "posted to Slack", { ...ids, attempts });
  } catch (err) {
    const attempts = isDeliveryError(err) ? err.attempts : undefined;
    for (const r of unit.records) outcomes.fail(r, errorText(err), attempts, unit.digest);
  }
}

/** Posts the units one after another (a webhook's rate limit is per channel: parallel posts only earn 429s). */
export async function postUnits(
  units: PostUnit[],
  hooks: Webhooks,
  opts: DeliveryOptions,
  inv: Invocation,
  outcomes: Outcomes,
): Promise<void> {
  for (const unit of units) await postUnit(unit, hooks, opts, inv, outcomes);
}
