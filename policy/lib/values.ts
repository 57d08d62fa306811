// Reading resource props safely. During `pulumi preview` some inputs are not known yet: the policy
// SDK wraps props in a proxy that throws `UnknownValueError` on access, and raw values may still
// carry the engine's unknown sentinels. A policy should treat "unknown" as "cannot judge", not as a
// violation, so we copy props into plain data where every unknown becomes the UNKNOWN marker.

/** Marker for a value that is not known until the update runs. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** The engine's unknown sentinels (@pulumi/policy proxy.js and @pulumi/pulumi runtime/rpc.js). */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Pulumi's wire signature for secrets: `{ [SIG]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Duck-typed so it works whichever copy of @pulumi/policy created the error. */
export function isUnknownValueError(e: unknown): boolean {
  return (
    e instanceof Error &&
    (e.constructor?.name === "UnknownValueError" || "unknownTypeSentinel" in (e as object))
  );
}

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

export function isUnknownSentinel(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

const MAX_DEPTH = 64;

/** Calls `read` and returns its result as plain data, unknowns (at any depth) replaced by UNKNOWN. */
export function plain(read: () => unknown, depth = 0): unknown {
  let v: unknown;
  try {
    v = read();
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
  if (isUnknownSentinel(v)) return UNKNOWN;
  if (depth > MAX_DEPTH || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const arr = v as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < arr.length; i++) out.push(plain(() => arr[i], depth + 1));
    return out;
  }
  const obj = v as Record<string, unknown>;
  if (plain(() => obj[SIG_KEY]) === SECRET_SIG) return plain(() => obj.value, depth + 1);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) out[k] = plain(() => obj[k], depth + 1);
  return out;
}

/** Props of a resource as plain data (see `plain`). */
export function plainProps(props: Record<string, unknown>): Record<string, unknown> {
  const p = plain(() => props);
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Bridged providers sometimes flatten a max-1 block to an object, sometimes keep a 1-item list. */
export function block(v: unknown): Record<string, unknown> | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.length > 0 ? block(v[0]) : undefined;
  return isRecord(v) ? v : undefined;
}

/** A list input: `undefined` when absent, UNKNOWN when the list itself is unknown. */
export function list(v: unknown): unknown[] | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v : [v];
}

/** Provider state stores non-string config (e.g. `assumeRoles`) as JSON text: decode it if so. */
export function maybeJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!t.startsWith("[") && !t.startsWith("{")) return v;
  try {
    return plain(() => JSON.parse(t));
  } catch {
    return v;
  }
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === "string" && v.trim().length > 0;
}
