// The guard's DynamoDB tables are all alike, and one builder keeps them so: on demand (a few requests
// a minute at most, no capacity to plan or be throttled on), string keys, items expired by TTL (the
// handlers write each item's expiry), and encrypted with the hub key
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TtlTableArgs {
  /** The table's name in AWS (the handlers are given it). */
  tableName: string;
  /** The partition key (a string attribute). */
  hashKey: string;
  /** The sort key (a string attribute), when items share a partition. */
  rangeKey?: string;
  /** The attribute holding each item's expiry, in epoch seconds. */
  ttlAttribute: string;
  kmsKey: aws.kms.Key;
  /** Keep a restorable history of the table (point-in-time recovery). */
  pointInTimeRecovery?: boolean;
}

export function ttlTable(
  resourceName: string,
  args: TtlTableArgs,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  const keys = args.rangeKey ? [args.hashKey, args.rangeKey] : [args.hashKey];
  return new aws.dynamodb.Table(
    resourceName,
    {
      name: args.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: args.hashKey,
      ...(args.rangeKey ? { rangeKey: args.rangeKey } : {}),
      attributes: keys.map((name) => ({ name, type: "S" })),
      ttl: { attributeName: args.ttlAttribute, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKey.arn },
      ...(args.pointInTimeRecovery ? { pointInTimeRecovery: { enabled: true } } : {}),
    },
    { parent },
  );
}
