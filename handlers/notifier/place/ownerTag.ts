// The owner of a resource: the value of its first owner tag key (ownerTagKeys, in order) that it
// carries. Keys match ignoring case, because teams spell the same key "Owner", "owner" and "OWNER"
// across accounts and AWS tag keys are case-sensitive, so a strict match would miss most of them.
import type { Resource } from "../../findings/model";

export interface OwnerTag {
  owner: string;
  /** The tag key as the resource spells it. */
  key: string;
}

/** The owner named by `tags` under the first of `keys` present (ignoring case); blank values do not count. */
export function ownerFromTags(
  tags: Record<string, string> | undefined,
  keys: readonly string[],
): OwnerTag | undefined {
  if (!tags) return undefined;
  const entries = Object.entries(tags);
  for (const want of keys) {
    const hit = entries.find(([k, v]) => k.toLowerCase() === want.toLowerCase() && v.trim() !== "");
    if (hit) return { owner: hit[1].trim(), key: hit[0] };
  }
  return undefined;
}

/** Whether the event carries the resource's tags at all (then they are not looked up). */
export function carriesTags(r: Resource | undefined): boolean {
  return r?.tags !== undefined;
}
