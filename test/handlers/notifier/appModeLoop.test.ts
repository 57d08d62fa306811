// The whole app-mode loop in moto, with the real remediation function: SSH is opened to the world
// on a security group in a spoke account; the notifier posts the CloudTrail alert with
// chat.postMessage; the remediator revokes the rule through the spoke role and reports to the hub
// bus; the report, read back from the bus (rule -> SQS, as the hub's queue carries it), reaches the
// notifier as an SQS batch and is posted in the alert's thread, and the alert's header is updated.
import { strict as assert } from "assert";
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NotifierSettings, SqsBatchResponse, createNotifierHandler } from "../../../handlers/notifier";
import { createRemediatorHandler } from "../../../handlers/remediator";
import { useMoto } from "../../helpers/moto";
import { captureLogs } from "../../helpers/logs";
import { createSeenTable } from "../../helpers/seenTable";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import {
  SEOUL,
  SPOKE,
  authorizeEvent,
  createGroup,
  ingress,
  reportSink,
  settings as remediatorSettings,
  spokeEc2,
  tcp,
} from "../remediator/support";

const TABLE = "security-guard-alert-threads";
const notifierSettings: NotifierSettings = {
  accountNames: { [SPOKE]: "payments" },
  routes: [],
  delivery: { maxAttempts: 3, baseDelayMs: 5, timeoutMs: 2000, maxRetryAfterSeconds: 2 },
  app: { channels: { default: "C0SECURITY" }, threadTable: TABLE },
};

describe("app mode loop in moto: alert -> real remediation -> report in the alert's thread -> header", function () {
  this.timeout(60_000);
  useMoto();
  const slack = useSlackServer();
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it("threads the remediator's own report under the alert and says how fast SSH was closed", async () => {
    await createSeenTable(TABLE);
    await reportSink();
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "bastion", [
      tcp(22, 22, ["0.0.0.0/0"]),
      tcp(443, 443, ["0.0.0.0/0"]),
    ]);
    const event = authorizeEvent({
      account: SPOKE,
      region: SEOUL,
      groupId: gid,
      permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
      eventID: "ct-loop-0001",
    });
    // Opened three seconds ago: the header's duration runs from here to the report's time.
    event.detail.eventTime = new Date(Date.now() - 3000).toISOString().replace(/\.\d+Z$/, "Z");
    const env = { LOCAL_RUN: "1", SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() };
    const notify = createNotifierHandler(notifierSettings, env);

    await notify(event, { awsRequestId: "n-1" });
    const [alert] = slack.messages("C0SECURITY");
    assert.ok(alert, "the alert was posted");
    const alertHeader = (alert.attachments as Array<{ blocks: Array<{ text: { text: string } }> }>)[0]
      .blocks[0].text.text;

    const reports = await createRemediatorHandler(remediatorSettings())(event, { awsRequestId: "r-1" });
    assert.deepEqual(
      reports.map((r) => [r.outcome, r.groupId, r.trigger.eventId]),
      [["revoked", gid, "ct-loop-0001"]],
    );
    assert.deepEqual(
      await ingress(spoke, gid),
      ["tcp 443-443 0.0.0.0/0"],
      "only SSH was closed, in the spoke",
    );

    const sqs = new SQSClient({ region: "us-east-1" });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "remediation-reports" }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    sqs.destroy();
    assert.equal(received.Messages?.length, 1);
    const batch = {
      Records: received.Messages!.map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        attributes: { ApproximateReceiveCount: "1" },
        messageAttributes: {},
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:remediation-reports",
        awsRegion: "us-east-1",
      })),
    };
    const response = (await notify(batch, { awsRequestId: "n-2" })) as SqsBatchResponse;
    assert.deepEqual(response, { batchItemFailures: [] });

    const [reply] = slack.threadReplies("C0SECURITY", alert.ts);
    assert.ok(reply, "the report is a reply in the alert's thread");
    assert.match(reply.text!, new RegExp(`Revoked SSH open to the internet on ${gid}`));
    const updated = slack.messages("C0SECURITY")[0];
    const blocks = (
      updated.attachments as Array<{ blocks: Array<{ type: string; text?: unknown; elements?: unknown }> }>
    )[0].blocks;
    assert.equal(blocks[0].type, "header");
    assert.match(
      (blocks[0].text as { text: string }).text,
      /^SSH closed automatically \d+ s after it was opened$/,
    );
    assert.deepEqual(blocks[1].elements, [{ type: "mrkdwn", text: `~${alertHeader}~` }]);
    assert.deepEqual(
      slack.apiCalls().map((c) => c.method),
      ["chat.postMessage", "chat.postMessage", "chat.update"],
    );
  });
});
