// Creates the hub's liveness table in moto shaped as the stack creates it (stacks/components/
// liveness.ts): account (hash) and region#path (range), TTL on the expiry attribute, on demand.
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { LAST_SEEN_KEY, LAST_SEEN_SORT_KEY, LAST_SEEN_TTL_ATTRIBUTE } from "../../handlers/coverage/lastSeen";
import { LIVENESS_TABLE_NAME } from "../../handlers/shared/constants";

/** `client`: a session in the hub account (moto keeps tables per account). */
export async function createLivenessTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: LIVENESS_TABLE_NAME,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: LAST_SEEN_KEY, KeyType: "HASH" },
        { AttributeName: LAST_SEEN_SORT_KEY, KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: LAST_SEEN_KEY, AttributeType: "S" },
        { AttributeName: LAST_SEEN_SORT_KEY, AttributeType: "S" },
      ],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: LIVENESS_TABLE_NAME,
      TimeToLiveSpecification: { AttributeName: LAST_SEEN_TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}
