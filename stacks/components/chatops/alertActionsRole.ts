// The hub role behind Mute and Acknowledge. The worker assumes it as the Slack user who clicked:
// the trust requires a source identity slack-* (which the session cannot change afterwards) and
// allows only the session tags the worker sets (action, alert), so the hub's CloudTrail
// AssumeRole record says who did what to which alert
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). Once assumed it may only
// add items to the mutes table and set Security Hub findings' workflow status (ASFF and OCSF).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALERT_SESSION_TAG_KEYS } from "../../../handlers/chatops/worker/alerts/hubSession";
import { Statement, policyDocument } from "../../iam";
import { ALERT_ACTIONS_ROLE_NAME, FUNCTION_NAMES, functionRoleName } from "../../names";

export interface AlertActionsRoleArgs {
  partition: string;
  accountId: string;
  region: string;
  mutesTableArn: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
}

export function alertActionsRoleArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/${ALERT_ACTIONS_ROLE_NAME}`;
}

export function alertActionsRole(
  name: string,
  args: AlertActionsRoleArgs,
  parent: pulumi.Resource,
): aws.iam.Role {
  const { partition, accountId, region } = args;
  const workerRoleArn = `arn:${partition}:iam::${accountId}:role/${functionRoleName(FUNCTION_NAMES.chatopsWorker)}`;
  // The account as principal, pinned to the worker's role by aws:PrincipalArn: a role ARN as
  // principal is stored as the role's unique id and silently stops matching if the worker's role
  // is ever replaced (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles).
  const account = { AWS: `arn:${partition}:iam::${accountId}:root` };
  const pinned = { "aws:PrincipalArn": workerRoleArn };
  const trust: Statement[] = [
    {
      Sid: "WorkerActsAsSlackUser",
      Effect: "Allow",
      Principal: account,
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { ArnEquals: pinned, StringLike: { "sts:SourceIdentity": "slack-*" } },
    },
    {
      Sid: "TagsNameActionAndAlert",
      Effect: "Allow",
      Principal: account,
      Action: "sts:TagSession",
      Condition: {
        ArnEquals: pinned,
        "ForAllValues:StringEquals": { "aws:TagKeys": [...ALERT_SESSION_TAG_KEYS] },
      },
    },
  ];
  const role = new aws.iam.Role(
    name,
    {
      name: ALERT_ACTIONS_ROLE_NAME,
      description: "Mute and Acknowledge on Slack alerts, assumed by the chat-ops worker as the Slack user",
      assumeRolePolicy: policyDocument(trust),
      maxSessionDuration: 3600,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.id,
      policy: policyDocument([
        // Mute 24 h: one new item per click (never a read, update or delete).
        { Sid: "WriteMutes", Effect: "Allow", Action: "dynamodb:PutItem", Resource: args.mutesTableArn },
        // Acknowledge and Mute on a Security Hub finding set its workflow status (and a note) in
        // the hub's Security Hub, in the finding's Region; nothing else in Security Hub.
        {
          Sid: "UpdateFindingWorkflow",
          Effect: "Allow",
          Action: "securityhub:BatchUpdateFindings",
          Resource: `arn:${partition}:securityhub:*:${accountId}:hub/default`,
          // Only to the two statuses the buttons set (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchupdatefindings.html).
          Condition: {
            StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": ["NOTIFIED", "SUPPRESSED"] },
          },
        },
        // The same for a finding of the new Security Hub (OCSF): BatchUpdateFindingsV2 is authorized
        // as securityhub:BatchUpdateFindings on the hubv2 resource, to status In Progress (2) or
        // Suppressed (3) only (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindingsV2.html).
        {
          Sid: "UpdateOcsfFindingStatus",
          Effect: "Allow",
          Action: "securityhub:BatchUpdateFindings",
          Resource: `arn:${partition}:securityhub:*:${accountId}:hubv2/*`,
          Condition: { StringEquals: { "securityhub:OCSFSyntaxPath/StatusId": ["2", "3"] } },
        },
        {
          // DynamoDB uses the table's customer managed key on the caller's behalf
          // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
          Sid: "WriteToEncryptedTable",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
          Resource: args.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
      ]),
    },
    { parent },
  );
  return role;
}
