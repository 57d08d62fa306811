// The notifier component built alone from its narrow arguments under Pulumi mocks: its function and
// role, the seen-store table, the email topic and its per-route subscriptions, and the config
// topic's filter from the given rule names.
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { HubPlacement, OrgScope } from "../../../stacks/hubPlacement";
import { CentralBus } from "../../../stacks/components/centralBus";
import { HubKey } from "../../../stacks/components/hubKey";
import { HubTopics } from "../../../stacks/components/hubTopics";
import { Notifier } from "../../../stacks/components/notifier";
import type { NotifierSettings } from "../../../handlers/notifier/settings";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { doc, ofType, one } from "../../helpers/stacks";

const HUB: HubPlacement = { accountId: "111111111111", region: "us-east-1", partition: "aws" };
const ORG: OrgScope = { accountId: HUB.accountId, memberAccounts: [], organizationId: "o-a1b2c3d4e5" };

async function build(
  emailRecipients: Record<string, string[]>,
  settings: Partial<NotifierSettings> = {},
): Promise<MockedResource[]> {
  const program = () => {
    const { key } = new HubKey("k", { hub: HUB, org: ORG });
    const central = new CentralBus("c", { hub: HUB, org: ORG });
    const topics = new HubTopics("t", { hub: HUB, org: ORG, kmsKey: key });
    const rule = new aws.cloudwatch.EventRule("r", { eventBusName: central.bus.name, eventPattern: "{}" });
    new Notifier("n", {
      hub: HUB,
      org: ORG,
      settings: {
        accountNames: {},
        routes: [],
        runtimeMutesTable: "security-guard-alert-mutes",
        ...settings,
      },
      logRetentionDays: 30,
      appMode: false,
      notifiedConfigRules: ["restricted-ssh"],
      sshConfigRules: ["restricted-ssh"],
      emailRecipients,
      kmsKey: key,
      slackWebhooks: "{}",
      topics,
      trigger: { bus: central, rule, hubName: "hub" },
    });
  };
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

describe("Notifier from narrow arguments (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("named function reading its queue, the seen-store table, mutes read in the hub's account, config topic filtered by the given rules", async () => {
    const rs = await build({});
    assert.equal(one(rs, "aws:lambda/function:Function", "n").props.name, "security-guard-notifier");
    assert.equal(
      one(rs, "aws:dynamodb/table:Table", "n-signal-seen").props.name,
      "security-guard-notifier-seen",
    );
    const statements = doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "n-policy")).Statement;
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    const queueArn = one(rs, "aws:sqs/queue:Queue", "n-queue").state.arn;
    assert.ok(queueArn);
    assert.equal(sid("ReceiveFromQueue")?.Resource, queueArn);
    assert.equal(
      sid("ReadSlackMutes")?.Resource,
      "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-alert-mutes",
    );
    assert.deepEqual(sid("DedupeSeenStoreKey")?.Condition, {
      StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
    });
    assert.equal(sid("PublishEmail"), undefined);
    assert.equal(sid("ReadOwnerTags"), undefined, "no route names owners: no spoke role to assume");
    assert.equal(sid("ReadOrganizationalUnits"), undefined, "no route names OUs: no Organizations read");
    assert.equal(ofType(rs, "aws:sns/topic:Topic").length, 3, "no email topic without recipients");
    const configSub = ofType(rs, "aws:sns/topicSubscription:TopicSubscription").find(
      (s) => s.props.filterPolicyScope === "MessageBody",
    );
    assert.ok(JSON.stringify(configSub?.props.filterPolicy).includes("restricted-ssh"));
  });

  it("email recipients: one encrypted topic, one subscription per address filtered on its routes", async () => {
    const rs = await build({ "sec@example.com": ["0", "default"] });
    const topic = one(rs, "aws:sns/topic:Topic", "n-signal-email");
    assert.equal(topic.props.name, "security-guard-email");
    const sub = one(rs, "aws:sns/topicSubscription:TopicSubscription", "n-signal-email-sec-example-com");
    assert.equal(sub.props.endpoint, "sec@example.com");
    assert.deepEqual(JSON.parse(String(sub.props.filterPolicy)), { route: ["0", "default"] });
    const statements = doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "n-policy")).Statement;
    assert.deepEqual(statements.find((s) => s.Sid === "PublishEmailKey")?.Condition, {
      StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com" },
    });
  });

  it("routes by owner may assume the spokes' read role in the organization; routes by OU may list parents in it", async () => {
    const rs = await build(
      {},
      {
        routes: [
          { webhook: "payments", owners: ["payments"] },
          { webhook: "data", organizationalUnits: ["ou-a1b2-c3d4e5f6"] },
        ],
        lookups: { partition: "aws", roleName: "security-guard-coverage-reader" },
      },
    );
    const statements = doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "n-policy")).Statement;
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    assert.deepEqual(sid("ReadOwnerTags"), {
      Sid: "ReadOwnerTags",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: ["arn:aws:iam::*:role/security-guard-coverage-reader"],
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
    });
    assert.deepEqual(sid("ReadOrganizationalUnits"), {
      Sid: "ReadOrganizationalUnits",
      Effect: "Allow",
      Action: "organizations:ListParents",
      Resource: [
        "arn:aws:organizations::*:account/o-a1b2c3d4e5/*",
        "arn:aws:organizations::*:ou/o-a1b2c3d4e5/*",
      ],
    });
  });
});
