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

/** Typed wrapper over the hub's StackReference. */
export class HubReference {
  private readonly ref: pulumi.StackReference;
  constructor(hubStack: string, opts?: pulumi.CustomResourceOptions) {
    this.ref = new pulumi.StackReference(hubStack, { name: hubStack }, opts);
  }
  get<K extends keyof HubOutputValues>(name: K): pulumi.Output<HubOutputValues[K]> {
    return this.ref.requireOutput(name) as pulumi.Output<HubOutputValues[K]>;
  }
  all(): { [K in keyof HubOutputValues]: pulumi.Output<HubOutputValues[K]> } {
    const out = {} as { [K in keyof HubOutputValues]: pulumi.Output<string> };
    for (const name of HUB_OUTPUT_NAMES) out[name] = this.get(name);
    return out;
  }
}
