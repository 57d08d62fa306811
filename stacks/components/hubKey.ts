// The hub's customer managed KMS key: encrypts the SNS topics, the queues and the
// Lambda secrets. No spoke principal uses it: the topics spokes reach are published to by AWS
// services (EventBridge, CloudWatch) or are unencrypted (AWS Config's).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubPlacement, OrgScope } from "../hubPlacement";
import { Statement, policyDocument } from "../iam";
import { NAME_PREFIX } from "../names";
import { serviceSourceCondition } from "../orgScope";

export interface HubKeyArgs {
  hub: HubPlacement;
  org: OrgScope;
}

export class HubKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;

  constructor(name: string, args: HubKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:HubKey", name, {}, opts);
    const { accountId, region, partition } = args.hub;
    const statements: Statement[] = [
      {
        Sid: "HubAccountAdministers",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        // EventBridge and CloudWatch publish to the encrypted topics
        // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
        Sid: "ServicesPublishToEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        // Scoped by what SNS always sends: the topic ARN as encryption context. aws:SourceOrgID /
        // aws:SourceAccount are not documented for these services' KMS calls, so a plain StringEquals
        // on them could deny every publish; IfExists still refuses a caller that names another org.
        Condition: {
          StringEquals: {
            "kms:EncryptionContext:aws:sns:topicArn": ["events", "alarms"].map(
              (t) => `arn:${partition}:sns:${region}:${accountId}:${NAME_PREFIX}-${t}`,
            ),
          },
          StringEqualsIfExists: serviceSourceCondition(args.org).StringEquals,
        },
      },
      {
        // SNS delivers the topics' messages to the notifier's KMS-encrypted queue: it encrypts with
        // this key as the service (https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html).
        Sid: "SnsDeliversToEncryptedQueue",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:sns:${region}:${accountId}:${NAME_PREFIX}-*` },
        },
      },
    ];
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "security-guard: SNS topics, dead-letter queues and Lambda secrets",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument(statements),
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-alias`,
      { name: "alias/security-guard", targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.registerOutputs({ keyArn: this.key.arn });
  }
}
