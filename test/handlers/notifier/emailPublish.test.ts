// The email publish in moto: the notifier's publisher sends the rendered email to the email topic;
// an SQS queue subscribed with a route filter policy (as an email subscription would be) receives
// exactly the subject and body, and nothing for another route.
import { strict as assert } from "assert";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { useMoto } from "../../helpers/moto";
import { renderMessages } from "../../../handlers/notifier";
import { renderEmail } from "../../../handlers/notifier/email";
import { snsEmailPublisher } from "../../../handlers/notifier/emailPublish";
import { deadlineFrom } from "../../../handlers/shared/deadline";
import { fixture } from "./fixtures";

describe("email publish (moto SNS topic -> SQS subscription)", function () {
  this.timeout(60_000);
  useMoto();

  it("publishes subject, body and route; a subscription filtered on another route gets nothing", async () => {
    const sns = new SNSClient({});
    const sqs = new SQSClient({});
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "security-guard-email" }));
    const queue = async (name: string, routes: string[]) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: "sqs",
          Endpoint: Attributes!.QueueArn,
          Attributes: {
            FilterPolicy: JSON.stringify({ route: routes }),
            FilterPolicyScope: "MessageAttributes",
          },
        }),
      );
      return async () =>
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
    };
    const payments = await queue("payments-mail", ["0"]);
    const security = await queue("security-mail", ["1", "default"]);
    const message = renderMessages(fixture("eventbridge/cloudtrail-iam-createuser-root.json"), {
      accountNames: {},
      routes: [],
    })[0].message!;
    const email = renderEmail(message, "high");
    const id = await snsEmailPublisher(TopicArn!).publish(email, "0", deadlineFrom(undefined, 0, 10_000));
    assert.ok(id);
    const got = await payments();
    assert.equal(got.length, 1);
    const body = JSON.parse(got[0].Body!);
    assert.equal(body.MessageId, id);
    assert.equal(body.Subject, email.subject);
    assert.match(body.Subject, /^\[HIGH\] IAM CreateUser/);
    assert.equal(body.Message, email.body);
    assert.deepEqual(body.MessageAttributes.route, { Type: "String", Value: "0" });
    assert.deepEqual(await security(), []);
  });
});
