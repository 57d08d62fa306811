// The hub's notifier: turns everything the hub routes (CloudTrail IAM/SG calls, Config compliance
// changes, CloudWatch alarms, remediation reports) into Slack messages posted to incoming webhooks.
// The stack wraps createNotifierHandler in a CallbackFunction's callbackFactory, so the factory runs
// once per Lambda container: it builds the per-container parts once (parts.ts: stores, publisher,
// secrets decrypted on first use and kept) and each invocation runs the steps with them.
//
// pipeline.ts describes the steps and their contracts; steps/run.ts runs one invocation and
// steps/digestRun.ts a digest run. A new source is a module in handlers/findings/sources (its
// findings get the default layout, layout/finding.ts, unless it adds one in layout/index.ts); a new
// screening step (severity, muting, de-duplication) goes in parts.ts's screenSteps; another channel
// next to steps/email.ts.
import { isDigestRun } from "./grouping";
import { buildParts } from "./parts";
import { InvocationContext } from "./pipeline";
import { NotifierResponse } from "./result";
import { NotifierSettings } from "./settings";
import { digestRun } from "./steps/digestRun";
import { notifyRun } from "./steps/run";

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
export { digestMessages, DIGEST_BLOCK_PREFIX } from "./digest";
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

export function createNotifierHandler(input: NotifierSettings, env: NodeJS.ProcessEnv = process.env) {
  const parts = buildParts(input, env);
  return async function notify(event: unknown, context?: InvocationContext): Promise<NotifierResponse> {
    if (isDigestRun(event)) return digestRun(parts, context);
    return notifyRun(parts, event, context);
  };
}
