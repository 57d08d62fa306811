// AWS Config notifications: compliance changes (SNS ComplianceChangeNotification and the EventBridge
// "Config Rules Compliance Change" detail, which carry the same fields), configuration item changes
// (summarised), and delivery/evaluation notices, which are skipped as noise
// (https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html).
import type { KnownBlock } from "@slack/types";
import { Json, arr, at, obj, str } from "../read";
import { configRuleUrl, isRegionCode, parseArn } from "../../findings/links";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import {
  FormatContext,
  Formatted,
  accountPlain,
  accountText,
  footer,
  regionText,
  timeText,
  messageId,
} from "./common";
import { Partition } from "../../findings/links";

/** Config notification types that report routine delivery or evaluation progress, not changes. */
export const SKIPPED_CONFIG_MESSAGE_TYPES = [
  "ConfigurationSnapshotDeliveryStarted",
  "ConfigurationSnapshotDeliveryCompleted",
  "ConfigurationHistoryDeliveryCompleted",
  "ConfigRulesEvaluationStarted",
];

const QUALIFIER = "newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier";

/**
 * `body` is the SNS notification or the EventBridge detail; `event` is the EventBridge envelope
 * (for its account/region/id) when there is one. `where` prefixes field names in problems.
 */
export function formatCompliance(body: Json, ctx: FormatContext, event?: Json): Formatted {
  const { problems, settings, record } = ctx;
  const where = event ? "detail." : "";
  const s = (path: string, required = false) => str(body, path, problems, required, `${where}${path}`);
  const rule = s("configRuleName") ?? s(`${QUALIFIER}.configRuleName`);
  if (!rule) problems.list.push(`${where}configRuleName is missing`);
  const compliance = s("newEvaluationResult.complianceType", true) ?? "UNKNOWN";
  const previous = s("oldEvaluationResult.complianceType");
  const resourceType = s("resourceType") ?? s(`${QUALIFIER}.resourceType`);
  const resourceId = s("resourceId") ?? s(`${QUALIFIER}.resourceId`);
  const accountId = s("awsAccountId") ?? str(event, "account", problems);
  const region = s("awsRegion") ?? str(event, "region", problems);
  if (!accountId) problems.list.push(`${where}awsAccountId is missing`);
  if (!region) problems.list.push(`${where}awsRegion is missing`);
  const recorded =
    s("newEvaluationResult.resultRecordedTime") ??
    s("notificationCreationTime") ??
    str(event, "time", problems);
  const annotation = s("newEvaluationResult.annotation");
  const ruleArn = parseArn(s("configRuleARN"));
  const eventId = str(event, "id", problems) ?? messageId(record);

  const severity: Severity =
    compliance === "NON_COMPLIANT" ? "danger" : compliance === "COMPLIANT" ? "good" : "neutral";
  const resource = resourceId ?? "unknown resource";
  const headline = `${resource} is ${compliance} with ${rule ?? "an unnamed Config rule"}`;

  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Rule", value: rule ? code(rule) : "unknown" },
    { label: "Resource", value: `${resourceType ? `${esc(resourceType)} ` : ""}${code(resource)}` },
    { label: "Compliance", value: `${previous ? `${code(previous)} → ` : ""}*${esc(compliance)}*` },
    {
      label: "Recorded",
      value: timeText(recorded, `${where}newEvaluationResult.resultRecordedTime`, problems),
    },
  ];
  const blocks: KnownBlock[] = [header(headline), ...fieldSections(fields)];
  if (annotation) blocks.push(section(`*Annotation*\n${esc(annotation)}`));
  if (rule && region && isRegionCode(region)) {
    blocks.push(
      ...buttons([
        {
          text: "Open rule in AWS Config",
          url: configRuleUrl(region, rule, ruleArn?.partition as Partition | undefined),
        },
      ]),
    );
  }
  blocks.push(footer(record, event ? "EventBridge event" : "Config notification", eventId));
  const fallback = `${severity === "danger" ? ":red_circle: " : ""}${esc(headline)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return {
    kind: "config-compliance",
    accountId,
    eventId,
    region,
    message: message(severity, fallback, blocks),
  };
}

/** ConfigurationItemChangeNotification / Oversized...: a compact one-resource summary. */
export function formatConfigItem(body: Json, ctx: FormatContext, event?: Json): Formatted {
  const { problems, settings, record } = ctx;
  const where = event ? "detail." : "";
  const oversized = at(body, "messageType") === "OversizedConfigurationItemChangeNotification";
  const itemPath = oversized ? "configurationItemSummary" : "configurationItem";
  const item = obj(body, itemPath, problems, true, `${where}${itemPath}`);
  const s = (path: string) => str(item, path, problems, false, `${where}${itemPath}.${path}`);
  const resourceType = s("resourceType");
  const resourceId = s("resourceId");
  const resourceName = s("resourceName");
  const status = s("configurationItemStatus");
  const accountId = s("awsAccountId") ?? str(event, "account", problems);
  const region = s("awsRegion") ?? str(event, "region", problems);
  const captured = s("configurationItemCaptureTime");
  const changeType =
    str(
      body,
      "configurationItemDiff.changeType",
      problems,
      false,
      `${where}configurationItemDiff.changeType`,
    ) ?? s("changeType");
  const changed = obj(
    body,
    "configurationItemDiff.changedProperties",
    problems,
    false,
    `${where}configurationItemDiff.changedProperties`,
  );
  const eventId = str(event, "id", problems) ?? messageId(record);

  const headline = `Config: ${resourceType ?? "resource"} ${resourceId ?? "unknown"} ${changeType ?? status ?? "changed"}`;
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    {
      label: "Resource",
      value: `${resourceType ? `${esc(resourceType)} ` : ""}${resourceId ? code(resourceId) : "unknown"}${resourceName && resourceName !== resourceId ? ` (${esc(resourceName)})` : ""}`,
    },
    { label: "Status", value: status ? code(status) : "not given" },
    {
      label: "Captured",
      value: timeText(captured, `${where}${itemPath}.configurationItemCaptureTime`, problems),
    },
  ];
  const blocks: KnownBlock[] = [header(headline), ...fieldSections(fields)];
  if (changed && Object.keys(changed).length) {
    const keys = Object.keys(changed);
    const shown = keys.slice(0, 10).map((k) => {
      const ct = at(changed[k], "changeType");
      return `• ${code(k)}${typeof ct === "string" ? ` ${esc(ct.toLowerCase())}` : ""}`;
    });
    if (keys.length > 10) shown.push(`… ${keys.length - 10} more`);
    blocks.push(section(`*Changed properties*\n${shown.join("\n")}`));
  } else if (oversized) {
    blocks.push(
      section(
        "The configuration item was too large for the notification; see the resource timeline in AWS Config.",
      ),
    );
  }
  blocks.push(footer(record, event ? "EventBridge event" : "Config notification", eventId));
  return {
    kind: "other",
    accountId,
    eventId,
    region,
    message: message("neutral", `${esc(headline)} in ${esc(accountPlain(accountId, settings))}`, blocks),
  };
}

/** Any other Config notification type: what it is and where, never its raw JSON. */
export function formatOtherConfig(body: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const type = str(body, "messageType", problems) ?? "unknown";
  const accountId =
    str(body, "awsAccountId", problems) ?? str(body, "configurationItem.awsAccountId", problems);
  const region = str(body, "awsRegion", problems);
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Notification", value: code(type) },
    {
      label: "Created",
      value: timeText(str(body, "notificationCreationTime", problems), "notificationCreationTime", problems),
    },
  ];
  const bucket = str(body, "s3Bucket", problems);
  const key = str(body, "s3ObjectKey", problems);
  const reason = str(body, "failureReason", problems) ?? str(body, "errorMessage", problems);
  const lines: string[] = [];
  if (bucket) lines.push(`S3 object: ${code(`s3://${bucket}/${key ?? ""}`)}`);
  if (reason) lines.push(`Reason: ${esc(reason)}`);
  const keys = Object.keys(body).filter(
    (k) =>
      !["messageType", "awsAccountId", "awsRegion", "notificationCreationTime", "recordVersion"].includes(k),
  );
  if (keys.length && !lines.length) lines.push(`Fields: ${keys.slice(0, 15).map(code).join(", ")}`);
  const blocks: KnownBlock[] = [header(`AWS Config: ${type}`), ...fieldSections(fields)];
  if (lines.length) blocks.push(section(lines.join("\n")));
  blocks.push(footer(record, "Config notification", messageId(record)));
  const hasList = arr(body, "configRuleNames", problems);
  if (hasList?.length)
    blocks.splice(
      blocks.length - 1,
      0,
      section(
        `Rules: ${hasList
          .filter((x) => typeof x === "string")
          .map((x) => code(x as string))
          .join(", ")}`,
      ),
    );
  return {
    kind: "other",
    accountId,
    eventId: messageId(record),
    region,
    message: message(
      "neutral",
      `AWS Config ${esc(type)} in ${esc(accountPlain(accountId, settings))}`,
      blocks,
    ),
  };
}

export function isConfigNotification(payload: Json): boolean {
  // Every Config notification type starts with one of these words; other JSON may use "messageType" too.
  return (
    typeof payload.messageType === "string" &&
    /^(Configuration|ConfigRules|Compliance|Oversized)/.test(payload.messageType)
  );
}
