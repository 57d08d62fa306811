import { strict as assert } from "assert";
import { res } from "./fixtures";
import { assertNoneOf, violationsOf } from "./run";

const REC = "aws:cfg/recorder:Recorder";
const POLICY = "config-recorder-all-supported";

describe("policy config-recorder-all-supported", () => {
  it("flags allSupported false/absent, exclusions and a non-ALL recording strategy", () => {
    const v = violationsOf(POLICY, [
      res(REC, "subset", {
        recordingGroup: { allSupported: false, resourceTypes: ["AWS::EC2::SecurityGroup"] },
      }),
      res(REC, "exclusions", {
        recordingGroup: [
          {
            allSupported: true,
            exclusionByResourceTypes: [{ resourceTypes: ["AWS::EC2::SecurityGroup"] }],
            recordingStrategies: [{ useOnly: "EXCLUSION_BY_RESOURCE_TYPES" }],
          },
        ],
      }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        [
          "subset",
          "recordingGroup.allSupported is not true: the recorder records only a subset of resource types.",
        ],
        ["exclusions", "recordingGroup.exclusionByResourceTypes excludes AWS::EC2::SecurityGroup."],
        [
          "exclusions",
          "recordingGroup.recordingStrategies useOnly is EXCLUSION_BY_RESOURCE_TYPES, not ALL_SUPPORTED_RESOURCE_TYPES.",
        ],
      ],
    );
  });

  it("passes allSupported true, an omitted recording group (AWS default: all supported), and unknowns", () => {
    assertNoneOf(POLICY, [
      res(REC, "all", {
        recordingGroup: {
          allSupported: true,
          recordingStrategies: [{ useOnly: "ALL_SUPPORTED_RESOURCE_TYPES" }],
        },
      }),
      res(REC, "default", { roleArn: "arn:aws:iam::1:role/x" }),
      res(REC, "unknown", { recordingGroup: { allSupported: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" } }),
    ]);
  });
});
