// Who made a CloudTrail call, from `userIdentity`
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
// Fields vary by identity type: `userName` is absent for assumed roles, AWS services, and even for
// some IAM user events, so every branch falls back to the ARN or principal id.
import type { Actor } from "../../model";
import { object, text } from "../../parse";

export function userIdentitySchema() {
  return object({
    type: text(),
    arn: text(),
    principalId: text(),
    accountId: text(),
    userName: text(),
    invokedBy: text(),
    sessionContext: object({
      sessionIssuer: object({ userName: text(), type: text(), arn: text() }),
    }),
  });
}

export interface UserIdentity {
  type?: string;
  arn?: string;
  principalId?: string;
  accountId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: { sessionIssuer?: { userName?: string; type?: string; arn?: string } };
}

/** Last path segment of an ARN resource ("arn:aws:iam::1:user/dev/alice" gives "alice"). */
function lastSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const seg = arn.split("/").pop();
  return seg && seg !== arn ? seg : undefined;
}

function summary(id: UserIdentity): string {
  const { type, arn, principalId, accountId, userName, invokedBy } = id;
  const issuer = id.sessionContext?.sessionIssuer;
  const principal = arn ?? principalId;
  const via = invokedBy ? ` via ${invokedBy}` : "";
  switch (type) {
    case "IAMUser":
      return `IAM user ${userName ?? lastSegment(arn) ?? principalId ?? "unknown"}${via}`;
    case "AssumedRole": {
      // arn:aws:sts::<account>:assumed-role/<role>/<session>
      const [, roleFromArn, session] = (arn ?? "").split("/");
      const role = issuer?.userName ?? roleFromArn ?? lastSegment(issuer?.arn) ?? "unknown role";
      return `role ${role}${session ? ` (session ${session})` : ""}${via}`;
    }
    case "Root":
      return `root user of account ${accountId ?? "unknown"}${via}`;
    case "AWSService":
      return `AWS service ${invokedBy ?? principalId ?? "unknown"}`;
    case "FederatedUser": {
      // arn:aws:sts::<account>:federated-user/<name>; the issuer is the IAM user or root that federated.
      const name = lastSegment(arn) ?? principalId?.split(":").pop() ?? "unknown";
      const by = issuer?.userName
        ? ` (via ${issuer.type === "Root" ? "root" : `IAM user ${issuer.userName}`})`
        : "";
      return `federated user ${name}${by}${via}`;
    }
    case "AWSAccount":
      return `AWS account ${accountId ?? principalId ?? "unknown"}${via}`;
    case "IdentityCenterUser":
    case "SAMLUser":
    case "WebIdentityUser":
      return `${type} ${userName ?? principalId ?? lastSegment(arn) ?? "unknown"}${via}`;
    case undefined:
      return principal ? `unknown identity ${principal}` : "unknown identity";
    default:
      return `${type} ${userName ?? lastSegment(arn) ?? principalId ?? "unknown"}${via}`;
  }
}

/**
 * The actor of a CloudTrail record: type, a short description, the ARN or principal id behind it
 * (what mute rules match), and the service that called for it.
 */
export function actorOf(id: UserIdentity | undefined): Actor {
  const u = id ?? {};
  const principal = u.arn ?? u.principalId;
  return {
    type: u.type ?? "unknown",
    name: summary(u),
    ...(principal ? { uid: principal } : {}),
    ...(u.invokedBy ? { invoked_by: u.invokedBy } : {}),
  };
}
