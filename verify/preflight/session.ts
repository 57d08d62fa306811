// The deploy-role session preflight works in: the user's credentials (standard credential chain;
// AWS_ENDPOINT_URL is honoured by every SDK v3 client) assume the stack's deploy role exactly as
// the stack's provider does (same role ARN, same session name), and the session must land in the
// stack's account (the provider's allowedAccountIds).
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { errorText } from "../../handlers/shared/errors";
import { DEPLOY_SESSION_NAME } from "../../stacks/providers";
import { Finding } from "./findings";

export interface DeploySession {
  credentials: AwsCredentialIdentity;
  /** Client options for any SDK v3 client in a region of this session. */
  client(region: string): { region: string; credentials: AwsCredentialIdentity };
}

/** Assumes the deploy role; a finding instead when it cannot be assumed or lands elsewhere. */
export async function assumeDeployRole(
  roleArn: string,
  account: string,
  region: string,
): Promise<{ session: DeploySession } | { finding: Finding }> {
  const base = { check: "deploy-role", account, region: "global", resource: roleArn, blocks: true };
  const fix =
    `roll out the deploy role to account ${account} (npm run preflight -- --stack <stack> --deploy-policy prints its ` +
    `policy) with a trust that admits your identity, or set security-guard:deployRoleArn to the role you use`;
  let credentials: AwsCredentialIdentity;
  try {
    const sts = new STSClient({ region });
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: DEPLOY_SESSION_NAME }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
    credentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (err) {
    return {
      finding: { ...base, message: `your credentials cannot assume the deploy role: ${errorText(err)}`, fix },
    };
  }
  try {
    const who = await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}));
    if (who.Account !== account) {
      return {
        finding: {
          ...base,
          message: `the deploy role session is in account ${who.Account}, not ${account}: the provider refuses it (allowedAccountIds)`,
          fix: `set security-guard:deployRoleArn to a role in account ${account}`,
        },
      };
    }
  } catch (err) {
    return { finding: { ...base, message: `the deploy role session does not work: ${errorText(err)}`, fix } };
  }
  return { session: { credentials, client: (r) => ({ region: r, credentials }) } };
}
