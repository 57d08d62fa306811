// Parsing untrusted event JSON with valibot schemas, leniently: a field of the wrong type is reported
// ("detail.eventName is an object, expected a string") and dropped, the rest is still read, so one
// bad field never loses the event. Required fields are checked after parsing ("... is missing",
// "... is empty"). Valibot, not zod or the Powertools parser: Lambda packages here are not bundled,
// and valibot adds 1.8 MB and 1.7x a bare cold start against zod's 6 MB and 4.2x (bench/RESULTS.md).
//
// Schemas are built inside functions, per call, never held at module level: the deployed function
// is serialized by Pulumi's closure serializer, which would copy a module-level schema object (and
// valibot's internals with it) by value; a function that calls `v.object` serializes as a require.
import * as v from "valibot";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a number", "an object", "null": what a value is, for problems. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** `table[key]` only when it is the table's own entry (event values such as "__proto__" find nothing). */
export function own<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

// Field builders: every field is optional in the schema (required ones are checked afterwards), and
// each names what it expected, which the problem quotes.

/** `schema`, with null read as absent (CloudTrail and Config write null for "not recorded"). */
function orNull<S extends v.GenericSchema>(schema: S) {
  return v.optional(
    v.pipe(
      v.nullable(schema),
      v.transform((x) => (x === null ? undefined : x) as v.InferOutput<S> | undefined),
    ),
  );
}

/** A string; blank means absent (events write "" for "not recorded"). */
export function text() {
  return v.optional(
    v.pipe(
      v.nullable(v.string("a string")),
      v.transform((s) => (s === null || s.trim() === "" ? undefined : s)),
    ),
  );
}

/** A number, or a string holding one (some sources quote numbers). */
export function number() {
  return orNull(
    v.union(
      [
        v.pipe(v.number(), v.finite()),
        v.pipe(
          v.string(),
          v.check((s) => s.trim() !== "" && Number.isFinite(Number(s))),
          v.transform(Number),
        ),
      ],
      "a number",
    ),
  );
}

export function bool() {
  return orNull(v.boolean("a boolean"));
}

/** An object with the given fields (others are dropped). */
export function object<E extends v.ObjectEntries>(entries: E) {
  return orNull(v.object(entries, "an object"));
}

/** An object whose fields are kept as they are (request parameters, free-form details). */
export function anyObject() {
  return orNull(v.record(v.string(), v.unknown(), "an object"));
}

export function list<T extends v.GenericSchema>(item: T) {
  return orNull(v.array(item, "an array"));
}

/** Any JSON value, unchecked (read with the guards above). */
export function anything() {
  return v.optional(v.unknown());
}

function label(prefix: string, path: readonly unknown[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function keyPath(issue: v.BaseIssue<unknown>): unknown[] {
  return (issue.path ?? []).map((p) => p.key);
}

/** A copy of `input` with the value at `path` removed (objects and arrays on the way copied). */
function without(input: unknown, path: unknown[]): unknown {
  if (!path.length) return undefined;
  const [key, ...rest] = path;
  if (Array.isArray(input) && typeof key === "number") {
    const copy = [...input];
    copy[key] = without(copy[key], rest);
    return copy;
  }
  if (isObject(input) && typeof key === "string") return { ...input, [key]: without(input[key], rest) };
  return input;
}

export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
  }
  return cur;
}

export interface ParseOptions {
  /** Problems are added here, in schema order, then required fields in the order given. */
  problems: string[];
  /** Prefix for field names in problems ("detail" when `input` is an EventBridge detail). */
  prefix?: string;
  /** Dotted paths (relative to input) that must hold a value: "eventName", "userIdentity.type". */
  required?: readonly string[];
}

/**
 * `input` parsed by `schema`: fields of the wrong type are reported and left out; then every
 * required path without a value is reported as missing (or empty). Never throws for bad content.
 */
export function parseLenient<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  opts: ParseOptions,
): v.InferOutput<S> {
  const prefix = opts.prefix ?? "";
  const reported = new Set<string>();
  let current = input;
  let output: v.InferOutput<S> | undefined;
  // Each round drops at least one bad value, so this ends; the bound guards a schema bug.
  for (let round = 0; round < 50 && output === undefined; round++) {
    const result = v.safeParse(schema, current, { abortEarly: false });
    if (result.success) {
      output = result.output;
      break;
    }
    let dropped = false;
    for (const issue of result.issues) {
      const path = keyPath(issue);
      if (!path.length) continue;
      const name = label(prefix, path);
      if (!reported.has(name)) {
        reported.add(name);
        opts.problems.push(`${name} is ${typeName(issue.input)}, expected ${issue.message}`);
      }
      current = without(current, path);
      dropped = true;
    }
    if (!dropped) break;
  }
  const out = (output ?? {}) as v.InferOutput<S>;
  for (const path of opts.required ?? []) {
    if (valueAt(out, path) !== undefined) continue;
    const name = label(prefix, path.split("."));
    if ([...reported].some((r) => name === r || name.startsWith(`${r}.`))) continue;
    const raw = valueAt(input, path);
    opts.problems.push(typeof raw === "string" ? `${name} is empty` : `${name} is missing`);
  }
  return out;
}

/**
 * An EventBridge event around `detail` (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html):
 * the envelope's fields every source may fall back on (account, region, time, id, resources).
 */
export function eventBridgeEvent<D extends v.GenericSchema>(detail: D) {
  return v.object({
    id: text(),
    "detail-type": text(),
    source: text(),
    account: text(),
    time: text(),
    region: text(),
    resources: list(v.unknown()),
    detail,
  });
}

/** Whether `payload` is an EventBridge event of `detailType` (and `source`, when given). */
export function isEventBridge(payload: Json, detailType: string, source?: string): boolean {
  return payload["detail-type"] === detailType && (source === undefined || payload.source === source);
}
