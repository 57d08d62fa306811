// The IAM role or user a CloudTrail IAM call acts on. The call names it by name only
// (requestParameters.roleName / userName), so the resource is recorded with the ARN that name has
// in the event's account: the notifier then reads its owner tag with IAM ListRoleTags /
// ListUserTags, which take the name alone
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html).
import { Json, own } from "../../parse";
import type { Resource } from "../../model";

type Kind = "role" | "user";

const KINDS: Record<Kind, { parameter: string; type: string }> = {
  role: { parameter: "roleName", type: "AWS::IAM::Role" },
  user: { parameter: "userName", type: "AWS::IAM::User" },
};

/**
 * The IAM calls about one role or user, by event name: which one, named by KINDS' parameter.
 * Left out: DeleteRole, DeleteServiceLinkedRole and DeleteUser (the role or user, and its tags, are
 * gone when the notifier would read them, so the lookup could only fail), UpdateUser (a rename:
 * userName is the old name), CreateServiceLinkedRole (names the service, not the role).
 * Access-key calls without userName act on the calling user: their resource stays the access key.
 */
export const IAM_PRINCIPAL_CALLS: Readonly<Record<string, Kind>> = {
  CreateRole: "role",
  UpdateRole: "role",
  UpdateRoleDescription: "role",
  UpdateAssumeRolePolicy: "role",
  AttachRolePolicy: "role",
  DetachRolePolicy: "role",
  PutRolePolicy: "role",
  DeleteRolePolicy: "role",
  PutRolePermissionsBoundary: "role",
  DeleteRolePermissionsBoundary: "role",
  TagRole: "role",
  UntagRole: "role",
  AddRoleToInstanceProfile: "role",
  RemoveRoleFromInstanceProfile: "role",
  CreateUser: "user",
  AttachUserPolicy: "user",
  DetachUserPolicy: "user",
  PutUserPolicy: "user",
  DeleteUserPolicy: "user",
  PutUserPermissionsBoundary: "user",
  DeleteUserPermissionsBoundary: "user",
  TagUser: "user",
  UntagUser: "user",
  AddUserToGroup: "user",
  RemoveUserFromGroup: "user",
  CreateAccessKey: "user",
  UpdateAccessKey: "user",
  DeleteAccessKey: "user",
  CreateLoginProfile: "user",
  UpdateLoginProfile: "user",
  DeleteLoginProfile: "user",
  EnableMFADevice: "user",
  DeactivateMFADevice: "user",
  ResyncMFADevice: "user",
  UploadSSHPublicKey: "user",
  UpdateSSHPublicKey: "user",
  DeleteSSHPublicKey: "user",
  UploadSigningCertificate: "user",
  UpdateSigningCertificate: "user",
  DeleteSigningCertificate: "user",
  CreateServiceSpecificCredential: "user",
  UpdateServiceSpecificCredential: "user",
  ResetServiceSpecificCredential: "user",
  DeleteServiceSpecificCredential: "user",
};

// IAM names and paths (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html):
// anything else is not put in an ARN.
const NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/(?:[\w+=,.@-]+\/)*$/;
/** "aws", "aws-cn", "aws-us-gov", ... */
const PARTITION = /^aws(-[a-z]+)*$/;

/**
 * The role or user `eventName` acts on, in `account`: its name as uid and its ARN as uid_alt, or
 * undefined when the call is not about one role or user (or names it not at all).
 */
export function iamPrincipalResource(
  eventName: string | undefined,
  params: Json | undefined,
  account: string | undefined,
  partition: string | undefined,
): Resource | undefined {
  const kind = own(IAM_PRINCIPAL_CALLS, eventName);
  if (!kind) return undefined;
  const { parameter, type } = KINDS[kind];
  const name = params?.[parameter];
  if (typeof name !== "string" || !NAME.test(name)) return undefined;
  if (!account || !/^\d{12}$/.test(account) || !partition || !PARTITION.test(partition))
    return { uid: name, type };
  // Only CreateRole and CreateUser carry the path; other calls' ARNs leave it out (the role's own
  // ARN may then differ), which the tag listings do not mind: they take the name alone.
  const path = typeof params?.path === "string" && PATH.test(params.path) ? params.path : "/";
  return { uid: name, uid_alt: `arn:${partition}:iam::${account}:${kind}${path}${name}`, type };
}
