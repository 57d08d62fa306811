// The Config topic's notifier subscription, as the hub stack declares it, deployed into moto's SNS
// (SNS -> SQS, the hub's path): a configuration-item change published to the topic never reaches
// the queue; the guard's own rule's compliance change does; another rule's does not.
import { strict as assert } from "assert";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { useMoto } from "../helpers/moto";
import { topicProbe } from "../../verify/topicProbe";
import { defaultHub, ofType } from "../helpers/stacks";
import { fixture } from "../handlers/notifier/fixtures";
import { RESTRICTED_SSH_RULE_NAME } from "../../stacks/names";

const snsMessage = (rel: string) =>
  (fixture(rel) as { Records: Array<{ Sns: { Message: string } }> }).Records[0].Sns.Message;

describe("Config topic subscription filter (hub stack, moto SNS -> SQS)", function () {
  this.timeout(120_000);
  useMoto();

  async function deployed() {
    const hub = await defaultHub();
    const subs = ofType(hub.resources, "aws:sns/topicSubscription:TopicSubscription").filter(
      (s) => s.props.protocol === "sqs",
    );
    // The critical lane's subscriptions are filtered too (by severity); of the main queue's, only the
    // Config topic's is.
    const filtered = subs.filter(
      (s) =>
        s.props.filterPolicy !== undefined && /security-guard-notifier-queue$/.test(String(s.props.endpoint)),
    );
    assert.equal(filtered.length, 1, "exactly one main-queue subscription (the Config topic's) is filtered");
    assert.match(String(filtered[0].props.topic), /security-guard-config$/);
    assert.equal(filtered[0].props.filterPolicyScope, "MessageBody");
    const queue = await topicProbe("security-guard-config", "security-guard-notifier-queue", {
      raw: false,
      filterPolicy: String(filtered[0].props.filterPolicy),
      filterPolicyScope: filtered[0].props.filterPolicyScope as "MessageBody",
    });
    const sns = new SNSClient({});
    const publish = (message: string) =>
      sns.send(new PublishCommand({ TopicArn: queue.topicArn, Message: message }));
    const received = async () =>
      ((await queue.published()) as Array<{ Message: string }>).map(
        (b) => JSON.parse(b.Message) as Record<string, unknown>,
      );
    return { publish, received };
  }

  const compliance = (rule: string) => {
    const m = fixture("messages/config-compliance-change-notification.json") as Record<string, unknown>;
    return JSON.stringify({ ...m, configRuleName: rule });
  };

  it("a configuration-item change never reaches the queue; the guard's rule's verdict does", async () => {
    const { publish, received } = await deployed();
    await publish(snsMessage("sns/lambda-sns-config-item-change.json"));
    await publish(JSON.stringify(fixture("messages/config-item-change-notification.json")));
    await publish(snsMessage("sns/lambda-sns-config-snapshot-delivery.json"));
    assert.deepEqual(
      await received(),
      [],
      "configuration-item changes and routine notices are dropped at SNS",
    );
    await publish(compliance(RESTRICTED_SSH_RULE_NAME));
    const got = await received();
    assert.deepEqual(
      got.map((m) => [m.messageType, m.configRuleName]),
      [["ComplianceChangeNotification", RESTRICTED_SSH_RULE_NAME]],
    );
  });

  it("another rule's verdict (Control Tower's) and other Config notices are dropped", async () => {
    const { publish, received } = await deployed();
    await publish(compliance("AWSControlTower_AWS-GR_RESTRICTED_SSH"));
    await publish(
      JSON.stringify({ messageType: "ConfigurationHistoryDeliveryFailed", awsAccountId: "222222222222" }),
    );
    assert.deepEqual(await received(), []);
  });
});
