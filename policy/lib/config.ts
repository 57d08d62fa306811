// Policy config with the schema's defaults filled in. The Pulumi CLI applies schema defaults before
// it configures a pack, but policies also run through our offline runner and unit tests, so every
// policy reads its config through this helper and never depends on who filled the defaults.
import type { PolicyConfigSchema } from "@pulumi/policy";

export function configWithDefaults<T extends object>(
  schema: PolicyConfigSchema | undefined,
  given: object | undefined,
): T {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (typeof prop === "object" && prop.default !== undefined) out[key] = structuredClone(prop.default);
  }
  for (const [key, value] of Object.entries(given ?? {})) {
    if (key !== "enforcementLevel" && value !== undefined) out[key] = value;
  }
  return out as T;
}
