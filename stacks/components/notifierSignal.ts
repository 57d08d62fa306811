// What the notifier's signal steps need besides the function: the DynamoDB table of the seen store
// (de-duplication of one event arriving by two paths), and the email topic whose email
// subscriptions are the routes' recipients, each filtered on the routes it receives
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html). SNS asks
// every address to confirm its subscription before it receives anything.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ROUTE_ID } from "../../handlers/notifier/routing";
import { SEEN_KEY_ATTRIBUTE, SEEN_TTL_ATTRIBUTE } from "../../handlers/shared/seenStore";
import { HubConfig } from "../configSchema";
import {
  NOTIFIER_EMAIL_DISPLAY_NAME,
  NOTIFIER_EMAIL_TOPIC_NAME,
  NOTIFIER_SEEN_TABLE_NAME,
} from "../functionSettings";
import { Statement } from "../iam";
import { ttlTable } from "./ttlTable";

/** Address -> the route ids ("0", "1", ... "default") whose events it receives. */
export function emailRecipients(config: HubConfig): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (address: string, route: string) => (out[address] ??= []).push(route);
  config.slackRoutes.forEach((r, i) => (r.email ?? []).forEach((a) => add(a, String(i))));
  (config.defaultRoute.email ?? []).forEach((a) => add(a, DEFAULT_ROUTE_ID));
  return out;
}

export interface NotifierSignalArgs {
  /** The hub's Region, where DynamoDB and SNS use the key. */
  region: string;
  /** Address -> route ids (emailRecipients); empty: no email topic. */
  emailRecipients: Record<string, string[]>;
  kmsKey: aws.kms.Key;
}

export class NotifierSignal extends pulumi.ComponentResource {
  readonly seenTable: aws.dynamodb.Table;
  readonly emailTopic?: aws.sns.Topic;
  /** What the notifier's role needs for these (added to its statements). */
  readonly statements: Statement[];

  constructor(name: string, args: NotifierSignalArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:NotifierSignal", name, {}, opts);
    const { region, kmsKey } = args;
    const child = { parent: this };
    this.seenTable = ttlTable(
      `${name}-seen`,
      {
        tableName: NOTIFIER_SEEN_TABLE_NAME,
        hashKey: SEEN_KEY_ATTRIBUTE,
        ttlAttribute: SEEN_TTL_ATTRIBUTE,
        kmsKey,
      },
      this,
    );
    this.statements = [
      {
        // Claim a key (conditional put), release an unposted claim (conditional delete).
        Sid: "DedupeSeenStore",
        Effect: "Allow",
        Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource: this.seenTable.arn,
      },
      {
        // The table is encrypted with the hub key; DynamoDB uses it on the function's behalf.
        Sid: "DedupeSeenStoreKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: kmsKey.arn,
        Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
      },
    ];
    if (Object.keys(args.emailRecipients).length > 0) {
      const topic = new aws.sns.Topic(
        `${name}-email`,
        // The display name is the sender name of every email, the confirmation mail included
        // (default "AWS Notifications"): recipients must recognise it to click "Confirm subscription".
        {
          name: NOTIFIER_EMAIL_TOPIC_NAME,
          displayName: NOTIFIER_EMAIL_DISPLAY_NAME,
          kmsMasterKeyId: kmsKey.arn,
        },
        child,
      );
      this.emailTopic = topic;
      for (const [address, routes] of Object.entries(args.emailRecipients)) {
        new aws.sns.TopicSubscription(
          `${name}-email-${address.replace(/[^A-Za-z0-9]/g, "-")}`,
          {
            topic: topic.arn,
            protocol: "email",
            endpoint: address,
            filterPolicy: JSON.stringify({ route: routes }),
            filterPolicyScope: "MessageAttributes",
          },
          child,
        );
      }
      this.statements.push(
        { Sid: "PublishEmail", Effect: "Allow", Action: "sns:Publish", Resource: topic.arn },
        {
          // Publishing to a KMS-encrypted topic needs the key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
          Sid: "PublishEmailKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: kmsKey.arn,
          Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
        },
      );
    }
    this.registerOutputs({});
  }
}
