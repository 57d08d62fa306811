// Which id names an event in messages and logs when it arrives through SNS -> SQS.
import { strict as assert } from "assert";
import { renderMessages } from "../../../handlers/notifier";
import { fixture } from "./fixtures";

const SETTINGS = { accountNames: {}, routes: [] };

describe("notifier event ids through SNS -> SQS", () => {
  it("names a Config notification by its SNS MessageId, and keeps the SQS id as the record id (for batchItemFailures)", () => {
    const sns = fixture("sns/lambda-sns-config-compliance-noncompliant.json") as {
      Records: Array<{ Sns: Record<string, unknown> }>;
    };
    const document: Record<string, unknown> = { Type: "Notification", ...sns.Records[0].Sns };
    const sqsEvent = {
      Records: [
        {
          messageId: "0f5a7c3e-sqs-message-id",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-east-1:111111111111:security-guard-notifier-queue",
          body: JSON.stringify(document),
        },
      ],
    };
    const [rendered] = renderMessages(sqsEvent, SETTINGS);
    assert.equal(rendered.recordId, "0f5a7c3e-sqs-message-id");
    assert.equal(rendered.eventId, document.MessageId);
    assert.notEqual(rendered.eventId, undefined);
    // The footer names both: the notification, and the SQS message that carried it.
    const footer = JSON.stringify(rendered.message?.attachments[0].blocks.at(-1));
    assert.match(footer, new RegExp(`${document.MessageId}.*SQS message .*0f5a7c3e-sqs-message-id`));
  });
});
