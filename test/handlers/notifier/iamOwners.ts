// IAM roles and users with owner tags in a moto account, and the Access Analyzer findings that name
// them by ARN: what the owner-routing suites (in process and as deployed) route by IAM tags.
import { CreateRoleCommand, CreateUserCommand, IAMClient, Tag } from "@aws-sdk/client-iam";
import { credsFor } from "../chatops/world";
import { fixture } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited field by field
type Json = Record<string, any>;

/** The trust policy of the roles these suites create (only their tags matter here). */
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Creates role `name` (under `path`) in `account` with `tags`; returns its ARN. */
export async function createTaggedRole(
  account: string,
  name: string,
  tags: Record<string, string>,
  path?: string,
): Promise<string> {
  const iam = new IAMClient({ region: "us-east-1", credentials: await credsFor(account) });
  try {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        Path: path,
        AssumeRolePolicyDocument: TRUST,
        ...(Object.keys(tags).length ? { Tags: tagList(tags) } : {}),
      }),
    );
    return out.Role!.Arn!;
  } finally {
    iam.destroy();
  }
}

/** Creates user `name` in `account` with `tags`; returns its ARN. */
export async function createTaggedUser(
  account: string,
  name: string,
  tags: Record<string, string>,
): Promise<string> {
  const iam = new IAMClient({ region: "us-east-1", credentials: await credsFor(account) });
  try {
    return (await iam.send(new CreateUserCommand({ UserName: name, Tags: tagList(tags) }))).User!.Arn!;
  } finally {
    iam.destroy();
  }
}

/** An Access Analyzer unused-access finding about the IAM role or user `arn` (in its account). */
export function unusedAccessEvent(arn: string, id: string): Json {
  const account = arn.split(":")[4];
  const user = arn.includes(":user/");
  const e = structuredClone(
    fixture(
      `findings/${user ? "access-analyzer-unused-permission" : "access-analyzer-unused-iam-role"}.json`,
    ),
  ) as Json;
  e.id = id;
  e.account = account;
  e.detail.findingId = `${id}-finding`;
  e.detail.resource = arn;
  e.detail.accountId = account;
  e.detail.resourceOwnerAccount = account;
  return e;
}
