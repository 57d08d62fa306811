// Which formatter renders a payload. A new kind of event plugs in here: write its formatter in
// format/ (payload + FormatContext in, Formatted out) and add one row to the matching table.
// Lookups compare strings, so an event naming "constructor" or "__proto__" finds nothing and falls
// through to the generic formats. Tables are arrays, not Maps: a Map captured at module level does
// not survive the closure serialization that builds the deployed function (its methods then throw
// "incompatible receiver").
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE } from "../../shared/constants";
import { Json, isObject } from "../read";
import { EventKind } from "../settings";
import { FormatContext, Formatted } from "./common";
import { formatCloudTrail } from "./cloudtrail";
import {
  SKIPPED_CONFIG_MESSAGE_TYPES,
  formatCompliance,
  formatOtherConfig,
  isConfigNotification,
} from "./config";
import { formatEventBridgeAlarm, formatSnsAlarm, isSnsAlarm } from "./alarm";
import { formatRemediation } from "./remediation";
import { formatGenericEventBridge, formatUnknownJson, isEventBridgeEvent } from "./generic";
import { formatGuardDuty } from "./guardduty";
import { formatSecurityHub } from "./securityHub";
import { formatAccessAnalyzer } from "./accessAnalyzer";
import { formatSignIn } from "./signIn";
import { formatFinding, modelSources } from "./finding";

/** A record that is deliberately not posted, and why. */
export interface Skipped {
  skipped: string;
  kind: EventKind;
  accountId?: string;
}

export type Formatter = (payload: Json, ctx: FormatContext) => Formatted | Skipped;

interface EventBridgeFormat {
  detailType: string;
  /** Only events from this source (any source when absent). */
  source?: string;
  format: Formatter;
}

function detailOf(e: Json): Json {
  return isObject(e.detail) ? e.detail : {};
}

/** EventBridge events by detail-type (and source), first match wins; others get the generic format. */
export const EVENTBRIDGE_FORMATS: readonly EventBridgeFormat[] = [
  { source: REMEDIATION_EVENT_SOURCE, detailType: REMEDIATION_DETAIL_TYPE, format: formatRemediation },
  { detailType: "AWS API Call via CloudTrail", format: formatCloudTrail },
  {
    detailType: "Config Rules Compliance Change",
    format: (e, ctx) => formatCompliance(detailOf(e), ctx, e),
  },
  {
    detailType: "Config Configuration Item Change",
    format: (e, ctx) => skipConfigItem({ ...detailOf(e), awsAccountId: e.account }, ctx),
  },
  { detailType: "CloudWatch Alarm State Change", format: formatEventBridgeAlarm },
  { detailType: "AWS Console Sign In via CloudTrail", format: formatSignIn },
  { source: "aws.guardduty", detailType: "GuardDuty Finding", format: formatGuardDuty },
  { source: "aws.securityhub", detailType: "Security Hub Findings - Imported", format: formatSecurityHub },
  { source: "aws.access-analyzer", detailType: "Access Analyzer Finding", format: formatAccessAnalyzer },
];

const skipConfigNotice: Formatter = (p) => ({
  skipped: `AWS Config ${String(p.messageType)} is a routine delivery/evaluation notice`,
  kind: "other",
  accountId: typeof p.awsAccountId === "string" ? p.awsAccountId : undefined,
});

/**
 * Configuration-item changes are resource bookkeeping, not security signal: every recorded change
 * of every resource. The hub's Config topic subscription drops them at SNS; one that arrives anyway
 * (another path, an old subscription) is skipped here, with the reason.
 */
export const CONFIG_ITEM_SKIP_REASON =
  "AWS Config configuration-item changes are not posted: they record every change of every resource; " +
  "the compliance changes of the guard's Config rules are the security signal";

const skipConfigItem: Formatter = (p) => ({
  skipped: CONFIG_ITEM_SKIP_REASON,
  kind: "other",
  accountId:
    typeof p.awsAccountId === "string"
      ? p.awsAccountId
      : isObject(p.configurationItem) && typeof p.configurationItem.awsAccountId === "string"
        ? p.configurationItem.awsAccountId
        : undefined,
});

/** AWS Config SNS notifications by messageType; other Config types get formatOtherConfig. */
export const CONFIG_FORMATS: ReadonlyArray<{ messageType: string; format: Formatter }> = [
  { messageType: "ComplianceChangeNotification", format: (p, ctx) => formatCompliance(p, ctx) },
  { messageType: "ConfigurationItemChangeNotification", format: skipConfigItem },
  { messageType: "OversizedConfigurationItemChangeNotification", format: skipConfigItem },
  ...SKIPPED_CONFIG_MESSAGE_TYPES.map((messageType) => ({ messageType, format: skipConfigNotice })),
];

interface MessageFormat {
  /** What the row recognises, for readers. */
  name: string;
  matches: (payload: Json) => boolean;
  format: Formatter;
}

/** Every JSON payload, tried in order; the last row takes anything. */
export const PAYLOAD_FORMATS: readonly MessageFormat[] = [
  {
    // Sources already mapped to the finding model (Security Hub OCSF, GuardDuty attack sequences and
    // Malware Protection for S3, Access Analyzer unused and internal access, Amazon Inspector).
    name: "finding of a model source",
    matches: (p) => modelSources().some((s) => s.recognise(p, { recordId: "record", via: "direct" })),
    format: formatFinding,
  },
  {
    name: "EventBridge event",
    matches: isEventBridgeEvent,
    format: (e, ctx) => {
      const row = EVENTBRIDGE_FORMATS.find(
        (f) => f.detailType === e["detail-type"] && (f.source === undefined || f.source === e.source),
      );
      return (row?.format ?? formatGenericEventBridge)(e, ctx);
    },
  },
  {
    name: "AWS Config notification",
    matches: isConfigNotification,
    format: (p, ctx) =>
      (CONFIG_FORMATS.find((f) => f.messageType === p.messageType)?.format ?? formatOtherConfig)(p, ctx),
  },
  { name: "CloudWatch alarm (SNS)", matches: isSnsAlarm, format: formatSnsAlarm },
  { name: "any other JSON", matches: () => true, format: formatUnknownJson },
];

/** The formatted message (or skip) for a JSON payload. */
export function formatPayload(payload: Json, ctx: FormatContext): Formatted | Skipped {
  const row = PAYLOAD_FORMATS.find((f) => f.matches(payload))!;
  return row.format(payload, ctx);
}
