// The remediator component built alone from its narrow arguments under Pulumi mocks: its function,
// the spoke roles it may assume in organization and account-list mode, and the config-topic trigger.
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { HubPlacement, OrgScope } from "../../../stacks/hubPlacement";
import { Remediator, RemediatorArgs } from "../../../stacks/components/remediator";
import { RemediatorSettings } from "../../../handlers/remediator";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { doc, ofType, one } from "../../helpers/stacks";

const HUB: HubPlacement = { accountId: "111111111111", region: "us-east-1", partition: "aws" };
const ORG: OrgScope = { accountId: HUB.accountId, memberAccounts: [], organizationId: "o-a1b2c3d4e5" };
const LIST: OrgScope = { accountId: HUB.accountId, memberAccounts: ["222222222222"] };
const SETTINGS: RemediatorSettings = {
  partition: "aws",
  roleName: "security-guard-remediation",
  dryRun: false,
  dryRunAccounts: [],
  exemptTagKey: "security-guard:exempt",
  configRuleNames: ["restricted-ssh"],
  reportBus: "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events",
};

type Narrow = Pick<RemediatorArgs, "hub" | "org" | "configTopicTrigger">;

async function build(args: Narrow): Promise<MockedResource[]> {
  const program = () => {
    const kmsKey = new aws.kms.Key("k", {});
    const bus = new aws.cloudwatch.EventBus("b", { name: "security-guard-events" });
    const rule = new aws.cloudwatch.EventRule("r", { eventBusName: bus.name, eventPattern: "{}" });
    const configTopic = new aws.sns.Topic("t", { name: "security-guard-config" });
    new Remediator("rem", {
      ...args,
      settings: SETTINGS,
      logRetentionDays: 30,
      kmsKey,
      bus,
      rule,
      configTopic,
      deadLetterArn: "arn:aws:sqs:us-east-1:111111111111:security-guard-events-dlq",
    });
  };
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

const sid = (rs: MockedResource[], id: string) =>
  doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "rem-policy")).Statement.find((s) => s.Sid === id);

describe("Remediator from narrow arguments (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("organization mode: named function, assumes the remediation role only inside the organization, reports to the bus", async () => {
    const rs = await build({ hub: HUB, org: ORG, configTopicTrigger: true });
    assert.equal(one(rs, "aws:lambda/function:Function", "rem").props.name, "security-guard-remediator");
    assert.deepEqual(sid(rs, "AssumeSpokeRoles"), {
      Sid: "AssumeSpokeRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: ["arn:aws:iam::*:role/security-guard-remediation"],
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
    });
    const busArn = one(rs, "aws:cloudwatch/eventBus:EventBus", "b").state.arn;
    assert.ok(busArn);
    assert.equal(sid(rs, "ReportToBus")?.Resource, busArn);
    assert.equal(
      one(rs, "aws:cloudwatch/eventRule:EventRule", "rem-exemption-check").props.name,
      "security-guard-remediator-exemption-check",
    );
    assert.equal(ofType(rs, "aws:sns/topicSubscription:TopicSubscription").length, 1);
  });

  it("account-list mode without the config-topic trigger: each member's role by ARN, no subscription", async () => {
    const rs = await build({ hub: HUB, org: LIST, configTopicTrigger: false });
    assert.deepEqual(sid(rs, "AssumeSpokeRoles")?.Resource, [
      "arn:aws:iam::111111111111:role/security-guard-remediation",
      "arn:aws:iam::222222222222:role/security-guard-remediation",
    ]);
    assert.equal(ofType(rs, "aws:sns/topicSubscription:TopicSubscription").length, 0);
  });
});
