// One spoke region built alone from its narrow settings under Pulumi mocks: which forwarding rules it
// creates where, whether it makes or reuses the Config recorder, and the account-list aggregation
// authorization.
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { SpokeRegion, SpokeRegionSettings } from "../../../stacks/components/spokeRegion";
import { MockedResource, evaluate } from "../../../verify/mockRuntime";
import { ofType } from "../../helpers/stacks";

const SETTINGS: SpokeRegionSettings = {
  accountId: "222222222222",
  createRecorder: true,
  globalResourcesRegion: "us-east-1",
  forwardUnauthorizedCalls: false,
  aggregation: "organization",
};

async function region(
  region: string,
  settings: Partial<SpokeRegionSettings> = {},
): Promise<MockedResource[]> {
  const program = () => {
    const role = (n: string) => new aws.iam.Role(n, { assumeRolePolicy: "{}" });
    new SpokeRegion(`spoke-${region}`, {
      config: { ...SETTINGS, ...settings },
      region,
      hubAccountId: "111111111111",
      hubBusArn: "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events",
      hubConfigTopicArn: "arn:aws:sns:us-east-1:111111111111:security-guard-config",
      forwarderRole: role("forwarder"),
      configRole: role("config"),
      configRoleGrants: [],
      deliveryBucket: new aws.s3.Bucket("delivery", {}),
      heartbeatRole: role("heartbeat"),
    });
  };
  return (await evaluate({ stack: "parts", config: {}, program })).resources;
}

const ruleNames = (rs: MockedResource[]) =>
  ofType(rs, "aws:cloudwatch/eventRule:EventRule")
    .map((r) => String(r.props.name))
    .sort();

describe("a spoke region from its narrow settings (Pulumi mocks)", function () {
  this.timeout(120_000);

  it("us-east-1 forwards the global services' calls too; another region does not", async () => {
    const virginia = ruleNames(await region("us-east-1"));
    const seoul = ruleNames(await region("ap-northeast-2"));
    for (const global of ["security-guard-iam-changes", "security-guard-organizations-changes"]) {
      assert.ok(virginia.includes(global), `${global} in us-east-1: ${virginia.join(", ")}`);
      assert.ok(!seoul.includes(global), `${global} not in ap-northeast-2`);
    }
    assert.ok(seoul.includes("security-guard-sg-changes"));
    assert.ok(seoul.includes("security-guard-console-sign-in"));
    assert.ok(!seoul.includes("security-guard-unauthorized-calls"), "denied calls only when asked");
    const asked = ruleNames(await region("ap-northeast-2", { forwardUnauthorizedCalls: true }));
    assert.deepEqual(
      asked.filter((n) => !seoul.includes(n)),
      ["security-guard-unauthorized-calls"],
    );
  });

  it("creates the recorder where asked, reuses an existing one where the region is listed", async () => {
    const own = await region("ap-northeast-2");
    assert.equal(ofType(own, "aws:cfg/recorder:Recorder").length, 1);
    const existing = await region("ap-northeast-2", { existingRecorderRegions: ["ap-northeast-2"] });
    assert.equal(ofType(existing, "aws:cfg/recorder:Recorder").length, 0);
    // The guard's restricted-ssh rule is there either way.
    assert.equal(ofType(existing, "aws:cfg/rule:Rule").length, 1);
  });

  it("authorizes the hub's aggregator only in account aggregation mode", async () => {
    const type = "aws:cfg/aggregateAuthorization:AggregateAuthorization";
    assert.equal(ofType(await region("ap-northeast-2"), type).length, 0);
    const auth = ofType(await region("ap-northeast-2", { aggregation: "account" }), type);
    assert.equal(auth.length, 1);
    assert.equal(auth[0].props.accountId, "111111111111");
  });
});
