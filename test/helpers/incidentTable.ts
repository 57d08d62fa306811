// Creates an incidents table in moto shaped as the hub stack creates it: string partition key, TTL
// on the expiry attribute, on-demand billing.
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { INCIDENT_KEY_ATTRIBUTE, INCIDENT_TTL_ATTRIBUTE } from "../../handlers/notifier/incidents/store";

export async function createIncidentTable(tableName: string, region = "us-east-1"): Promise<void> {
  const ddb = new DynamoDBClient({ region });
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: INCIDENT_KEY_ATTRIBUTE, AttributeType: "S" }],
        KeySchema: [{ AttributeName: INCIDENT_KEY_ATTRIBUTE, KeyType: "HASH" }],
      }),
    );
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: INCIDENT_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } finally {
    ddb.destroy();
  }
}
