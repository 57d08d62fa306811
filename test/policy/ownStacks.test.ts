// The project's own stacks, built under the team's mock runtime (test/helpers/stacks.ts), pass the
// whole pack; and the pack is not passing them vacuously: breaking one thing in the evaluated
// resources is caught by the right policy.
import { strict as assert } from "assert";
import { runPoliciesOffline } from "../../verify/policy/offline";
import { MockedResource } from "../../verify/mockRuntime";
import { defaultHub, spokeWith } from "../helpers/stacks";

const summary = (resources: MockedResource[]): string[] =>
  runPoliciesOffline(resources).map(
    (v) => `${v.policy} ${v.name}: ${v.message.split("\n").slice(1).join(" ")}`,
  );

describe("policy pack over our own stacks (mock runtime)", function () {
  this.timeout(120000);

  it("the default hub has zero violations", async () => {
    const hub = await defaultHub();
    assert.ok(hub.resources.some((r) => r.type === "security-guard:hub:Hub"));
    assert.deepEqual(summary(hub.resources), []);
  });

  it("a three-region spoke has zero violations", async () => {
    const spoke = await spokeWith();
    assert.ok(spoke.resources.some((r) => r.type === "security-guard:spoke:Spoke"));
    assert.deepEqual(summary(spoke.resources), []);
  });

  it("is not vacuous: a spoke missing its Tokyo recorder, or a hub function missing its log group, is caught", async () => {
    const spoke = await spokeWith();
    const recorder = spoke.resources.find(
      (r) => r.type === "aws:cfg/recorder:Recorder" && r.region === "ap-northeast-1",
    );
    assert.ok(recorder, "the spoke has a recorder in ap-northeast-1");
    const sv = runPoliciesOffline(spoke.resources.filter((r) => r !== recorder));
    assert.deepEqual(
      sv.map((x) => [x.policy, x.message.split("\n")[1]]),
      [["spoke-stack-shape", "Region ap-northeast-1: no AWS Config recorder (aws:cfg/recorder:Recorder)."]],
    );
    const hub = await defaultHub();
    const group = hub.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    assert.ok(group);
    const v = runPoliciesOffline(hub.resources.filter((r) => r !== group));
    assert.deepEqual(
      v.map((x) => x.policy),
      ["lambda-log-group-retention"],
    );
  });
});

describe("spoke-stack-shape and an account's existing Config recorder", function () {
  this.timeout(120000);

  it("accepts a spoke whose config says the recorder already exists (createRecorder: false)", async () => {
    const spoke = await spokeWith({ createRecorder: false });
    assert.equal(spoke.resources.filter((r) => r.type === "aws:cfg/recorder:Recorder").length, 0);
    assert.deepEqual(summary(spoke.resources), []);
  });

  it("still requires the recorder when no SpokeRegion declares it exists", async () => {
    const spoke = await spokeWith({ createRecorder: false });
    const undeclared = spoke.resources.map((r) =>
      r.type === "security-guard:spoke:SpokeRegion" && r.props.region === "ap-northeast-2"
        ? { ...r, props: { ...r.props, createRecorder: true } }
        : r,
    );
    assert.deepEqual(
      runPoliciesOffline(undeclared).map((v) => v.message.split("\n")[1]),
      [
        "Region ap-northeast-2: no AWS Config recorder (aws:cfg/recorder:Recorder).",
        "Region ap-northeast-2: no AWS Config delivery channel (aws:cfg/deliveryChannel:DeliveryChannel).",
      ],
    );
  });
});
