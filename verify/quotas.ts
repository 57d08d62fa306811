// AWS quota headroom of what a stack declares, as fractions of the limits. The limits:
// - event bus resource policy: 10,240 characters (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html)
// - rules per event bus: 300 (same page, adjustable)
// - event pattern: 2,048 characters (same page)
// - SNS topic policy: 30 KB (https://docs.aws.amazon.com/general/latest/gr/sns.html)
// - Lambda environment variables: 4 KB in total (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
import { MockedResource } from "./mockRuntime";

export const QUOTA_LIMITS = {
  eventBusPolicyChars: 10_240,
  topicPolicyBytes: 30_720,
  rulesPerBus: 300,
  eventPatternChars: 2_048,
  lambdaEnvBytes: 4_096,
} as const;

export type QuotaName = keyof typeof QUOTA_LIMITS;

export interface QuotaUse {
  quota: QuotaName;
  /** The largest use in the stack. */
  used: number;
  limit: number;
  fraction: number;
  /** What holds the largest use. */
  where: string;
}

const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v ?? ""));

export function quotaHeadroom(resources: MockedResource[]): QuotaUse[] {
  const max: Partial<Record<QuotaName, { used: number; where: string }>> = {};
  const note = (quota: QuotaName, used: number, where: string) => {
    if (!max[quota] || used > max[quota]!.used) max[quota] = { used, where };
  };
  const rulesPerBus = new Map<string, number>();
  for (const r of resources) {
    switch (r.type) {
      case "aws:cloudwatch/eventBusPolicy:EventBusPolicy":
        note("eventBusPolicyChars", str(r.props.policy).length, r.name);
        break;
      case "aws:sns/topicPolicy:TopicPolicy":
        note("topicPolicyBytes", Buffer.byteLength(str(r.props.policy)), r.name);
        break;
      case "aws:cloudwatch/eventRule:EventRule": {
        note("eventPatternChars", str(r.props.eventPattern).length, r.name);
        const bus = `${r.accountId}/${r.region}/${(r.props.eventBusName as string) ?? "default"}`;
        rulesPerBus.set(bus, (rulesPerBus.get(bus) ?? 0) + 1);
        break;
      }
      case "aws:lambda/function:Function": {
        const vars = ((r.props.environment as { variables?: Record<string, unknown> })?.variables ??
          {}) as Record<string, unknown>;
        const bytes = Object.entries(vars).reduce(
          (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(str(v)),
          0,
        );
        note("lambdaEnvBytes", bytes, String(r.props.name));
        break;
      }
    }
  }
  for (const [bus, n] of rulesPerBus) note("rulesPerBus", n, bus);
  return (Object.keys(max) as QuotaName[]).map((quota) => ({
    quota,
    used: max[quota]!.used,
    limit: QUOTA_LIMITS[quota],
    fraction: max[quota]!.used / QUOTA_LIMITS[quota],
    where: max[quota]!.where,
  }));
}
