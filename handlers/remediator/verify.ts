// Step: re-read the group after the change, so success is never reported for a change that did not
// stick (EC2 acknowledged it but another writer put the rule back, or the call was not applied).
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import { PrefixLists, describePermissions, findOffendingPermissions } from "./permissions";
import { readGroup } from "./readGroup";
import type { WorldPrefixes } from "../shared/world";

export async function verifyClosed(
  ec2: EC2Client,
  ctx: StepContext,
  lists: PrefixLists,
  world: WorldPrefixes,
): Promise<void> {
  const after = await readGroup(ec2, ctx, "verify");
  const still = findOffendingPermissions(after?.IpPermissions, lists, world);
  if (still.length > 0) {
    throw remediationError("verify", ctx.target, `still open after revoke: ${describePermissions(still)}`);
  }
}
