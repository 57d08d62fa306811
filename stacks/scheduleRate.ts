/** EventBridge's rate expression: singular unit for 1 (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html). */
export function scheduleRate(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? "rate(1 hour)" : `rate(${minutes / 60} hours)`;
  return minutes === 1 ? "rate(1 minute)" : `rate(${minutes} minutes)`;
}
