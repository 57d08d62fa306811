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

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return `a ${typeof v}`;
}

/** The value at a dotted path ("detail.userIdentity.type"), or undefined if any step is absent. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * A string at `path` (numbers are accepted and converted: account ids sometimes arrive as numbers).
 * Absent/null gives undefined (a problem only when `required`); any other type is a problem.
 * `label` is how the path is named in problems (defaults to the path itself).
 */
export function str(
  obj: unknown,
  path: string,
  problems: Problems,
  required = false,
  label = path,
): string | undefined {
  const v = at(obj, path);
  if (typeof v === "string") {
    if (v.trim() === "") {
      if (required) problems.list.push(`${label} is empty`);
      return undefined;
    }
    return v;
  }
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (v === undefined || v === null) {
    if (required) problems.list.push(`${label} is missing`);
    return undefined;
  }
  problems.list.push(`${label} is ${typeName(v)}, expected a string`);
  return undefined;
}

/** A finite number at `path` (numeric strings accepted); other types are a problem. */
export function num(obj: unknown, path: string, problems: Problems, label = path): number | undefined {
  const v = at(obj, path);
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
  const v = at(o, path);
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
  const v = at(o, path);
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return undefined;
  problems.list.push(`${label} is ${typeName(v)}, expected an array`);
  return undefined;
}

/**
 * CloudTrail's list wrapper: `{ items: [...] }` in EC2 request parameters. Also accepts a bare
 * array (some SDK-shaped events) so summaries do not depend on which form arrived.
 */
export function items(o: unknown, path: string, problems: Problems): unknown[] {
  const v = at(o, path);
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (isObject(v)) {
    if (v.items === undefined || v.items === null) return [];
    if (Array.isArray(v.items)) return v.items;
  }
  problems.list.push(`${path} is ${typeName(v)}, expected {items: [...]}`);
  return [];
}
