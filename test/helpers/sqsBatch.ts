// An SQS event whose bodies are the given EventBridge events, as the hub's notifier queue delivers
// them (one record per event, first receive).
export function sqsOf(...events: unknown[]): { Records: Array<Record<string, unknown>> } {
  return {
    Records: events.map((e, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify(e),
      attributes: { ApproximateReceiveCount: "1" },
      messageAttributes: {},
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:111111111111:security-guard-notifier-queue",
      awsRegion: "us-east-1",
    })),
  };
}
