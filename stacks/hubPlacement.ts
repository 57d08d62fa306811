// What a hub component needs to know about where it runs and whom it serves, instead of the whole
// hub configuration: a component's arguments then say what it depends on, and it can be built and
// tested on its own.
import { HubConfig } from "./configSchema";
import { partitionOf } from "./regions";

/** The hub's account, Region (its first) and partition. */
export interface HubPlacement {
  accountId: string;
  region: string;
  partition: string;
}

/** Who counts as "an account of ours": the organization, or the explicit member list. */
export type OrgScope = Pick<HubConfig, "accountId" | "memberAccounts" | "organizationId">;

export function hubPlacement(config: HubConfig): HubPlacement {
  return {
    accountId: config.accountId,
    region: config.regions[0],
    partition: partitionOf(config.regions[0]),
  };
}

export function orgScope(config: HubConfig): OrgScope {
  return {
    accountId: config.accountId,
    memberAccounts: config.memberAccounts,
    ...(config.organizationId ? { organizationId: config.organizationId } : {}),
  };
}
