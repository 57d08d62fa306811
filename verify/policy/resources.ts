// What the mock runtime recorded, in the shape the policy pack sees (the engine's PolicyResource data).
import { MockedResource } from "../mockRuntime";

/** Plain data only: assets and archives (the Lambda code) become a marker, as the engine shows them. */
function plainData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainData);
  if (v && typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return { [v.constructor.name]: true };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainData(x);
    return out;
  }
  return v;
}

/** Converts what the mock runtime recorded into what the policy pack sees. */
export function toPolicyResources(resources: MockedResource[]) {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: plainData(r.props) as Record<string, unknown>,
    parent: r.parent,
    provider: r.provider,
    dependencies: r.dependencies,
    opts: r.opts,
  }));
}
