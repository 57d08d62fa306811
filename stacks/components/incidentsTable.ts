// The notifier's incidents: one item per incident key (and one per correlation member), expired by
// DynamoDB TTL (handlers/notifier/incidents/store.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { INCIDENT_KEY_ATTRIBUTE, INCIDENT_TTL_ATTRIBUTE } from "../../handlers/notifier/incidents/store";
import { NOTIFIER_INCIDENTS_TABLE_NAME } from "../functionSettings";
import { Statement } from "../iam";
import { ttlTable } from "./ttlTable";

export function incidentsTable(
  name: string,
  kmsKey: aws.kms.Key,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  // A few reads and conditional writes per signal.
  return ttlTable(
    `${name}-incidents`,
    {
      tableName: NOTIFIER_INCIDENTS_TABLE_NAME,
      hashKey: INCIDENT_KEY_ATTRIBUTE,
      ttlAttribute: INCIDENT_TTL_ATTRIBUTE,
      kmsKey,
    },
    parent,
  );
}

/** Read an incident and write it back conditionally: no scans, updates or deletes (TTL deletes). */
export function incidentsStatements(
  tableArn: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string>,
  region: string,
): Statement[] {
  return [
    {
      Sid: "Incidents",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: tableArn,
    },
    {
      // DynamoDB uses the table's customer managed key on the caller's behalf
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
      Sid: "UseEncryptedTable",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
      Resource: kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    },
  ];
}
