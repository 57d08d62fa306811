// The liveness component built alone from its narrow arguments under Pulumi mocks: what its
// function may do in organization mode with chat-ops on, and in account-list mode without it.
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { HubPlacement, OrgScope } from "../../../stacks/hubPlacement";
import { CentralBus } from "../../../stacks/components/centralBus";
import { Liveness, LivenessArgs } from "../../../stacks/components/liveness";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { doc, one } from "../../helpers/stacks";

const HUB: HubPlacement = { accountId: "111111111111", region: "us-east-1", partition: "aws" };
const ORG: OrgScope = { accountId: HUB.accountId, memberAccounts: [], organizationId: "o-a1b2c3d4e5" };
const LIST: OrgScope = { accountId: HUB.accountId, memberAccounts: ["222222222222"] };

async function build(args: Omit<LivenessArgs, "kmsKey" | "central">): Promise<MockedResource[]> {
  const program = () => {
    const kmsKey = new aws.kms.Key("k", {});
    const central = new CentralBus("c", { hub: args.hub, org: args.org });
    new Liveness("l", { ...args, kmsKey, central });
  };
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

const statements = (rs: MockedResource[], suffix: string) =>
  doc(one(rs, "aws:iam/rolePolicy:RolePolicy", suffix)).Statement;

describe("Liveness from narrow arguments (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("organization mode with chat-ops: named function and table, lists the organization, reads the mutes", async () => {
    const rs = await build({
      hub: HUB,
      org: ORG,
      logRetentionDays: 30,
      accountsWithoutSpoke: [],
      listMutes: true,
      exemptTagKey: "security-guard:exempt",
    });
    assert.equal(one(rs, "aws:lambda/function:Function", "l").props.name, "security-guard-liveness");
    assert.equal(one(rs, "aws:dynamodb/table:Table", "l-table").props.name, "security-guard-liveness");
    assert.equal(one(rs, "aws:cloudwatch/logGroup:LogGroup", "l-logs").props.retentionInDays, 30);
    const sid = (id: string) => statements(rs, "l-policy").find((s) => s.Sid === id);
    assert.deepEqual(sid("ReadSpokes"), {
      Sid: "ReadSpokes",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: ["arn:aws:iam::*:role/security-guard-coverage-reader"],
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
    });
    assert.equal(sid("ListOrganization")?.Action, "organizations:ListAccounts");
    assert.equal(
      sid("ReadSlackMutes")?.Resource,
      "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-alert-mutes",
    );
    assert.deepEqual(sid("UseEncryptedTable")?.Condition, {
      StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
    });
    const coverage = one(rs, "aws:iam/role:Role", "l-coverage");
    assert.equal(coverage.props.name, "security-guard-coverage");
    assert.deepEqual(doc(coverage, "assumeRolePolicy").Statement[0].Principal, {
      AWS: "arn:aws:iam::111111111111:root",
    });
  });

  it("account-list mode without chat-ops: reads each member's spoke by ARN, no organization listing, no mutes", async () => {
    const rs = await build({
      hub: HUB,
      org: LIST,
      logRetentionDays: 90,
      accountsWithoutSpoke: [],
      listMutes: false,
    });
    const sids = statements(rs, "l-policy").map((s) => s.Sid);
    assert.ok(!sids.includes("ListOrganization"));
    assert.ok(!sids.includes("ReadSlackMutes"));
    assert.deepEqual(statements(rs, "l-policy").find((s) => s.Sid === "ReadSpokes")?.Resource, [
      "arn:aws:iam::111111111111:role/security-guard-coverage-reader",
      "arn:aws:iam::222222222222:role/security-guard-coverage-reader",
    ]);
    assert.ok(!statements(rs, "l-coverage-policy").some((s) => s.Sid === "ListOrganization"));
  });
});
