// Step: act as the spoke's remediation role (also when the event's account is the hub's own, so the
// function never acts with its own, broader identity).
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { errorText } from "../shared/errors";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import { clientConfig } from "./retry";
import { roleArn, roleSessionName } from "./target";

export interface SpokeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export async function assumeSpokeRole(
  ctx: StepContext,
  role: { partition: string; roleName: string; eventId?: string },
): Promise<SpokeCredentials> {
  const arn = roleArn(role.partition, ctx.target.accountId, role.roleName);
  const sts = new STSClient(clientConfig(ctx.requestTimeoutMs));
  try {
    const out = await ctx.call("assume-role", "sts:AssumeRole", (abortSignal) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: roleSessionName(role.eventId),
          DurationSeconds: 900,
        }),
        { abortSignal },
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error("AssumeRole returned no credentials");
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } catch (err) {
    throw remediationError("assume-role", ctx.target, `sts:AssumeRole ${arn}: ${errorText(err)}`, err);
  } finally {
    sts.destroy();
  }
}
