// The email publish in moto: the notifier's publisher sends the rendered email to the email topic;
// an SQS queue subscribed with a route filter policy (as an email subscription would be) receives
// exactly the subject and body, and nothing for another route.
import { strict as assert } from "assert";
import { useMoto } from "../../helpers/moto";
import { topicProbe } from "../../../verify/topicProbe";
import { renderMessages } from "../../../handlers/notifier";
import { renderEmail } from "../../../handlers/notifier/email";
import { snsEmailPublisher } from "../../../handlers/notifier/emailPublish";
import { deadlineFrom } from "../../../handlers/shared/deadline";
import { fixture } from "./fixtures";

describe("email publish (moto SNS topic -> SQS subscription)", function () {
  this.timeout(60_000);
  useMoto();

  it("publishes subject, body and route; a subscription filtered on another route gets nothing", async () => {
    // Each queue stands for an email subscription filtered on the routes it receives.
    const queue = (name: string, routes: string[]) =>
      topicProbe("security-guard-email", name, {
        raw: false,
        filterPolicy: JSON.stringify({ route: routes }),
        filterPolicyScope: "MessageAttributes",
      });
    const payments = await queue("payments-mail", ["0"]);
    const security = await queue("security-mail", ["1", "default"]);
    const message = renderMessages(fixture("eventbridge/cloudtrail-iam-createuser-root.json"), {
      accountNames: {},
      routes: [],
    })[0].message!;
    const email = renderEmail(message, "high");
    const id = await snsEmailPublisher(payments.topicArn).publish(
      email,
      "0",
      deadlineFrom(undefined, 0, 10_000),
    );
    assert.ok(id);
    const got = (await payments.published()) as Array<{
      MessageId: string;
      Subject: string;
      Message: string;
      MessageAttributes: Record<string, unknown>;
    }>;
    assert.equal(got.length, 1);
    const body = got[0];
    assert.equal(body.MessageId, id);
    assert.equal(body.Subject, email.subject);
    assert.match(body.Subject, /^\[HIGH\] IAM CreateUser/);
    assert.equal(body.Message, email.body);
    assert.deepEqual(body.MessageAttributes.route, { Type: "String", Value: "0" });
    assert.deepEqual(await security.published(), []);
  });
});
