// The notifier's incident settings (stack config `incidents`): where incidents are kept and how
// long an incident takes new signals.
import { DEFAULT_JOIN_WINDOW_SECONDS } from "./state";

export interface IncidentSettings {
  /** DynamoDB table of incidents (partition key "id", TTL attribute "expiresAt"). */
  tableName: string;
  /** How long after its last signal an incident takes new ones (default 86,400 s). */
  windowSeconds?: number;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Every problem with incident settings, each naming the key; [] when valid. */
export function validateIncidentSettings(v: unknown): string[] {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return ["incidents must be an object with tableName when given"];
  const x = v as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof x.tableName !== "string" || !TABLE_NAME.test(x.tableName))
    problems.push(`incidents.tableName must be a DynamoDB table name, got ${JSON.stringify(x.tableName)}`);
  if (
    x.windowSeconds !== undefined &&
    !(typeof x.windowSeconds === "number" && Number.isInteger(x.windowSeconds) && x.windowSeconds >= 60)
  )
    problems.push(
      `incidents.windowSeconds must be an integer of at least 60, got ${JSON.stringify(x.windowSeconds)}`,
    );
  return problems;
}

export { DEFAULT_JOIN_WINDOW_SECONDS };
