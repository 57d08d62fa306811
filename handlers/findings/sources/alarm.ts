// CloudWatch alarms: the EventBridge "CloudWatch Alarm State Change" event
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)
// and the SNS alarm-action message (AlarmName, NewStateValue, Region as a display name, ...;
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
import * as v from "valibot";
import { REGION_DISPLAY_NAMES, alarmUrl, isRegionCode, parseArn, type Partition } from "../links";
import { FINDING_CLASSES } from "../model";
import {
  Json,
  anyObject,
  eventBridgeEvent,
  isEventBridge,
  isObject,
  list,
  number,
  object,
  own,
  parseLenient,
  text,
} from "../parse";
import type { Draft, SourceModule } from "../source";

const DETAIL_TYPE = "CloudWatch Alarm State Change";

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: ">=",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerOrGreaterThanUpperThreshold: "outside band",
  LessThanLowerThreshold: "< lower band",
  GreaterThanUpperThreshold: "> upper band",
};

/** A value from an event as text: scalars as given, "?" when absent, JSON otherwise. */
function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined || value === null) return "?";
  return JSON.stringify(value).slice(0, 200);
}

export function isSnsAlarm(payload: Json): boolean {
  return typeof payload.AlarmName === "string" && "NewStateValue" in payload;
}

interface AlarmFacts {
  name?: string;
  description?: string;
  state?: string;
  previous?: string;
  reason?: string;
  time?: string;
  accountId?: string;
  region?: string;
  regionLabel?: string;
  partition?: string;
  arn?: string;
  metric?: string;
  condition?: string;
  eventId: string;
  eventLabel: string;
}

function snsSchema() {
  return v.object({
    AlarmName: text(),
    AlarmDescription: text(),
    AWSAccountId: text(),
    NewStateValue: text(),
    OldStateValue: text(),
    NewStateReason: text(),
    StateChangeTime: text(),
    Region: text(),
    AlarmArn: text(),
    Trigger: object({
      Namespace: text(),
      MetricName: text(),
      ComparisonOperator: text(),
      Threshold: number(),
      Statistic: text(),
      ExtendedStatistic: text(),
      Period: number(),
      EvaluationPeriods: number(),
      Dimensions: list(v.unknown()),
    }),
  });
}

function fromSns(m: Json, problems: string[], messageId: string): AlarmFacts {
  const a = parseLenient(snsSchema(), m, {
    problems,
    required: ["AlarmName", "NewStateValue", "AWSAccountId"],
  });
  const arn = parseArn(a.AlarmArn);
  const display = a.Region;
  const region =
    arn && isRegionCode(arn.region) ? arn.region : display ? own(REGION_DISPLAY_NAMES, display) : undefined;
  if (!region)
    problems.push(
      display
        ? `Region "${display}" is not a known region name and AlarmArn is missing`
        : "Region and AlarmArn are missing",
    );
  const t = a.Trigger;
  const stat = t?.Statistic ?? t?.ExtendedStatistic;
  const dims = (t?.Dimensions ?? []).filter(isObject).map((d) => `${shown(d.name)}=${shown(d.value)}`);
  return {
    name: a.AlarmName,
    description: a.AlarmDescription,
    state: a.NewStateValue,
    previous: a.OldStateValue,
    reason: a.NewStateReason,
    time: a.StateChangeTime,
    accountId: a.AWSAccountId ?? arn?.account,
    region,
    regionLabel: region ? undefined : display,
    partition: arn?.partition,
    arn: a.AlarmArn,
    metric: t?.MetricName
      ? `${t.Namespace ? `${t.Namespace} ` : ""}${t.MetricName}${dims.length ? ` (${dims.join(", ")})` : ""}`
      : undefined,
    condition:
      t?.ComparisonOperator && t.Threshold !== undefined
        ? `${stat ? `${stat.toLowerCase()} ` : ""}${own(OPERATORS, t.ComparisonOperator) ?? t.ComparisonOperator} ${t.Threshold}${t.Period ? ` over ${t.EvaluationPeriods ?? 1} × ${t.Period} s` : ""}`
        : undefined,
    eventId: messageId,
    eventLabel: "SNS message",
  };
}

function eventBridgeSchema() {
  return eventBridgeEvent(
    object({
      alarmName: text(),
      state: object({ value: text(), reason: text(), timestamp: text() }),
      previousState: object({ value: text() }),
      configuration: object({
        description: text(),
        alarmRule: text(),
        metrics: list(v.unknown()),
      }),
    }),
  );
}

function metricSchema() {
  return v.object({
    metricStat: object({
      metric: object({ namespace: text(), name: text(), dimensions: anyObject() }),
    }),
  });
}

