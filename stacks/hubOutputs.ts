// The hub's stack outputs that spokes consume. Output names appear here and nowhere else: the
// hub exports `hubOutputs(...)`, and spokes read them through `HubReference`.
import * as pulumi from "@pulumi/pulumi";

export interface HubOutputValues {
  hubAccountId: string;
  /** ARN of the central event bus (us-east-1). */
  busArn: string;
  /** SNS topic AWS Config delivery channels publish to (us-east-1). */
  configTopicArn: string;
  /** SNS topic CloudWatch alarm actions publish to (us-east-1). */
  alarmTopicArn: string;
  /** Role ARN of the hub's remediation function: the only principal spokes' remediation role trusts. */
  remediatorRoleArn: string;
  /** Role ARN of the hub's chat-ops worker: the only principal spokes' chat-ops roles trust ("" if off). */
  chatopsWorkerRoleArn: string;
  /** "" in account-list mode. */
  organizationId: string;
}

export type HubOutputs = { [K in keyof HubOutputValues]: pulumi.Input<HubOutputValues[K]> };

export const HUB_OUTPUT_NAMES: readonly (keyof HubOutputValues)[] = [
  "hubAccountId",
  "busArn",
  "configTopicArn",
  "alarmTopicArn",
  "remediatorRoleArn",
  "chatopsWorkerRoleArn",
  "organizationId",
];

/** What to do when the hub stack lacks an output a spoke reads (it was never deployed, or is older). */
export function missingHubOutputMessage(hubStack: string, names: readonly string[]): string {
  const stack = hubStack.split("/").pop();
  return (
    `hub stack ${hubStack} has no output ${names.map((n) => `"${n}"`).join(", ")}: deploy the hub first ` +
    `(pulumi up --stack ${stack}), then preview or deploy this spoke`
  );
}

/** Typed wrapper over the hub's StackReference. */
export class HubReference {
  private readonly ref: pulumi.StackReference;
  constructor(
    private readonly hubStack: string,
    opts?: pulumi.CustomResourceOptions,
  ) {
    this.ref = new pulumi.StackReference(hubStack, { name: hubStack }, opts);
  }
  /** The output, or a failure that says to deploy the hub first (a spoke cannot preview before). */
  get<K extends keyof HubOutputValues>(name: K): pulumi.Output<HubOutputValues[K]> {
    return this.ref.getOutput(name).apply((value) => {
      if (value === undefined || value === null)
        throw new Error(missingHubOutputMessage(this.hubStack, [name]));
      return value as HubOutputValues[K];
    });
  }
  all(): { [K in keyof HubOutputValues]: pulumi.Output<HubOutputValues[K]> } {
    const out = {} as { [K in keyof HubOutputValues]: pulumi.Output<string> };
    for (const name of HUB_OUTPUT_NAMES) out[name] = this.get(name);
    return out;
  }
}
