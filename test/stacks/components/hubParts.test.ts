// The hub's account-level parts built alone from their narrow arguments (where the hub is, whom it
// serves), under Pulumi mocks: what each creates, and how organization mode and account-list mode
// differ in their policies.
import { strict as assert } from "assert";
import { HubPlacement, OrgScope } from "../../../stacks/hubPlacement";
import { HubKey } from "../../../stacks/components/hubKey";
import { CentralBus } from "../../../stacks/components/centralBus";
import { HubTopics } from "../../../stacks/components/hubTopics";
import { OrganizationFindings } from "../../../stacks/components/organizationFindings";
import { ConfigAggregator } from "../../../stacks/components/aggregator";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { doc, one, ofType } from "../../helpers/stacks";

const HUB: HubPlacement = { accountId: "111111111111", region: "us-east-1", partition: "aws" };
const ORG: OrgScope = { accountId: HUB.accountId, memberAccounts: [], organizationId: "o-a1b2c3d4e5" };
const LIST: OrgScope = { accountId: HUB.accountId, memberAccounts: ["222222222222", "333333333333"] };

async function build(program: () => void): Promise<MockedResource[]> {
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

const statement = (r: MockedResource, sid: string) => {
  const s = doc(r).Statement.find((x) => x.Sid === sid);
  assert.ok(s, `${r.name} has statement ${sid}`);
  return s!;
};

describe("hub parts from narrow arguments (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("HubKey: rotated key, alias, SNS topic ARNs of the hub's account and Region as encryption context", async () => {
    const rs = await build(() => new HubKey("k", { hub: HUB, org: ORG }));
    const key = one(rs, "aws:kms/key:Key", "k-key");
    assert.equal(key.props.enableKeyRotation, true);
    assert.equal(one(rs, "aws:kms/alias:Alias", "k-alias").props.name, "alias/security-guard");
    const publish = statement(key, "ServicesPublishToEncryptedTopics");
    assert.deepEqual(publish.Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"], [
      "arn:aws:sns:us-east-1:111111111111:security-guard-events",
      "arn:aws:sns:us-east-1:111111111111:security-guard-alarms",
    ]);
    assert.deepEqual(publish.Condition.StringEqualsIfExists, { "aws:SourceOrgID": "o-a1b2c3d4e5" });
    const list = await build(() => new HubKey("k", { hub: HUB, org: LIST }));
    assert.deepEqual(
      statement(one(list, "aws:kms/key:Key", "k-key"), "ServicesPublishToEncryptedTopics").Condition
        .StringEqualsIfExists,
      { "aws:SourceAccount": ["111111111111", "222222222222", "333333333333"] },
    );
  });

  it("CentralBus: only the spokes' forwarder role may put events, by organization or by member roots", async () => {
    const org = await build(() => new CentralBus("c", { hub: HUB, org: ORG }));
    assert.equal(one(org, "aws:cloudwatch/eventBus:EventBus", "c-bus").props.name, "security-guard-events");
    const put = statement(
      one(org, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "c-policy"),
      "SpokeForwardersPutEvents",
    );
    assert.equal(put.Principal, "*");
    assert.deepEqual(put.Condition, {
      StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/security-guard-forwarder" },
    });
    const list = await build(() => new CentralBus("c", { hub: HUB, org: LIST }));
    const listPut = statement(
      one(list, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "c-policy"),
      "SpokeForwardersPutEvents",
    );
    assert.deepEqual(listPut.Principal, {
      AWS: [
        "arn:aws:iam::111111111111:root",
        "arn:aws:iam::222222222222:root",
        "arn:aws:iam::333333333333:root",
      ],
    });
    assert.equal(ofType(org, "aws:sqs/queue:Queue").length, 1, "one dead-letter queue");
  });

  it("HubTopics: three topics, the events and alarms ones encrypted with the given key, Config's not (it cannot publish to one)", async () => {
    const rs = await build(() => {
      const { key } = new HubKey("k", { hub: HUB, org: ORG });
      new HubTopics("t", { hub: HUB, org: ORG, kmsKey: key });
    });
    const names = ofType(rs, "aws:sns/topic:Topic")
      .map((t) => t.props.name)
      .sort();
    assert.deepEqual(names, ["security-guard-alarms", "security-guard-config", "security-guard-events"]);
    const keyArn = one(rs, "aws:kms/key:Key", "k-key").state.arn;
    assert.ok(keyArn);
    const topic = (n: string) => ofType(rs, "aws:sns/topic:Topic").find((t) => t.props.name === n)!;
    assert.equal(topic("security-guard-events").props.kmsMasterKeyId, keyArn);
    assert.equal(topic("security-guard-alarms").props.kmsMasterKeyId, keyArn);
    // AWS Config cannot publish to an encrypted topic: that one is exempt, by tag.
    assert.equal(topic("security-guard-config").props.kmsMasterKeyId, undefined);
    const alarms = statement(
      one(rs, "aws:sns/topicPolicy:TopicPolicy", "t-alarms-policy"),
      "CloudWatchAlarmsPublish",
    );
    assert.deepEqual(alarms.Condition.StringEquals, { "aws:SourceAccount": "111111111111" });
  });

  it("OrganizationFindings: the rule on the hub account's default bus skips the hub account's own resources", async () => {
    const rs = await build(() => {
      const central = new CentralBus("c", { hub: HUB, org: ORG });
      new OrganizationFindings("o", { hub: HUB, central });
    });
    const rule = one(rs, "aws:cloudwatch/eventRule:EventRule", "o-rule");
    assert.equal(rule.props.eventBusName, undefined, "the default bus");
    assert.deepEqual(JSON.parse(String(rule.props.eventPattern)).detail, {
      resourceOwnerAccount: [{ "anything-but": "111111111111" }],
    });
    assert.equal(one(rs, "aws:iam/role:Role", "o-role").props.name, "security-guard-hub-forwarder");
  });

  it("ConfigAggregator: organization source with its service role, or the explicit account list without one", async () => {
    const org = await build(() => new ConfigAggregator("a", { hub: HUB, source: "organization" }));
    const orgAgg = one(org, "aws:cfg/configurationAggregator:ConfigurationAggregator", "a-aggregator");
    assert.equal((orgAgg.props.organizationAggregationSource as { allRegions: boolean }).allRegions, true);
    assert.equal(ofType(org, "aws:iam/role:Role").length, 1);
    const list = await build(
      () => new ConfigAggregator("a", { hub: HUB, source: { accounts: ["222222222222"] } }),
    );
    const listAgg = one(list, "aws:cfg/configurationAggregator:ConfigurationAggregator", "a-aggregator");
    assert.deepEqual(listAgg.props.accountAggregationSource, {
      accountIds: ["222222222222"],
      allRegions: true,
    });
    assert.equal(ofType(list, "aws:iam/role:Role").length, 0);
  });
});
