// The AWS Config recorder must record every supported resource type, or the restricted-ssh rule
// and the hub's aggregator miss resources. RecordingGroup semantics:
// https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { block, isRecord, isUnknown, list } from "./lib/values";

export const configRecorderAllSupported: ResourceValidationPolicy = {
  name: "config-recorder-all-supported",
  description: "AWS Config recorders must record all supported resource types, without exclusions.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set recordingGroup.allSupported = true and remove resourceTypes/exclusionByResourceTypes.",
  validateResource: validateTypes([T.configRecorder], (props, _args, report) => {
    const group = block(props.recordingGroup);
    // No recording group: AWS records all supported resource types (API default).
    if (group === undefined || isUnknown(group)) return;
    const all = group.allSupported;
    if (!isUnknown(all) && all !== true) {
      report(
        "recordingGroup.allSupported is not true: the recorder records only a subset of resource types.",
      );
    }
    const exclusions = list(group.exclusionByResourceTypes);
    if (Array.isArray(exclusions)) {
      for (const ex of exclusions) {
        const types = isRecord(ex) ? list(ex.resourceTypes) : undefined;
        if (Array.isArray(types) && types.length > 0) {
          report(`recordingGroup.exclusionByResourceTypes excludes ${types.map(String).join(", ")}.`);
        }
      }
    }
    const strategies = list(group.recordingStrategies);
    if (Array.isArray(strategies)) {
      for (const st of strategies) {
        const useOnly = isRecord(st) ? st.useOnly : undefined;
        if (typeof useOnly === "string" && useOnly !== "ALL_SUPPORTED_RESOURCE_TYPES") {
          report(
            `recordingGroup.recordingStrategies useOnly is ${useOnly}, not ALL_SUPPORTED_RESOURCE_TYPES.`,
          );
        }
      }
    }
  }),
};
