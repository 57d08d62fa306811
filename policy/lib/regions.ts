// Where a resource lives: its own `region` input (aws v7 per-resource region) wins, else its
// provider's `region`.
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { T } from "./types";
import { isRecord, isUnknown, maybeJson, nonEmptyString, plain, Unknown, UNKNOWN } from "./values";

export function providerRegion(provider: PolicyProviderResource | undefined): string | Unknown | undefined {
  if (!provider) return undefined;
  const r = plain(() => provider.props.region);
  if (isUnknown(r)) return UNKNOWN;
  return nonEmptyString(r) ? r : undefined;
}

/** `props` must already be plain (see values.plainProps). */
export function regionOf(
  props: Record<string, unknown>,
  provider: PolicyProviderResource | undefined,
): string | Unknown | undefined {
  const own = props.region;
  if (isUnknown(own)) return UNKNOWN;
  if (nonEmptyString(own)) return own;
  return providerRegion(provider);
}

/**
 * The stack's configured regions: the `region` of every AWS provider in the stack (one per
 * region), plus the regions of providers attached to resources (some engine paths omit provider
 * resources from the stack list).
 */
export function configuredRegions(resources: PolicyResource[]): string[] {
  const regions = new Set<string>();
  for (const r of resources) {
    if (r.type === T.provider) {
      const reg = plain(() => r.props.region);
      if (nonEmptyString(reg)) regions.add(reg);
    }
    const pr = providerRegion(r.provider);
    if (nonEmptyString(pr) && r.provider?.type === T.provider) regions.add(pr);
  }
  return [...regions].sort();
}

const ACCOUNT_IN_ARN = /^arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/;

/** Account ids a provider deploys into: `allowedAccountIds`, or the account of its assumed role. */
export function providerAccounts(provider: PolicyProviderResource | undefined): string[] {
  if (!provider) return [];
  const out = new Set<string>();
  const allowed = maybeJson(plain(() => provider.props.allowedAccountIds));
  if (Array.isArray(allowed)) for (const a of allowed) if (typeof a === "string") out.add(a);
  const roles = maybeJson(plain(() => provider.props.assumeRoles ?? provider.props.assumeRole));
  for (const role of Array.isArray(roles) ? roles : [roles]) {
    if (isRecord(role) && typeof role.roleArn === "string") {
      const m = ACCOUNT_IN_ARN.exec(role.roleArn);
      if (m) out.add(m[1]);
    }
  }
  return [...out];
}
