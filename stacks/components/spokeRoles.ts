// Account-wide (IAM is global) resources of a spoke: the roles EventBridge and AWS Config use,
// the roles the hub's functions assume, and the Config delivery bucket.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SpokeConfig } from "../configSchema";
import { HubOutputValues } from "../hubOutputs";
import { Statement, policyDocument, serviceTrust } from "../iam";
import { functionRoleName } from "../names";
import {
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  CONFIG_ROLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_ROLE_NAME,
  FORWARDER_ROLE_NAME,
  FUNCTION_NAMES,
  HEARTBEAT_ROLE_NAME,
  NAME_PREFIX,
  REMEDIATION_ROLE_NAME,
} from "../names";

type HubValues = { [K in keyof HubOutputValues]: pulumi.Output<HubOutputValues[K]> };

export interface SpokeRolesArgs {
  config: SpokeConfig;
  partition: string;
  hub: HubValues;
}

/**
 * What the hub's remediation function may do in a spoke: look at groups, their rules and the managed
 * prefix lists they name, read the restricted-ssh rule's scope, close SSH (revoke, and re-authorize
 * a wider rule without port 22), and record the change in its own tags on the group.
 */
export const REMEDIATION_READ_ACTIONS = [
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSecurityGroupRules",
  "ec2:GetManagedPrefixListEntries",
  "config:DescribeConfigRules",
];
export const REMEDIATION_CHANGE_ACTIONS = [
  "ec2:RevokeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupIngress",
];
/** Tag keys the remediation role may write on a group: the change record (see the remediator). */
export const REMEDIATION_RECORD_TAG_KEYS = "security-guard:ssh-remediation*";
export const CHATOPS_READONLY_ACTIONS = [
  "ec2:DescribeInstances",
  "ec2:GetConsoleOutput",
  "s3:ListAllMyBuckets",
  "s3:GetBucketLocation",
  "cloudwatch:GetMetricStatistics",
];
/** The source identity every chat-ops session must carry: the worker sets slack-<Slack user id>. */
export const CHATOPS_SOURCE_IDENTITY = "slack-*";
/** What the buttons on alerts do as the operator: Revert (read the group, revoke) and Exempt (tag). */
export const ALERT_ACTION_ACTIONS = [
  "ec2:DescribeSecurityGroups",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:CreateTags",
];
/** Tag keys Exempt may write on a group: the exemption tag, its reason and who gave it. */
export const ALERT_EXEMPT_TAG_KEYS = "security-guard:*exempt*";

/**
 * What the hub's coverage checks read in a spoke (npm run coverage and the weekly summary): whether
 * the detectors are on, which recorders record what, which trails feed EventBridge, and which
 * security groups are exempt from remediation. Read only.
 */
export const COVERAGE_READ_ACTIONS = [
  "guardduty:ListDetectors",
  "guardduty:GetDetector",
  "securityhub:DescribeHub",
  "securityhub:DescribeSecurityHubV2",
  "access-analyzer:ListAnalyzers",
  "inspector2:BatchGetAccountStatus",
  "config:ListConfigurationRecorders",
  "config:DescribeConfigurationRecorders",
  "config:DescribeConfigurationRecorderStatus",
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:GetEventSelectors",
  // npm run mutes and the weekly summary list the exemption tags on security groups.
  "ec2:DescribeSecurityGroups",
];

/** What the notifier reads in a spoke to route by owner: the tags of the alert's resource (EC2 by
 * id with DescribeTags, any other by ARN with the Tagging API's GetResources). */
export const OWNER_TAG_READ_ACTIONS = ["ec2:DescribeTags", "tag:GetResources"];
/** The tags of an IAM role or user (which GetResources does not read), scoped to the account's own. */
export const IAM_OWNER_TAG_READ_ACTIONS = ["iam:ListRoleTags", "iam:ListUserTags"];

export class SpokeRoles extends pulumi.ComponentResource {
  readonly forwarderRole: aws.iam.Role;
  /** EventBridge Scheduler puts each region's heartbeat on its default bus with this role. */
  readonly heartbeatRole: aws.iam.Role;
  readonly configRole: aws.iam.Role;
  readonly deliveryBucket: aws.s3.Bucket;
  /** The grants of the Config role: the recorder and delivery channel must wait for them. */
  readonly configRoleGrants: pulumi.Resource[];
  private readonly partition: string;

