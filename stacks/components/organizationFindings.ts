// Organization Access Analyzer findings. An organization analyzer lives in one account (the Access
// Analyzer delegated administrator, normally the security account that runs the hub) and its
// findings about every member's resources appear only on that account's default bus, in the
// analyzer's region (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html).
// This rule on the hub account's default bus forwards the findings about other accounts' resources
// (detail.resourceOwnerAccount) to the hub bus; findings about the hub account's own resources come
// through a spoke in the hub account, whose Access Analyzer rule forwards only those there
// (ownFindingsInHubAccount), so nothing is forwarded twice.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubPlacement } from "../hubPlacement";
import type { EventPattern } from "../../handlers/findings/source";
import { ACCESS_ANALYZER_FINDINGS } from "../../handlers/findings/sources/accessAnalyzer";
import { policyDocument, serviceTrust } from "../iam";
import { NAME_PREFIX } from "../names";
import { eventBridgeDeadLetterQueue } from "./deadLetters";
import { CentralBus } from "./centralBus";

/** The hub account's default bus: organization analyzer findings about other accounts' resources. */
export function organizationAnalyzerFindings(hubAccountId: string): EventPattern {
  return {
    ...ACCESS_ANALYZER_FINDINGS,
    detail: { resourceOwnerAccount: [{ "anything-but": hubAccountId }] },
  };
}

export const HUB_FORWARDER_ROLE_NAME = `${NAME_PREFIX}-hub-forwarder`;

export class OrganizationFindings extends pulumi.ComponentResource {
  readonly deadLetters: aws.sqs.Queue;

  constructor(
    name: string,
    args: { hub: HubPlacement; central: CentralBus },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("security-guard:hub:OrganizationFindings", name, {}, opts);
    const { central } = args;
    const { accountId, region, partition } = args.hub;
    const child = { parent: this };
    // Same account: the role's own policy is enough, the hub bus policy stays the spokes'.
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: HUB_FORWARDER_ROLE_NAME,
        assumeRolePolicy: serviceTrust("events.amazonaws.com", accountId),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.id,
        policy: policyDocument([
          { Sid: "PutOnHubBus", Effect: "Allow", Action: "events:PutEvents", Resource: central.bus.arn },
        ]),
      },
      child,
    );
    this.deadLetters = eventBridgeDeadLetterQueue(
      `${name}-dlq`,
      {
        queueName: `${NAME_PREFIX}-hub-forwarding-dlq`,
        sid: "HubForwardingDeadLetter",
        ruleArnPattern: `arn:${partition}:events:${region}:${accountId}:rule/${NAME_PREFIX}-organization-*`,
      },
      child,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        name: `${NAME_PREFIX}-organization-access-analyzer`,
        description:
          "Forward the organization analyzer's findings about member accounts to the security hub bus",
        eventPattern: JSON.stringify(organizationAnalyzerFindings(accountId)),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-to-hub`,
      {
        rule: rule.name,
        arn: central.bus.arn,
        roleArn: role.arn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
        deadLetterConfig: { arn: this.deadLetters.arn },
      },
      child,
    );
    this.registerOutputs({});
  }
}
