// The chat-ops component built alone from its narrow arguments under Pulumi mocks: its functions and
// tables, the spoke roles the worker may assume in organization and account-list mode, and the
// statements that follow its settings (incidents, app-mode threads).
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { HubPlacement, OrgScope } from "../../../stacks/hubPlacement";
import { Chatops } from "../../../stacks/components/chatops";
import { WorkerSettings } from "../../../handlers/chatops/worker";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { doc, one } from "../../helpers/stacks";

const HUB: HubPlacement = { accountId: "111111111111", region: "us-east-1", partition: "aws" };
const ORG: OrgScope = { accountId: HUB.accountId, memberAccounts: [], organizationId: "o-a1b2c3d4e5" };
const LIST: OrgScope = { accountId: HUB.accountId, memberAccounts: ["222222222222"] };
const ALERT_ACTIONS: NonNullable<WorkerSettings["alertActions"]> = {
  exemptTagKey: "security-guard:exempt",
  dryRun: false,
  dryRunAccounts: [],
  mutesTable: "security-guard-alert-mutes",
  recordsTable: "security-guard-alert-records",
  actionsRoleArn: "arn:aws:iam::111111111111:role/security-guard-alert-actions",
  reportBus: "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events",
};
const worker = (alertActions: WorkerSettings["alertActions"]): WorkerSettings => ({
  defaultAccount: "222222222222",
  defaultRegion: "us-east-1",
  regions: ["us-east-1"],
  accounts: { "222222222222": "payments" },
  users: {},
  readOnlyRoleName: "security-guard-chatops-readonly",
  operatorRoleName: "security-guard-chatops-operator",
  alertActions,
});

async function build(
  org: OrgScope,
  workerSettings: WorkerSettings,
  secrets: { signingSecret?: string; slackBotToken?: string },
): Promise<MockedResource[]> {
  const program = () => {
    const kmsKey = new aws.kms.Key("k", {});
    new Chatops("ops", {
      hub: HUB,
      org,
      ackSettings: { commandName: "/guard" },
      workerSettings,
      logRetentionDays: 30,
      stackFile: "Pulumi.hub.yaml",
      kmsKey,
      signingSecret: secrets.signingSecret,
      ...(secrets.slackBotToken ? { slackBotToken: secrets.slackBotToken } : {}),
    });
  };
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

const workerSid = (rs: MockedResource[], id: string) =>
  doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "ops-worker-policy")).Statement.find((s) => s.Sid === id);

describe("Chatops from narrow arguments (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("organization mode with incidents and app mode: named functions and tables, the worker's role follows its settings", async () => {
    const settings = worker({
      ...ALERT_ACTIONS,
      incidents: { tableName: "security-guard-incidents", windowSeconds: 3600 },
      threadTable: "security-guard-alert-threads",
    });
    const rs = await build(ORG, settings, { signingSecret: "s", slackBotToken: "xoxb-test" });
    assert.equal(one(rs, "aws:lambda/function:Function", "ops-ack").props.name, "security-guard-chatops-ack");
    assert.equal(
      one(rs, "aws:lambda/function:Function", "ops-worker").props.name,
      "security-guard-chatops-worker",
    );
    assert.equal(
      one(rs, "aws:dynamodb/table:Table", "ops-requests").props.name,
      "security-guard-chatops-requests",
    );
    assert.deepEqual(workerSid(rs, "AssumeSpokeRoles"), {
      Sid: "AssumeSpokeRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Resource: [
        "arn:aws:iam::*:role/security-guard-chatops-readonly",
        "arn:aws:iam::*:role/security-guard-chatops-operator",
      ],
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
    });
    assert.equal(workerSid(rs, "ReportActions")?.Resource, ALERT_ACTIONS.reportBus);
    assert.equal(
      workerSid(rs, "ReadAlertRecords")?.Resource,
      "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-alert-records",
    );
    assert.equal(
      workerSid(rs, "SetIncidentState")?.Resource,
      "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-incidents",
    );
    assert.equal(
      workerSid(rs, "FindAlertThreads")?.Resource,
      "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-alert-threads",
    );
  });

  it("account-list mode without incidents or app mode: each member's roles by ARN, no incident or thread access", async () => {
    const rs = await build(LIST, worker(ALERT_ACTIONS), { signingSecret: "s" });
    assert.deepEqual(workerSid(rs, "AssumeSpokeRoles")?.Resource, [
      "arn:aws:iam::111111111111:role/security-guard-chatops-readonly",
      "arn:aws:iam::111111111111:role/security-guard-chatops-operator",
      "arn:aws:iam::222222222222:role/security-guard-chatops-readonly",
      "arn:aws:iam::222222222222:role/security-guard-chatops-operator",
    ]);
    assert.equal(workerSid(rs, "SetIncidentState"), undefined);
    assert.equal(workerSid(rs, "FindAlertThreads"), undefined);
  });

  it("refuses to build without the signing secret, naming the stack file", async () => {
    await assert.rejects(
      () => build(ORG, worker(ALERT_ACTIONS), {}),
      /Pulumi\.hub\.yaml: chat-ops is enabled but slackSigningSecret is not set/,
    );
  });
});