  constructor(name: string, args: SpokeRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:spoke:SpokeRoles", name, {}, opts);
    const { config, partition, hub } = args;
    this.partition = partition;
    const child = { parent: this };

    // EventBridge forwards to the hub bus with this role (cross-account targets need one).
    this.forwarderRole = new aws.iam.Role(
      `${name}-forwarder`,
      { name: FORWARDER_ROLE_NAME, assumeRolePolicy: serviceTrust("events.amazonaws.com", config.accountId) },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-forwarder-policy`,
      {
        role: this.forwarderRole.id,
        policy: policyDocument([
          { Sid: "PutOnHubBus", Effect: "Allow", Action: "events:PutEvents", Resource: hub.busArn },
        ]),
      },
      child,
    );

    this.heartbeatRole = new aws.iam.Role(
      `${name}-heartbeat`,
      {
        name: HEARTBEAT_ROLE_NAME,
        assumeRolePolicy: serviceTrust("scheduler.amazonaws.com", config.accountId),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-heartbeat-policy`,
      {
        role: this.heartbeatRole.id,
        policy: policyDocument([
          {
            Sid: "PutHeartbeatOnDefaultBus",
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: `arn:${partition}:events:*:${config.accountId}:event-bus/default`,
          },
          {
            // The CloudTrail heartbeat: the same tag on the schedules' own group, every interval.
            Sid: "TagOwnScheduleGroup",
            Effect: "Allow",
            Action: "scheduler:TagResource",
            Resource: `arn:${partition}:scheduler:*:${config.accountId}:schedule-group/${NAME_PREFIX}`,
          },
        ]),
      },
      child,
    );

    // Read by the hub's coverage role (npm run coverage), liveness function (weekly summary) and
    // notifier (a resource's owner tag, for routes by owner), pinned by aws:PrincipalArn like the
    // other hub-trusted roles; their names are fixed.
    const coverageReader = new aws.iam.Role(
      `${name}-coverage-reader`,
      {
        name: COVERAGE_READER_ROLE_NAME,
        maxSessionDuration: 3600,
        assumeRolePolicy: hub.hubAccountId.apply((hubAccount) =>
          policyDocument([
            {
              Effect: "Allow",
              Principal: { AWS: `arn:${partition}:iam::${hubAccount}:root` },
              Action: "sts:AssumeRole",
              Condition: {
                ArnEquals: {
                  "aws:PrincipalArn": [
                    `arn:${partition}:iam::${hubAccount}:role/${COVERAGE_ROLE_NAME}`,
                    `arn:${partition}:iam::${hubAccount}:role/${functionRoleName(FUNCTION_NAMES.liveness)}`,
                    `arn:${partition}:iam::${hubAccount}:role/${functionRoleName(FUNCTION_NAMES.notifier)}`,
                  ],
                },
              },
            },
          ]),
        ),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-coverage-reader-policy`,
      {
        role: coverageReader.id,
        policy: policyDocument([
          // These List/Describe/Get actions take no resource-level scoping.
          { Sid: "ReadCoverage", Effect: "Allow", Action: COVERAGE_READ_ACTIONS, Resource: "*" },
          // The notifier's routes by owner read a resource's tags (DescribeTags and GetResources
          // take no resource-level scoping either: Resource must be "*").
          { Sid: "ReadOwnerTags", Effect: "Allow", Action: OWNER_TAG_READ_ACTIONS, Resource: "*" },
          // IAM's tag listings take the role or user as resource
          // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
          {
            Sid: "ReadIamOwnerTags",
            Effect: "Allow",
            Action: IAM_OWNER_TAG_READ_ACTIONS,
            Resource: [
              `arn:${partition}:iam::${config.accountId}:role/*`,
              `arn:${partition}:iam::${config.accountId}:user/*`,
            ],
          },
        ]),
      },
      child,
    );

    this.deliveryBucket = new aws.s3.Bucket(
      `${name}-config-bucket`,
      { bucket: `${NAME_PREFIX}-config-${config.accountId}`, forceDestroy: false },
      child,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-config-bucket-pab`,
      {
        bucket: this.deliveryBucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-config-bucket-sse`,
      {
        bucket: this.deliveryBucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      child,
    );

    this.configRole = new aws.iam.Role(
      `${name}-config`,
      { name: CONFIG_ROLE_NAME, assumeRolePolicy: serviceTrust("config.amazonaws.com", config.accountId) },
      child,
    );
    const configManaged = new aws.iam.RolePolicyAttachment(
      `${name}-config-managed`,
      {
        role: this.configRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
      },
      child,
    );
    const configDelivery = new aws.iam.RolePolicy(
      `${name}-config-delivery`,
      {
        role: this.configRole.id,
        policy: policyDocument([
          {
            Sid: "CheckBucket",
            Effect: "Allow",
            Action: "s3:GetBucketAcl",
            Resource: this.deliveryBucket.arn,
          },
          {
            Sid: "DeliverSnapshots",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${this.deliveryBucket.arn}/AWSLogs/${config.accountId}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
          },
          // The seeds' hardest bug: the recorder's role could not publish to the hub's topic.
          { Sid: "NotifyHub", Effect: "Allow", Action: "sns:Publish", Resource: hub.configTopicArn },
        ]),
      },
      child,
    );

    this.configRoleGrants = [configManaged, configDelivery];

    const inAccount = (resource: string) => `arn:${partition}:ec2:*:${config.accountId}:${resource}/*`;
    this.hubTrustedRole(
      `${name}-remediation`,
      REMEDIATION_ROLE_NAME,
      hub.hubAccountId,
      hub.remediatorRoleArn,
      [
        // Describe* and GetManagedPrefixListEntries take no group-level scoping worth having here (a
        // group may name a prefix list shared from another account); DescribeConfigRules only reads.
        { Sid: "LookAtGroups", Effect: "Allow", Action: REMEDIATION_READ_ACTIONS, Resource: "*" },
        {
          Sid: "CloseSsh",
          Effect: "Allow",
          Action: REMEDIATION_CHANGE_ACTIONS,
          Resource: inAccount("security-group"),
        },
        {
          Sid: "RecordChange",
          Effect: "Allow",
          Action: "ec2:CreateTags",
          Resource: inAccount("security-group"),
          Condition: { "ForAllValues:StringLike": { "aws:TagKeys": [REMEDIATION_RECORD_TAG_KEYS] } },
        },
        {
          // The exemption check: remove an expired exemption, give an old one its expiry.
          Sid: "ExpireExemptions",
          Effect: "Allow",
          Action: ["ec2:DeleteTags", "ec2:CreateTags"],
          Resource: inAccount("security-group"),
          Condition: { "ForAllValues:StringLike": { "aws:TagKeys": [ALERT_EXEMPT_TAG_KEYS] } },
        },
      ],
    );
    const readOnly: Statement = {
      Sid: "ReadOnly",
      Effect: "Allow",
      Action: CHATOPS_READONLY_ACTIONS,
      Resource: "*",
    };
    // Chat-ops sessions must carry the Slack user as their source identity (the worker sets it).
    this.hubTrustedRole(
      `${name}-chatops-ro`,
      CHATOPS_READONLY_ROLE_NAME,
      hub.hubAccountId,
      hub.chatopsWorkerRoleArn,
      [readOnly],
      CHATOPS_SOURCE_IDENTITY,
    );
    this.hubTrustedRole(
      `${name}-chatops-op`,
      CHATOPS_OPERATOR_ROLE_NAME,
      hub.hubAccountId,
      hub.chatopsWorkerRoleArn,
      [
        readOnly,
        {
          Sid: "StartStop",
          Effect: "Allow",
          Action: ["ec2:StartInstances", "ec2:StopInstances"],
          Resource: inAccount("instance"),
        },
        {
          // Starting an instance whose EBS volumes use a customer managed key needs a grant for EC2
          // (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html).
          Sid: "StartWithEncryptedVolumes",
          Effect: "Allow",
          Action: "kms:CreateGrant",
          Resource: `arn:${partition}:kms:*:${config.accountId}:key/*`,
          Condition: {
            Bool: { "kms:GrantIsForAWSResource": "true" },
            StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" },
          },
        },
        // Revert on an alert: read the group (Describe* takes no resource scoping), revoke in it.
        { Sid: "LookAtGroups", Effect: "Allow", Action: "ec2:DescribeSecurityGroups", Resource: "*" },
        {
          Sid: "RevertWorldIngress",
          Effect: "Allow",
          Action: "ec2:RevokeSecurityGroupIngress",
          Resource: inAccount("security-group"),
        },
        {
          // Exempt on an alert: only the exemption tags, on groups.
          Sid: "ExemptGroups",
          Effect: "Allow",
          Action: "ec2:CreateTags",
          Resource: inAccount("security-group"),
          Condition: { "ForAllValues:StringLike": { "aws:TagKeys": [ALERT_EXEMPT_TAG_KEYS] } },
        },
      ],
      CHATOPS_SOURCE_IDENTITY,
    );
    this.registerOutputs({});
  }

  /**
   * A role trusted by exactly one hub function role. The trust names the hub account and pins the
   * role by aws:PrincipalArn: an ARN principal is stored as the role's unique id, so a replaced hub
   * role would silently stop matching while a spoke `up` shows no diff
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles).
   * When the hub has that function off (empty ARN), the role trusts nobody but is kept, so enabling
   * it later is a hub-only change followed by a spoke refresh.
   */
  private hubTrustedRole(
    name: string,
    roleName: string,
    hubAccountId: pulumi.Output<string>,
    trusted: pulumi.Output<string>,
    statements: Statement[],
    requireSourceIdentity?: string,
  ): aws.iam.Role {
    const partition = this.partition;
    const trust = pulumi.all([hubAccountId, trusted]).apply(([hubAccount, principalArn]) => {
      const hubRoot = { AWS: `arn:${partition}:iam::${hubAccount}:root` };
      const pinned = { ArnEquals: { "aws:PrincipalArn": principalArn } };
      const trustStatements: Statement[] = !principalArn
        ? [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]
        : requireSourceIdentity
          ? [
              {
                Effect: "Allow",
                Principal: hubRoot,
                Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
                Condition: { ...pinned, StringLike: { "sts:SourceIdentity": requireSourceIdentity } },
              },
            ]
          : [{ Effect: "Allow", Principal: hubRoot, Action: "sts:AssumeRole", Condition: pinned }];
      return policyDocument(trustStatements);
    });
    const role = new aws.iam.Role(
      name,
      { name: roleName, assumeRolePolicy: trust, maxSessionDuration: 3600 },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.id, policy: policyDocument(statements) },
      { parent: this },
    );
    return role;
  }
}
