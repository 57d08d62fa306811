// Pure rendering: event in, Slack messages (with their route) out. Used by the handler, by
// `npm run render` and by the tests.
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE } from "../shared/constants";
import { RawRecord, unwrap } from "./envelopes";
import { Json, newProblems } from "./read";
import { EventKind, NotifierSettings, chooseWebhook } from "./settings";
import { SlackMessage, LIMITS } from "./slack";
import { FormatContext, Formatted } from "./format/common";
import { EventSummary, summarize } from "./digest";
import { formatCloudTrail } from "./format/cloudtrail";
import {
  SKIPPED_CONFIG_MESSAGE_TYPES,
  formatCompliance,
  formatConfigItem,
  formatOtherConfig,
  isConfigNotification,
} from "./format/config";
import { formatEventBridgeAlarm, formatSnsAlarm, isSnsAlarm } from "./format/alarm";
import { formatRemediation } from "./format/remediation";
import {
  formatGenericEventBridge,
  formatText,
  formatUnknownJson,
  formatUnreadable,
  isEventBridgeEvent,
  problemsBlock,
} from "./format/generic";

export interface RenderedMessage {
  /** SNS/SQS message id, EventBridge id, or position in the batch. */
  recordId: string;
  /** The event's own id (CloudTrail eventID, EventBridge id, ...), when known. */
  eventId?: string;
  kind: EventKind;
  accountId?: string;
  /** Webhook name chosen by the routes. */
  webhook: string;
  /** The Slack message; absent when the record is skipped. */
  message?: SlackMessage;
  /** What a digest line shows for this event (severity, the message's title, region, console link). */
  summary?: EventSummary;
  /** Why the record is not posted (routine Config delivery notices). */
  skipped?: string;
  /** Missing or mistyped fields, and unreadable records: logged as errors by the handler. */
  problems: string[];
}

function dispatch(
  p: Json,
  ctx: FormatContext,
): Formatted | { skipped: string; kind: EventKind; accountId?: string } {
  if (isEventBridgeEvent(p)) {
    const detailType = p["detail-type"];
    const detail =
      typeof p.detail === "object" && p.detail !== null && !Array.isArray(p.detail)
        ? (p.detail as Json)
        : undefined;
    if (p.source === REMEDIATION_EVENT_SOURCE && detailType === REMEDIATION_DETAIL_TYPE)
      return formatRemediation(p, ctx);
    if (detailType === "AWS API Call via CloudTrail") return formatCloudTrail(p, ctx);
    if (detailType === "Config Rules Compliance Change") return formatCompliance(detail ?? {}, ctx, p);
    if (detailType === "Config Configuration Item Change") return formatConfigItem(detail ?? {}, ctx, p);
    if (detailType === "CloudWatch Alarm State Change") return formatEventBridgeAlarm(p, ctx);
    return formatGenericEventBridge(p, ctx);
  }
  if (isConfigNotification(p)) {
    const type = p.messageType as string;
    if (type === "ComplianceChangeNotification") return formatCompliance(p, ctx);
    if (
      type === "ConfigurationItemChangeNotification" ||
      type === "OversizedConfigurationItemChangeNotification"
    )
      return formatConfigItem(p, ctx);
    if (SKIPPED_CONFIG_MESSAGE_TYPES.includes(type)) {
      return {
        skipped: `AWS Config ${type} is a routine delivery/evaluation notice`,
        kind: "other",
        accountId: typeof p.awsAccountId === "string" ? p.awsAccountId : undefined,
      };
    }
    return formatOtherConfig(p, ctx);
  }
  if (isSnsAlarm(p)) return formatSnsAlarm(p, ctx);
  return formatUnknownJson(p, ctx);
}

/** Renders one unwrapped record. Never throws for bad content: bad content is a visible message plus problems. */
export function renderRecord(record: RawRecord, settings: NotifierSettings): RenderedMessage {
  const problems = newProblems();
  const ctx: FormatContext = { record, settings, problems };
  let out: Formatted | { skipped: string; kind: EventKind; accountId?: string };
  if (record.error) {
    problems.list.push(record.error);
    out = formatUnreadable(record.error, ctx);
  } else if (record.payload) {
    try {
      out = dispatch(record.payload, ctx);
    } catch (err) {
      // A formatter bug must not lose the event: fall back to the unreadable form, and say why.
      const why = `formatting failed (${(err as Error).message})`;
      problems.list.push(why);
      out = formatUnreadable(why, ctx);
    }
  } else {
    out = formatText(record.text ?? "", ctx);
  }
  const base = {
    recordId: record.recordId,
    kind: out.kind,
    accountId: out.accountId,
    webhook: chooseWebhook(settings, out.accountId, out.kind),
  };
  if ("skipped" in out) return { ...base, skipped: out.skipped, problems: problems.list };
  const message = out.message;
  if (problems.list.length && !record.error) {
    // Keep the footer last: the note goes just before it.
    const blocks = message.attachments[0].blocks;
    if (blocks.length >= LIMITS.blocks) blocks[LIMITS.blocks - 2] = problemsBlock(problems.list);
    else blocks.splice(Math.max(0, blocks.length - 1), 0, problemsBlock(problems.list));
  }
  return {
    ...base,
    // Config and alarm notifications carry no id of their own: their SNS MessageId identifies them.
    eventId: out.eventId ?? record.snsMessageId,
    message,
    summary: summarize(message, out.region),
    problems: problems.list,
  };
}

/** The messages the notifier would post for `event`. Throws NotifierInputError when the event as a whole is unusable. */
export function renderMessages(event: unknown, settings: NotifierSettings): RenderedMessage[] {
  return unwrap(event).map((r) => renderRecord(r, settings));
}
