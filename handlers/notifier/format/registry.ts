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
  formatConfigItem,
  formatOtherConfig,
  isConfigNotification,
} from "./config";
import { formatEventBridgeAlarm, formatSnsAlarm, isSnsAlarm } from "./alarm";
import { formatRemediation } from "./remediation";
import { formatGenericEventBridge, formatUnknownJson, isEventBridgeEvent } from "./generic";

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
    format: (e, ctx) => formatConfigItem(detailOf(e), ctx, e),
  },
  { detailType: "CloudWatch Alarm State Change", format: formatEventBridgeAlarm },
];

const skipConfigNotice: Formatter = (p) => ({
  skipped: `AWS Config ${String(p.messageType)} is a routine delivery/evaluation notice`,
  kind: "other",
  accountId: typeof p.awsAccountId === "string" ? p.awsAccountId : undefined,
});

/** AWS Config SNS notifications by messageType; other Config types get formatOtherConfig. */
export const CONFIG_FORMATS: ReadonlyArray<{ messageType: string; format: Formatter }> = [
  { messageType: "ComplianceChangeNotification", format: (p, ctx) => formatCompliance(p, ctx) },
  { messageType: "ConfigurationItemChangeNotification", format: (p, ctx) => formatConfigItem(p, ctx) },
  {
    messageType: "OversizedConfigurationItemChangeNotification",
    format: (p, ctx) => formatConfigItem(p, ctx),
  },
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
