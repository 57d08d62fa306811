// The CLI checks (npm run preflight, npm run coverage) against moto with seeded accounts: per test,
// moto and a directory for the stack files the CLI reads, and sessions in the accounts to seed.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { Moto, useMoto } from "./moto";

/** Per test: moto (reset for it) and a fresh temporary directory named `prefix`…, removed afterwards. */
export function useMotoAndStackDir(prefix: string): { moto: Moto; dir: string } {
  const getMoto = useMoto();
  const state = {} as { moto: Moto; dir: string };
  beforeEach(() => {
    state.moto = getMoto();
    state.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => fs.rmSync(state.dir, { recursive: true, force: true }));
  return state;
}

/** Credentials of a session in `account` (moto lets any role be assumed), talking to moto directly. */
export async function seedSession(
  moto: Moto,
  account: string,
): Promise<{ endpoint: string; credentials: AwsCredentialIdentity }> {
  const sts = new STSClient({ endpoint: moto.endpoint, region: "us-east-1" });
  const c = (
    await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: "seed" }),
    )
  ).Credentials!;
  return {
    endpoint: moto.endpoint,
    credentials: {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken,
    },
  };
}
