// The organization's active accounts. ListAccounts answers in the management account and in an
// account the management account delegated AWS Organizations to with a resource-based delegation
// policy (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html).
import {
  ListAccountsCommand,
  ListAccountsCommandOutput,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import type { ReadSession } from "./detectors";

export interface OrgAccount {
  id: string;
  name: string;
}

export async function listOrganizationAccounts(
  session: ReadSession,
  abortSignal?: AbortSignal,
): Promise<OrgAccount[]> {
  // Organizations is a global service with its endpoint in us-east-1.
  const client = new OrganizationsClient({ region: "us-east-1", credentials: session.credentials });
  const out: OrgAccount[] = [];
  let NextToken: ListAccountsCommandOutput["NextToken"];
  do {
    const page = await client.send(new ListAccountsCommand({ NextToken }), { abortSignal });
    for (const a of page.Accounts ?? []) {
      // Suspended and closing accounts run nothing to watch.
      if (a.Id && (a.State ?? a.Status) === "ACTIVE") out.push({ id: a.Id, name: a.Name ?? a.Id });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** The scaffolding command for an account's spoke stack (npm run account:add). */
export function accountAddCommand(account: OrgAccount, regions: string[]): string {
  const slug =
    account.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || account.id;
  return `npm run account:add -- --account ${account.id} --name ${slug} --regions ${(regions.length ? regions : ["us-east-1"]).join(",")}`;
}
