// Safe, typed reads from untrusted event JSON. Every read names the path it looked at, so a
// missing or mistyped field becomes a readable problem ("detail.eventName is missing") that is
// logged with the event id and shown on the Slack message, instead of "undefined" in a message.

/** Problems found while reading one event; formatters add to it, the handler logs it. */
export interface Problems {
  list: string[];
}

export function newProblems(): Problems {
  return { list: [] };
}

export type Json = Record<string, unknown>;

/**
 * `table[key]` only when `key` is the table's own entry: event values such as "constructor" or
 * "__proto__" would otherwise find Object's members (CloudTrail records failed calls' parameters
 * verbatim, so any string can arrive).
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A value from an event as text for a message: scalars as given, "?" when absent, JSON otherwise. */
export function shown(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === undefined || v === null) return "?";
  return JSON.stringify(v).slice(0, 200);
}

/** The value at a dotted path ("detail.userIdentity.type"), or undefined if any step is absent. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
  }
  return cur;
}

/**
 * Like `at`, but when a step on the way is present with the wrong type (a string where an object
 * should be), reports that step instead of calling the leaf "missing".
 */
function lookup(
  o: unknown,
  path: string,
  problems: Problems,
  label: string,
): { value: unknown; reported: boolean } {
  const keys = path.split(".");
  let cur: unknown = o;
  for (let i = 0; i < keys.length; i++) {
    if (cur === undefined || cur === null) return { value: undefined, reported: false };
    if (!isObject(cur)) {
      if (i === 0) return { value: undefined, reported: false };
      // Name the bad step using the caller's label prefix (label ends with the same keys as path).
      const prefix = label
        .split(".")
        .slice(0, label.split(".").length - (keys.length - i))
        .join(".");
      const msg = `${prefix} is ${typeName(cur)}, expected an object`;
      if (!problems.list.includes(msg)) problems.list.push(msg);
      return { value: undefined, reported: true };
    }
    cur = Object.hasOwn(cur, keys[i]) ? cur[keys[i]] : undefined;
  }
  return { value: cur, reported: false };
}

/**
 * A non-empty string at `path`. Absent/null gives undefined (a problem only when `required`); any
 * other type is a problem. `label` names the path in problems (defaults to the path itself).
 */
export function str(
  obj: unknown,
  path: string,
  problems: Problems,
  required = false,
  label = path,
): string | undefined {
  const { value: v, reported } = lookup(obj, path, problems, label);
  if (reported) return undefined;
  if (typeof v === "string") {
    if (v.trim() === "") {
      if (required) problems.list.push(`${label} is empty`);
      return undefined;
    }
    return v;
  }
  if (v === undefined || v === null) {
    if (required) problems.list.push(`${label} is missing`);
    return undefined;
  }
  problems.list.push(`${label} is ${typeName(v)}, expected a string`);
  return undefined;
}

/** A finite number at `path` (numeric strings accepted); other types are a problem. */
export function num(obj: unknown, path: string, problems: Problems, label = path): number | undefined {
  const { value: v, reported } = lookup(obj, path, problems, label);
  if (reported) return undefined;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  if (v === undefined || v === null) return undefined;
  problems.list.push(`${label} is ${typeName(v)}, expected a number`);
  return undefined;
}

/** An object at `path`; other types are a problem. */
export function obj(
  o: unknown,
  path: string,
  problems: Problems,
  required = false,
  label = path,
): Json | undefined {
  const { value: v, reported } = lookup(o, path, problems, label);
  if (reported) return undefined;
  if (isObject(v)) return v;
  if (v === undefined || v === null) {
    if (required) problems.list.push(`${label} is missing`);
    return undefined;
  }
  problems.list.push(`${label} is ${typeName(v)}, expected an object`);
  return undefined;
}

/** An array at `path`; other types are a problem. */
export function arr(o: unknown, path: string, problems: Problems, label = path): unknown[] | undefined {
  const { value: v, reported } = lookup(o, path, problems, label);
  if (reported) return undefined;
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return undefined;
  problems.list.push(`${label} is ${typeName(v)}, expected an array`);
  return undefined;
}

/**
 * CloudTrail's list wrapper: `{ items: [...] }` in EC2 request parameters. Also accepts a bare
 * array (some SDK-shaped events) so summaries do not depend on which form arrived.
 */
export function items(o: unknown, path: string, problems: Problems, label = path): unknown[] {
  const v = at(o, path);
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (isObject(v)) {
    if (v.items === undefined || v.items === null) return [];
    if (Array.isArray(v.items)) return v.items;
  }
  problems.list.push(`${label} is ${typeName(v)}, expected {items: [...]}`);
  return [];
}
