// Who made a CloudTrail call, from `userIdentity`
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
// Fields vary by identity type: `userName` is absent for assumed roles, AWS services, and even for
// some IAM user events, so every branch falls back to the ARN or principal id.
import { Problems, str } from "./read";

export interface Actor {
  /** Short human description: "IAM user alice", "role Admin (session bob@example.com)". */
  summary: string;
  /** The ARN or principal id behind it, when known. */
  principal?: string;
  type: string;
}

/** Last path segment of an ARN resource ("arn:aws:iam::1:user/dev/alice" gives "alice"). */
function lastSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const seg = arn.split("/").pop();
  return seg && seg !== arn ? seg : undefined;
}

export function describeActor(detail: unknown, problems: Problems): Actor {
  const p = "detail.userIdentity";
  const type = str(detail, "userIdentity.type", problems, true, `${p}.type`);
  const arn = str(detail, "userIdentity.arn", problems, false, `${p}.arn`);
  const principalId = str(detail, "userIdentity.principalId", problems, false, `${p}.principalId`);
  const accountId = str(detail, "userIdentity.accountId", problems, false, `${p}.accountId`);
  const userName = str(detail, "userIdentity.userName", problems, false, `${p}.userName`);
  const invokedBy = str(detail, "userIdentity.invokedBy", problems, false, `${p}.invokedBy`);
  const issuerName = str(
    detail,
    "userIdentity.sessionContext.sessionIssuer.userName",
    problems,
    false,
    `${p}.sessionContext.sessionIssuer.userName`,
  );
  const issuerType = str(
    detail,
    "userIdentity.sessionContext.sessionIssuer.type",
    problems,
    false,
    `${p}.sessionContext.sessionIssuer.type`,
  );
  const principal = arn ?? principalId;
  const via = invokedBy ? ` via ${invokedBy}` : "";

  switch (type) {
    case "IAMUser": {
      const name = userName ?? lastSegment(arn) ?? principalId ?? "unknown";
      return { type, principal, summary: `IAM user ${name}${via}` };
    }
    case "AssumedRole": {
      // arn:aws:sts::<account>:assumed-role/<role>/<session>
      const [, roleFromArn, session] = (arn ?? "").split("/");
      const role =
        issuerName ??
        roleFromArn ??
        lastSegment(
          str(
            detail,
            "userIdentity.sessionContext.sessionIssuer.arn",
            problems,
            false,
            `${p}.sessionContext.sessionIssuer.arn`,
          ),
        ) ??
        "unknown role";
      const sessionText = session ? ` (session ${session})` : "";
      return { type, principal, summary: `role ${role}${sessionText}${via}` };
    }
    case "Root":
      return { type, principal, summary: `root user of account ${accountId ?? "unknown"}${via}` };
    case "AWSService":
      return {
        type,
        principal: invokedBy ?? principal,
        summary: `AWS service ${invokedBy ?? principalId ?? "unknown"}`,
      };
    case "FederatedUser": {
      // arn:aws:sts::<account>:federated-user/<name>; the issuer is the IAM user or root that federated.
      const name = lastSegment(arn) ?? principalId?.split(":").pop() ?? "unknown";
      const issuer = issuerName ? ` (via ${issuerType === "Root" ? "root" : `IAM user ${issuerName}`})` : "";
      return { type, principal, summary: `federated user ${name}${issuer}${via}` };
    }
    case "AWSAccount":
      return { type, principal, summary: `AWS account ${accountId ?? principalId ?? "unknown"}${via}` };
    case "IdentityCenterUser":
    case "SAMLUser":
    case "WebIdentityUser": {
      const name = userName ?? principalId ?? lastSegment(arn) ?? "unknown";
      return { type, principal, summary: `${type} ${name}${via}` };
    }
    case undefined:
      return {
        type: "unknown",
        principal,
        summary: principal ? `unknown identity ${principal}` : "unknown identity",
      };
    default:
      return {
        type,
        principal,
        summary: `${type} ${userName ?? lastSegment(arn) ?? principalId ?? "unknown"}${via}`,
      };
  }
}
