// The central "security" event bus in the hub (us-east-1). Spokes put events on it from every
// region; its resource policy admits the organization with one condition, so its size does not
// grow with the number of accounts (event bus policy limit: 10,240 characters,
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubPlacement, OrgScope } from "../hubPlacement";
import type { EventPattern } from "../../handlers/findings/source";
import { policyDocument } from "../iam";
import { FORWARDER_ROLE_NAME, HUB_BUS_NAME } from "../names";
import { eventBridgeDeadLetterQueue } from "./deadLetters";
import { orgRolePrincipal } from "../orgScope";

export interface CentralBusArgs {
  hub: HubPlacement;
  org: OrgScope;
}

export class CentralBus extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly policy: aws.cloudwatch.EventBusPolicy;
  /** Where this bus's targets put events they could not deliver after their retries. */
  readonly deadLetters: aws.sqs.Queue;

  constructor(name: string, args: CentralBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:CentralBus", name, {}, opts);
    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: HUB_BUS_NAME }, { parent: this });
    this.policy = new aws.cloudwatch.EventBusPolicy(
      `${name}-policy`,
      {
        eventBusName: this.bus.name,
        policy: policyDocument([
          {
            // Only the spokes' forwarder role: no other principal of ours may put (forged) events here.
            Sid: "SpokeForwardersPutEvents",
            Effect: "Allow",
            ...orgRolePrincipal(args.org, args.hub.partition, FORWARDER_ROLE_NAME),
            Action: "events:PutEvents",
            Resource: this.bus.arn,
          },
        ]),
      },
      { parent: this },
    );
    this.deadLetters = eventBridgeDeadLetterQueue(
      `${name}-dlq`,
      {
        queueName: `${HUB_BUS_NAME}-dlq`,
        sid: "BusRulesDeadLetter",
        ruleArnPattern: `arn:${args.hub.partition}:events:${args.hub.region}:${args.hub.accountId}:rule/${HUB_BUS_NAME}/*`,
      },
      { parent: this },
    );
    this.registerOutputs({ busArn: this.bus.arn });
  }

  /** A rule on this bus. */
  rule(name: string, description: string, pattern: EventPattern): aws.cloudwatch.EventRule {
    return new aws.cloudwatch.EventRule(
      name,
      { eventBusName: this.bus.name, description, eventPattern: JSON.stringify(pattern) },
      { parent: this },
    );
  }
}
