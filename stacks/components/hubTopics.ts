// The hub's SNS topics (KMS-encrypted): one fed by the central bus, and the two "seed paths"
// that spokes publish to directly: AWS Config delivery channels and CloudWatch alarm actions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubPlacement, OrgScope } from "../hubPlacement";
import { Statement, policyDocument } from "../iam";
import { CONFIG_ROLE_NAME, NAME_PREFIX, SNS_ENCRYPTION_EXEMPT_TAG } from "../names";
import { alarmSourceCondition, orgRolePrincipal, serviceSourceCondition } from "../orgScope";

export interface HubTopicsArgs {
  hub: HubPlacement;
  org: OrgScope;
  kmsKey: aws.kms.Key;
}

export class HubTopics extends pulumi.ComponentResource {
  /** Fed by the central bus's notify rule. */
  readonly events: aws.sns.Topic;
  /** AWS Config delivery channels of the spokes publish here. */
  readonly config: aws.sns.Topic;
  /** CloudWatch alarm actions publish here. */
  readonly alarms: aws.sns.Topic;

  constructor(name: string, args: HubTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:HubTopics", name, {}, opts);
    const child = { parent: this };
    const topic = (suffix: string) =>
      new aws.sns.Topic(
        `${name}-${suffix}`,
        { name: `${NAME_PREFIX}-${suffix}`, kmsMasterKeyId: args.kmsKey.arn },
        child,
      );
    this.events = topic("events");
    this.alarms = topic("alarms");
    // AWS Config cannot publish to encrypted topics, nor across regions
    // (https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-policy.html): this one
    // topic stays unencrypted, says why in a tag the policy pack honours, and carries only
    // compliance notifications (no secrets).
    this.config = new aws.sns.Topic(
      `${name}-config`,
      {
        name: `${NAME_PREFIX}-config`,
        tags: { [SNS_ENCRYPTION_EXEMPT_TAG]: "aws-config-does-not-support-encrypted-topics" },
      },
      child,
    );

    const { org } = args;
    const { accountId, partition } = args.hub;
    new aws.sns.TopicPolicy(
      `${name}-config-policy`,
      {
        arn: this.config.arn,
        policy: policyDocument([
          ownerStatement(this.config.arn, accountId, partition),
          {
            // Spoke Config recorders publish with the guard's Config role (cross-account publish);
            // no other principal of ours may post to the notifier through this topic.
            Sid: "SpokeConfigPublishes",
            Effect: "Allow",
            ...orgRolePrincipal(org, partition, CONFIG_ROLE_NAME),
            Action: "sns:Publish",
            Resource: this.config.arn,
          },
          {
            // Recorders using the Config service-linked role publish as the service.
            Sid: "ConfigServicePublishes",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.config.arn,
            Condition: serviceSourceCondition(org),
          },
        ]),
      },
      child,
    );
    new aws.sns.TopicPolicy(
      `${name}-alarms-policy`,
      {
        arn: this.alarms.arn,
        policy: policyDocument([
          ownerStatement(this.alarms.arn, accountId, partition),
          {
            // The keys CloudWatch documents for alarm actions: aws:SourceAccount and aws:SourceArn
            // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html);
            // it does not send aws:SourceOrgID. The hub's own dead-letter alarms, and in account-list
            // mode the member accounts' alarms; spokes' alarm state changes also reach the hub
            // through their EventBridge forwarding rules.
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.alarms.arn,
            Condition: alarmSourceCondition(org, partition),
          },
        ]),
      },
      child,
    );
    this.registerOutputs({});
  }

  /** Lets the central bus's notify (and resolve) rules publish to the events topic, and nothing else. */
  allowRule(
    name: string,
    ruleArns: pulumi.Input<string>[],
    accountId: string,
    partition: string,
  ): aws.sns.TopicPolicy {
    return new aws.sns.TopicPolicy(
      name,
      {
        arn: this.events.arn,
        policy: policyDocument([
          ownerStatement(this.events.arn, accountId, partition),
          {
            Sid: "CentralBusRulePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.events.arn,
            // One ARN stays a string, as deployed before a second rule existed.
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns.length === 1 ? ruleArns[0] : ruleArns } },
          },
        ]),
      },
      { parent: this },
    );
  }
}

function ownerStatement(topicArn: pulumi.Input<string>, accountId: string, partition: string): Statement {
  return {
    Sid: "OwnerManages",
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
    ],
    Resource: topicArn,
  };
}
