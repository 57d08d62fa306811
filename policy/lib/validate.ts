// Like @pulumi/policy's validateResourceOfType, but keyed on type tokens (no @pulumi/aws import)
// and handing the callback plain props in which unknown values are the UNKNOWN marker.
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { plainProps } from "./values";

export type PlainResourceValidation = (
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation,
) => void;

export function validateTypes(
  types: readonly string[],
  validate: PlainResourceValidation,
): ResourceValidation {
  const fn: ResourceValidation = (args, reportViolation) => {
    if (!types.includes(args.type)) {
      return args.notApplicable(
        `Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`,
      );
    }
    return validate(plainProps(args.props), args, reportViolation);
  };
  // The policy SDK skips a validation whose `__pulumiType` differs from the resource's type
  // without calling it (server.js fast path); only possible for a single type.
  if (types.length === 1) (fn as unknown as { __pulumiType: string }).__pulumiType = types[0];
  return fn;
}
