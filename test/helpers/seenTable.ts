// Creates a seen-store table in moto shaped as the stacks create it: string partition key, TTL on
// the expiry attribute, on-demand billing.
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { SEEN_KEY_ATTRIBUTE, SEEN_TTL_ATTRIBUTE } from "../../handlers/shared/seenStore";

/** `credentials`: another account's (moto keeps tables per account; default: the test's own). */
export async function createSeenTable(
  tableName: string,
  region = "us-east-1",
  credentials?: AwsCredentialIdentity,
): Promise<void> {
  const ddb = new DynamoDBClient({ region, credentials });
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: SEEN_KEY_ATTRIBUTE, AttributeType: "S" }],
        KeySchema: [{ AttributeName: SEEN_KEY_ATTRIBUTE, KeyType: "HASH" }],
      }),
    );
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: SEEN_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } finally {
    ddb.destroy();
  }
}
