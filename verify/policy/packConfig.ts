// Reads a policy pack config file in the format `pulumi preview --policy-pack-config FILE` takes
// (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/), so the offline runner
// applies the same enforcement levels and settings as the engine:
//   { "all": "advisory", "lambda-runtime-pinned": { "enforcementLevel": "mandatory", "allowedRuntimes": ["nodejs22.x"] } }
import * as fs from "fs";
import { OfflineEnforcementLevel, OfflineOptions, policyNames } from "./offline";

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

export function parsePackConfig(json: unknown, source = "policy pack config"): OfflineOptions {
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw new Error(`${source}: must be a JSON object`);
  const names = policyNames();
  const entries = Object.entries(json as Record<string, unknown>);
  const levelOf = (key: string, v: unknown): OfflineEnforcementLevel => {
    if (typeof v !== "string" || !LEVELS.includes(v)) {
      throw new Error(
        `${source}: "${key}": enforcement level ${JSON.stringify(v)} is not one of ${LEVELS.join(", ")}`,
      );
    }
    // The engine treats remediate as mandatory for a policy that only validates.
    return (v === "remediate" ? "mandatory" : v) as OfflineEnforcementLevel;
  };
  const enforcementLevels: Record<string, OfflineEnforcementLevel> = {};
  const config: Record<string, Record<string, unknown>> = {};
  const all = entries.find(([k]) => k === "all")?.[1];
  if (all !== undefined) {
    const level = levelOf(
      "all",
      typeof all === "object" && all ? (all as { enforcementLevel?: unknown }).enforcementLevel : all,
    );
    for (const n of names) enforcementLevels[n] = level;
  }
  for (const [key, value] of entries) {
    if (key === "all") continue;
    if (!names.includes(key))
      throw new Error(`${source}: "${key}" is not a policy of this pack (${names.join(", ")})`);
    if (typeof value === "string") enforcementLevels[key] = levelOf(key, value);
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...props } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined) enforcementLevels[key] = levelOf(key, enforcementLevel);
      config[key] = props;
    } else throw new Error(`${source}: "${key}" must be an enforcement level or an object`);
  }
  return { enforcementLevels, config };
}

export function readPackConfig(file: string): OfflineOptions {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read policy pack config: ${(err as Error).message}`);
  }
  return parsePackConfig(json, file);
}
