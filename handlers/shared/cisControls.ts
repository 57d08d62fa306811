// The CIS AWS Foundations Benchmark monitoring controls (v1.4 and v3.0 section 4, "ensure ... changes
// are monitored") and the API calls each one watches, as the benchmark's metric filters list them
// (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html). Shared by the
// spoke's forwarding rules and the notifier, which names the control in the message.

/** One CIS monitoring control, as the API calls it watches. */
export interface CisControl {
  /** CIS v1.4/v3.0 recommendation and Security Hub control ids ("none" where Security Hub has no control). */
  cis: string;
  securityHub: string;
  title: string;
  /** The notifier's event kind for routing (slackRoutes[].kinds). */
  kind: "audit-logging" | "kms" | "s3-policy" | "network" | "organizations";
  source: string;
  eventSource: string;
  eventNames: string[];
}

/** The change controls (every region, except the global services in IAM_EVENTS_REGION). */
export const CIS_CHANGE_CONTROLS: readonly CisControl[] = [
  {
    cis: "4.5",
    securityHub: "CloudWatch.5",
    title: "CloudTrail configuration changes",
    kind: "audit-logging",
    source: "aws.cloudtrail",
    eventSource: "cloudtrail.amazonaws.com",
    eventNames: [
      "CreateTrail",
      "UpdateTrail",
      "DeleteTrail",
      "StartLogging",
      "StopLogging",
      "PutEventSelectors",
    ],
  },
  {
    cis: "4.7",
    securityHub: "CloudWatch.7",
    title: "Disabling or scheduled deletion of customer managed keys",
    kind: "kms",
    source: "aws.kms",
    eventSource: "kms.amazonaws.com",
    eventNames: ["DisableKey", "ScheduleKeyDeletion"],
  },
  {
    cis: "4.8",
    securityHub: "CloudWatch.8",
    title: "S3 bucket policy changes",
    kind: "s3-policy",
    source: "aws.s3",
    eventSource: "s3.amazonaws.com",
    eventNames: [
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    ],
  },
  {
    cis: "4.9",
    securityHub: "CloudWatch.9",
    title: "AWS Config configuration changes",
    kind: "audit-logging",
    source: "aws.config",
    eventSource: "config.amazonaws.com",
    eventNames: [
      "StopConfigurationRecorder",
      "DeleteDeliveryChannel",
      "PutDeliveryChannel",
      "PutConfigurationRecorder",
    ],
  },
  {
    cis: "4.11",
    securityHub: "CloudWatch.11",
    title: "Network ACL changes",
    kind: "network",
    source: "aws.ec2",
    eventSource: "ec2.amazonaws.com",
    eventNames: [
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    ],
  },
  {
    cis: "4.12",
    securityHub: "CloudWatch.12",
    title: "Network gateway changes",
    kind: "network",
    source: "aws.ec2",
    eventSource: "ec2.amazonaws.com",
    eventNames: [
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    ],
  },
  {
    cis: "4.13",
    securityHub: "CloudWatch.13",
    title: "Route table changes",
    kind: "network",
    source: "aws.ec2",
    eventSource: "ec2.amazonaws.com",
    eventNames: [
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    ],
  },
  {
    cis: "4.14",
    securityHub: "CloudWatch.14",
    title: "VPC changes",
    kind: "network",
    source: "aws.ec2",
    eventSource: "ec2.amazonaws.com",
    eventNames: [
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    ],
  },
];

/** AWS Organizations is a global service: its calls are recorded in us-east-1 of the management account. */
export const CIS_ORGANIZATIONS_CONTROL: CisControl = {
  cis: "4.15",
  securityHub: "none",
  title: "AWS Organizations changes",
  kind: "organizations",
  source: "aws.organizations",
  eventSource: "organizations.amazonaws.com",
  eventNames: [
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
  ],
};

/** Root user activity (CIS 4.3, CloudWatch.1): any call by the root user. */
export const CIS_ROOT_USAGE = { cis: "4.3", securityHub: "CloudWatch.1", title: "Root user activity" };
/** Console sign-in without MFA (CIS 4.2, CloudWatch.3). */
export const CIS_SIGN_IN_WITHOUT_MFA = {
  cis: "4.2",
  securityHub: "CloudWatch.3",
  title: "Console sign-in without MFA",
};
/** Console authentication failures (CIS 4.6, CloudWatch.6). */
export const CIS_SIGN_IN_FAILURES = {
  cis: "4.6",
  securityHub: "CloudWatch.6",
  title: "Console authentication failures",
};
/** Unauthorized API calls (CIS 4.1, CloudWatch.2). */
export const CIS_UNAUTHORIZED_CALLS = {
  cis: "4.1",
  securityHub: "CloudWatch.2",
  title: "Unauthorized API calls",
};
/**
 * IAM policy changes (CIS 4.4, CloudWatch.4) and security-group changes (CIS 4.10, CloudWatch.10):
 * the spokes forward every IAM change and every security-group change; these name the calls the
 * controls list.
 */
export const IAM_POLICY_EVENT_NAMES = [
  "DeleteGroupPolicy",
  "DeleteRolePolicy",
  "DeleteUserPolicy",
  "PutGroupPolicy",
  "PutRolePolicy",
  "PutUserPolicy",
  "CreatePolicy",
  "DeletePolicy",
  "CreatePolicyVersion",
  "DeletePolicyVersion",
  "SetDefaultPolicyVersion",
  "AttachRolePolicy",
  "DetachRolePolicy",
  "AttachUserPolicy",
  "DetachUserPolicy",
  "AttachGroupPolicy",
  "DetachGroupPolicy",
];
export const CIS_IAM_POLICY_CHANGES = {
  cis: "4.4",
  securityHub: "CloudWatch.4",
  title: "IAM policy changes",
};
export const CIS_SECURITY_GROUP_CHANGES = {
  cis: "4.10",
  securityHub: "CloudWatch.10",
  title: "Security group changes",
};

/** The change control (table row) that watches this call, if any. */
export function cisControlOf(
  eventSource: string | undefined,
  eventName: string | undefined,
): CisControl | undefined {
  if (!eventSource || !eventName) return undefined;
  return [...CIS_CHANGE_CONTROLS, CIS_ORGANIZATIONS_CONTROL].find(
    (c) => c.eventSource === eventSource && c.eventNames.includes(eventName),
  );
}
