// Helpers for stack policies over PolicyResource lists.
import type { PolicyResource } from "@pulumi/policy";
import { plainProps } from "./values";

export interface PlainResource {
  resource: PolicyResource;
  props: Record<string, unknown>;
}

export function ofType(resources: PolicyResource[], ...types: string[]): PlainResource[] {
  return resources
    .filter((r) => types.includes(r.type))
    .map((resource) => ({ resource, props: plainProps(resource.props) }));
}

/** True when `from` depends on `to` (directly, or through the given property). */
export function dependsOn(from: PolicyResource, to: PolicyResource, property?: string): boolean {
  if ((from.dependencies ?? []).includes(to)) return true;
  const byProp = from.propertyDependencies ?? {};
  if (property) return (byProp[property] ?? []).includes(to);
  return Object.values(byProp).some((deps) => deps.includes(to));
}

/** True when `r` is `ancestor` or one of its descendants (component children). */
export function isWithin(r: PolicyResource, ancestor: PolicyResource): boolean {
  for (let cur: PolicyResource | undefined = r; cur; cur = cur.parent) if (cur === ancestor) return true;
  return false;
}
