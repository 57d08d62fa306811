// The organizational units an account is in: Organizations ListParents from the account up to the
// root, nearest first ("ou-a1b2-inner", "ou-a1b2-outer", "r-a1b2"). ListParents answers in the
// management account and in an account the management account delegated Organizations to
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html); an account
// or OU has exactly one parent, so the walk is one call per level (OUs nest at most five deep).
import { ListParentsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";

/** The account's parents, nearest first, ending with the root. */
export type ParentLookup = (accountId: string, signal: AbortSignal) => Promise<string[]>;

/** One level more than OUs may nest, so a malformed answer cannot loop forever. */
const MAX_DEPTH = 7;

export function organizationParents(): ParentLookup {
  return async (accountId, signal) => {
    // Organizations is a global service with its endpoint in us-east-1.
    const client = new OrganizationsClient({ region: "us-east-1", maxAttempts: 1 });
    try {
      const path: string[] = [];
      let child = accountId;
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const out = await client.send(new ListParentsCommand({ ChildId: child }), { abortSignal: signal });
        const parent = out.Parents?.[0];
        if (!parent?.Id) throw new Error(`ListParents of ${child} named no parent`);
        path.push(parent.Id);
        if (parent.Type === "ROOT") return path;
        child = parent.Id;
      }
      throw new Error(`${accountId} is more than ${MAX_DEPTH} levels below the root`);
    } finally {
      client.destroy();
    }
  };
}
