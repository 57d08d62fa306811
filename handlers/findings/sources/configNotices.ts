// AWS Config's other notifications: configuration-item changes (skipped: they record every change of
// every resource), routine delivery and evaluation notices (skipped), and any other Config
// notification type, shown by what it is and where, never its raw JSON
// (https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html).
import * as v from "valibot";
import { FINDING_CLASSES } from "../model";
import type { Skip } from "../model";
import { Json, isEventBridge, isObject, list, object, parseLenient, text } from "../parse";
import type { Draft, SourceModule } from "../source";
import { notificationId } from "./configCompliance";

const ITEM_DETAIL_TYPE = "Config Configuration Item Change";

/** Config notification types that report routine delivery or evaluation progress, not changes. */
export const SKIPPED_CONFIG_MESSAGE_TYPES = [
  "ConfigurationSnapshotDeliveryStarted",
  "ConfigurationSnapshotDeliveryCompleted",
  "ConfigurationHistoryDeliveryCompleted",
  "ConfigRulesEvaluationStarted",
];

const ITEM_TYPES = ["ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"];

/**
 * Configuration-item changes are resource bookkeeping, not security signal: every recorded change
 * of every resource. The hub's Config topic subscription drops them at SNS; one that arrives anyway
 * (another path, an old subscription) is skipped, with the reason.
 */
export const CONFIG_ITEM_SKIP_REASON =
  "AWS Config configuration-item changes are not posted: they record every change of every resource; " +
  "the compliance changes of the guard's Config rules are the security signal";

/** Every Config notification type starts with one of these words; other JSON may use "messageType" too. */
export function isConfigNotification(payload: Json): boolean {
  return (
    typeof payload.messageType === "string" &&
    /^(Configuration|ConfigRules|Compliance|Oversized)/.test(payload.messageType)
  );
}

function itemAccount(body: Json, event?: Json): string | undefined {
  const item = isObject(body.configurationItem)
    ? body.configurationItem
    : isObject(body.configurationItemSummary)
      ? body.configurationItemSummary
      : undefined;
  const fromItem = item && typeof item.awsAccountId === "string" ? item.awsAccountId : undefined;
  const top = typeof body.awsAccountId === "string" ? body.awsAccountId : undefined;
  const env = event && typeof event.account === "string" ? event.account : undefined;
  return top ?? fromItem ?? env;
}

function otherSchema() {
  return v.object({
    messageType: text(),
    awsAccountId: text(),
    awsRegion: text(),
    notificationCreationTime: text(),
    s3Bucket: text(),
    s3ObjectKey: text(),
    failureReason: text(),
    errorMessage: text(),
    configRuleNames: list(v.unknown()),
    configurationItem: object({ awsAccountId: text() }),
  });
}

const KNOWN_KEYS = ["messageType", "awsAccountId", "awsRegion", "notificationCreationTime", "recordVersion"];

export const configNotices: SourceModule = {
  id: "config-notices",
  name: "AWS Config delivery-channel notifications",
  kinds: ["other"],
  detects: [],
  recognise: (p) => isEventBridge(p, ITEM_DETAIL_TYPE) || isConfigNotification(p),

  map(payload, ctx): Draft | Skip {
    if (isEventBridge(payload, ITEM_DETAIL_TYPE)) {
      const detail = isObject(payload.detail) ? payload.detail : {};
      return { skipped: CONFIG_ITEM_SKIP_REASON, kind: "other", accountId: itemAccount(detail, payload) };
    }
    const type = payload.messageType as string;
    if (ITEM_TYPES.includes(type))
      return { skipped: CONFIG_ITEM_SKIP_REASON, kind: "other", accountId: itemAccount(payload) };
    if (SKIPPED_CONFIG_MESSAGE_TYPES.includes(type))
      return {
        skipped: `AWS Config ${type} is a routine delivery/evaluation notice`,
        kind: "other",
        accountId: typeof payload.awsAccountId === "string" ? payload.awsAccountId : undefined,
      };
    const b = parseLenient(otherSchema(), payload, { problems: ctx.problems });
    const accountId = b.awsAccountId ?? b.configurationItem?.awsAccountId;
    const reason = b.failureReason ?? b.errorMessage;
    const keys = Object.keys(payload).filter((k) => !KNOWN_KEYS.includes(k));
    const rules = (b.configRuleNames ?? []).filter((x): x is string => typeof x === "string");
    const id = notificationId(ctx.delivery);
    return {
      ...FINDING_CLASSES.other,
      class_name: "other",
      kind: "other",
      uid: id,
      event_name: type,
      time: b.notificationCreationTime,
      title: `AWS Config: ${type ?? "unknown"}`,
      cloud: { account: { uid: accountId }, region: b.awsRegion },
      resources: [],
      evidence: {
        ...(b.s3Bucket ? { notes: [`s3://${b.s3Bucket}/${b.s3ObjectKey ?? ""}`] } : {}),
        ...(reason ? { text: reason } : {}),
        ...(!b.s3Bucket && !reason && keys.length ? { keys } : {}),
        ...(rules.length ? { identifying: rules.map((r) => ({ name: "rule", value: r })) } : {}),
      },
      links: [],
      metadata: {
        source: "config-notices",
        event_uid: id,
        event_label: "Config notification",
        event_type: type,
      },
    };
  },

  severity: [],
  fixtures: [
    "messages/config-item-change-notification.json",
    "messages/config-snapshot-delivery-completed.json",
    "sns/lambda-sns-config-item-change.json",
    "sns/lambda-sns-config-snapshot-delivery.json",
  ],
};