function fromEventBridge(e: Json, problems: string[], messageId: string): AlarmFacts {
  const a = parseLenient(eventBridgeSchema(), e, {
    problems,
    required: ["detail.alarmName", "detail.state.value", "account", "region"],
  });
  const d = a.detail ?? {};
  const first = (d.configuration?.metrics ?? []).find((m) => isObject(m) && isObject(m.metricStat));
  const metric = first
    ? parseLenient(metricSchema(), first, { problems, prefix: "detail.configuration.metrics" }).metricStat
        ?.metric
    : undefined;
  const resources = a.resources ?? [];
  const arnText = typeof resources[0] === "string" ? resources[0] : undefined;
  const arn = parseArn(arnText);
  const dims = Object.entries(metric?.dimensions ?? {});
  const dimText = dims.length ? ` (${dims.map(([k, val]) => `${k}=${shown(val)}`).join(", ")})` : "";
  const rule = d.configuration?.alarmRule;
  return {
    name: d.alarmName,
    description: d.configuration?.description,
    state: d.state?.value,
    previous: d.previousState?.value,
    reason: d.state?.reason,
    time: d.state?.timestamp ?? a.time,
    accountId: a.account,
    region: a.region,
    partition: arn?.partition,
    arn: arnText,
    metric: metric?.name
      ? `${metric.namespace ? `${metric.namespace} ` : ""}${metric.name}${dimText}`
      : rule
        ? `composite: ${rule}`
        : undefined,
    eventId: a.id ?? messageId,
    eventLabel: "EventBridge event",
  };
}

function toDraft(a: AlarmFacts): Draft {
  const state = a.state ?? "UNKNOWN";
  return {
    ...FINDING_CLASSES.alarm,
    class_name: "alarm",
    kind: "alarm",
    uid: a.eventId,
    event_name: a.state,
    status: state,
    ...(a.previous ? { status_previous: a.previous } : {}),
    ...(a.reason ? { status_reason: a.reason } : {}),
    time: a.time,
    title: `${state}: ${a.name ?? "unnamed alarm"}`,
    desc: a.description,
    cloud: {
      ...(a.partition ? { partition: a.partition } : {}),
      account: { uid: a.accountId },
      region: a.region,
      ...(a.regionLabel ? { region_label: a.regionLabel } : {}),
    },
    resources:
      a.name || a.arn
        ? [
            {
              ...(a.name ? { uid: a.name } : {}),
              ...(a.arn ? { uid_alt: a.arn } : {}),
              type: "AWS::CloudWatch::Alarm",
            },
          ]
        : [],
    evidence: {
      ...(a.metric ? { metric: a.metric } : {}),
      ...(a.condition ? { condition: a.condition } : {}),
    },
    links:
      a.name && a.region && isRegionCode(a.region)
        ? [
            {
              text: "Open alarm in CloudWatch",
              url: alarmUrl(a.region, a.name, a.partition as Partition | undefined),
            },
          ]
        : [],
    metadata: { source: "alarm", event_uid: a.eventId, event_label: a.eventLabel, event_type: DETAIL_TYPE },
  };
}

export const alarm: SourceModule = {
  id: "alarm",
  name: "Amazon CloudWatch alarms",
  kinds: ["alarm"],
  detects: [
    {
      what: "CloudWatch alarm state changes (including the guard's own dead-letter alarms)",
      from: "CloudWatch, every region (EventBridge; and alarm actions to the hub's alarm topic)",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE) || isSnsAlarm(p),
  map: (payload, ctx) => {
    const id = ctx.delivery.snsMessageId ?? ctx.delivery.recordId;
    return toDraft(
      isSnsAlarm(payload) && !isEventBridge(payload, DETAIL_TYPE)
        ? fromSns(payload, ctx.problems, id)
        : fromEventBridge(payload, ctx.problems, id),
    );
  },
  severity: [
    { severity: "high", when: "an alarm enters ALARM", test: (f) => f.status === "ALARM" },
    {
      severity: "low",
      when: "an alarm with INSUFFICIENT_DATA",
      test: (f) => f.status === "INSUFFICIENT_DATA",
    },
    { severity: "info", when: "an alarm returns to OK", test: (f) => f.status === "OK" },
  ],
  forward: [
    {
      name: "alarms",
      regions: "every",
      pattern: () => ({ source: ["aws.cloudwatch"], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notifyAll: ["aws.cloudwatch"],
  fixtures: [
    "eventbridge/cloudwatch-alarm-state-change-alarm.json",
    "eventbridge/cloudwatch-alarm-state-change-ok.json",
    "messages/cloudwatch-alarm.json",
    "messages/cloudwatch-alarm-ok.json",
    "sns/lambda-sns-cloudwatch-alarm.json",
  ],
};
