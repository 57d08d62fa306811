// CloudWatch alarms: the SNS alarm-action message (AlarmName, NewStateValue, Region as a display
// name, ...; https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html)
// and the EventBridge "CloudWatch Alarm State Change" event
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
// Both are normalised to AlarmInfo and rendered the same way.
import type { KnownBlock } from "@slack/types";
import { Json, arr, at, isObject, own, shown, str, num } from "../read";
import { Partition, REGION_DISPLAY_NAMES, alarmUrl, isRegionCode, parseArn } from "../../findings/links";
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

interface AlarmInfo {
  name?: string;
  description?: string;
  state?: string;
  previous?: string;
  reason?: string;
  time?: string;
  accountId?: string;
  region?: string;
  /** Region as the SNS message names it, when no code could be derived. */
  regionDisplay?: string;
  partition?: string;
  metric?: string;
  condition?: string;
  eventId?: string;
}

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: ">=",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerOrGreaterThanUpperThreshold: "outside band",
  LessThanLowerThreshold: "< lower band",
  GreaterThanUpperThreshold: "> upper band",
};

function dimensionsText(dims: unknown[] | undefined, nameKey: string, valueKey: string): string {
  const parts = (dims ?? []).filter(isObject).map((d) => `${shown(d[nameKey])}=${shown(d[valueKey])}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

export function isSnsAlarm(payload: Json): boolean {
  return typeof payload.AlarmName === "string" && "NewStateValue" in payload;
}

function fromSns(m: Json, ctx: FormatContext): AlarmInfo {
  const p = ctx.problems;
  const arn = parseArn(str(m, "AlarmArn", p));
  const display = str(m, "Region", p);
  const region =
    arn && isRegionCode(arn.region) ? arn.region : display ? own(REGION_DISPLAY_NAMES, display) : undefined;
  if (!region)
    p.list.push(
      display
        ? `Region "${display}" is not a known region name and AlarmArn is missing`
        : "Region and AlarmArn are missing",
    );
  const ns = str(m, "Trigger.Namespace", p);
  const metricName = str(m, "Trigger.MetricName", p);
  const op = str(m, "Trigger.ComparisonOperator", p);
  const threshold = num(m, "Trigger.Threshold", p);
  const stat = str(m, "Trigger.Statistic", p) ?? str(m, "Trigger.ExtendedStatistic", p);
  const period = num(m, "Trigger.Period", p);
  const evals = num(m, "Trigger.EvaluationPeriods", p);
  return {
    name: str(m, "AlarmName", p, true),
    description: str(m, "AlarmDescription", p),
    state: str(m, "NewStateValue", p, true),
    previous: str(m, "OldStateValue", p),
    reason: str(m, "NewStateReason", p),
    time: str(m, "StateChangeTime", p),
    accountId: str(m, "AWSAccountId", p, true) ?? arn?.account,
    region,
    regionDisplay: region ? undefined : display,
    partition: arn?.partition,
    metric: metricName
      ? `${ns ? `${ns} ` : ""}${metricName}${dimensionsText(arr(m, "Trigger.Dimensions", p), "name", "value")}`
      : undefined,
    condition:
      op && threshold !== undefined
        ? `${stat ? `${stat.toLowerCase()} ` : ""}${own(OPERATORS, op) ?? op} ${threshold}${period ? ` over ${evals ?? 1} × ${period} s` : ""}`
        : undefined,
    eventId: messageId(ctx.record),
  };
}

function fromEventBridge(e: Json, ctx: FormatContext): AlarmInfo {
  const p = ctx.problems;
  const d = (path: string, required = false) => str(e, `detail.${path}`, p, required);
  const resources = arr(e, "resources", p);
  const arn = parseArn(typeof resources?.[0] === "string" ? resources[0] : undefined);
  const metrics = arr(e, "detail.configuration.metrics", p) ?? [];
  const first = metrics.find((m) => isObject(at(m, "metricStat")));
  const ns = str(first, "metricStat.metric.namespace", p);
  const metricName = str(first, "metricStat.metric.name", p);
  const dims = at(first, "metricStat.metric.dimensions");
  const dimEntries = isObject(dims) ? Object.entries(dims) : [];
  const dimText = dimEntries.length ? ` (${dimEntries.map(([k, v]) => `${k}=${shown(v)}`).join(", ")})` : "";
  const rule = d("configuration.alarmRule");
  return {
    name: d("alarmName", true),
    description: d("configuration.description"),
    state: d("state.value", true),
    previous: d("previousState.value"),
    reason: d("state.reason"),
    time: d("state.timestamp") ?? str(e, "time", p),
    accountId: str(e, "account", p, true),
    region: str(e, "region", p, true),
    partition: arn?.partition,
    metric: metricName
      ? `${ns ? `${ns} ` : ""}${metricName}${dimText}`
      : rule
        ? `composite: ${rule}`
        : undefined,
    eventId: str(e, "id", p) ?? messageId(ctx.record),
  };
}

function render(a: AlarmInfo, ctx: FormatContext, eventLabel: string): Formatted {
  const { settings, record, problems } = ctx;
  const state = a.state ?? "UNKNOWN";
  const severity: Severity = state === "ALARM" ? "danger" : state === "OK" ? "good" : "neutral";
  const name = a.name ?? "unnamed alarm";
  const headline = `${state}: ${name}`;
  const fields: Field[] = [
    { label: "Account", value: accountText(a.accountId, settings) },
    {
      label: "Region",
      value: a.region ? regionText(a.region) : a.regionDisplay ? esc(a.regionDisplay) : "unknown",
    },
    { label: "State", value: `${a.previous ? `${code(a.previous)} → ` : ""}*${esc(state)}*` },
    { label: "Changed at", value: timeText(a.time, "state change time", problems) },
  ];
  if (a.metric) fields.push({ label: "Metric", value: esc(a.metric) });
  if (a.condition) fields.push({ label: "Condition", value: esc(a.condition) });
  const blocks: KnownBlock[] = [header(headline)];
  if (a.description) blocks.push(section(esc(a.description)));
  blocks.push(...fieldSections(fields));
  if (a.reason) blocks.push(section(`*Reason*\n${esc(a.reason)}`));
  if (a.name && a.region && isRegionCode(a.region)) {
    blocks.push(
      ...buttons([
        {
          text: "Open alarm in CloudWatch",
          url: alarmUrl(a.region, a.name, a.partition as Partition | undefined),
        },
      ]),
    );
  }
  blocks.push(footer(record, eventLabel, a.eventId));
  const fallback = `${severity === "danger" ? ":red_circle: " : ""}${esc(headline)} in ${esc(accountPlain(a.accountId, settings))}${a.region ? ` ${esc(a.region)}` : ""}`;
  return {
    kind: "alarm",
    accountId: a.accountId,
    eventId: a.eventId,
    region: a.region ?? a.regionDisplay,
    message: message(severity, fallback, blocks),
  };
}

export function formatSnsAlarm(m: Json, ctx: FormatContext): Formatted {
  return render(fromSns(m, ctx), ctx, "SNS message");
}

export function formatEventBridgeAlarm(e: Json, ctx: FormatContext): Formatted {
  return render(fromEventBridge(e, ctx), ctx, "EventBridge event");
}
