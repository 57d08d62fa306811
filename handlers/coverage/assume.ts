// A read session in another account: sts:AssumeRole from the caller's session (the user's
// credentials for npm run coverage, the liveness function's role in the hub).
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { ReadSession } from "./detectors";

export async function assumeReadRole(
  roleArn: string,
  sessionName: string,
  from: ReadSession = {},
  abortSignal?: AbortSignal,
): Promise<ReadSession> {
  const sts = new STSClient({ region: "us-east-1", credentials: from.credentials });
  const c = (
    await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }), { abortSignal })
  ).Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  return {
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    },
  };
}
