// Checks a stack's configuration values against the JSON Schema with Ajv, the validator the JSON
// Schema ecosystem maintains (https://ajv.js.org), and says what is wrong in the user's words: each
// problem names the key, the value and a reason taken from the schema's own annotations.
import Ajv, { ErrorObject } from "ajv";
import { CONFIG_NAMESPACE } from "./configSchema";
import { SCHEMA_ANNOTATIONS, STACK_CONFIG_SCHEMA, SchemaNode } from "./configJsonSchema";

/** One configuration problem: `security-guard:<key> = <value>: <why>`. */
export interface KeyProblem {
  key: string;
  value: unknown;
  why: string;
  /** Never show the value. */
  hidden?: boolean;
}

export function formatProblem(p: KeyProblem): string {
  const shown = p.hidden
    ? '"(secret hidden)"'
    : p.value === undefined
      ? "(not set)"
      : JSON.stringify(p.value);
  return `${CONFIG_NAMESPACE}:${p.key} = ${shown}: ${p.why}`;
}

// allErrors: every problem at once. useDefaults: the schema's defaults are the program's defaults.
// coerceTypes: Pulumi passes top-level values as strings ("90", "true").
const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  useDefaults: true,
  coerceTypes: true,
  strict: true,
  // "required" inside if/then names keys declared by the enclosing schema.
  strictRequired: false,
});
ajv.addVocabulary(SCHEMA_ANNOTATIONS);
const validate = ajv.compile(STACK_CONFIG_SCHEMA);

const definitions = STACK_CONFIG_SCHEMA.definitions as Record<string, SchemaNode>;

/** The schema node of a key in a role's definition (properties, items, additionalProperties). */
export function schemaAt(role: string, segments: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = definitions[role];
  for (const seg of segments) {
    if (!node) return undefined;
    const props = node.properties as Record<string, SchemaNode> | undefined;
    if (props?.[seg]) node = props[seg];
    else if (/^\d+$/.test(seg) && node.items) node = node.items as SchemaNode;
    else if (typeof node.additionalProperties === "object") node = node.additionalProperties as SchemaNode;
    else return undefined;
  }
  return node;
}

/** "slackRoutes", "0", "kinds" -> "slackRoutes[0].kinds" (indexes only where the value is a list). */
export function keyOf(data: unknown, segments: string[]): string {
  let key = "";
  let at: unknown = data;
  for (const seg of segments) {
    key += Array.isArray(at) ? `[${seg}]` : key ? `.${seg}` : seg;
    at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[seg] : undefined;
  }
  return key;
}

const segmentsOf = (instancePath: string): string[] =>
  instancePath === "" ? [] : instancePath.slice(1).split("/").map(decodeURIComponent).map(unescapePointer);
function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

function translate(e: ErrorObject, data: Record<string, unknown>, role: string): KeyProblem | undefined {
  const at = segmentsOf(e.instancePath);
  const own = e.parentSchema as SchemaNode | undefined;
  const problem = (segments: string[], value: unknown, why: string): KeyProblem => ({
    key: keyOf(data, segments),
    value,
    why,
    hidden: schemaAt(role, segments.slice(0, 1))?.["x-secret"] === true && value !== undefined,
  });
  // Items that are not the one "contains" looks for are not problems; the list is.
  if (/\/contains\//.test(e.schemaPath) || e.keyword === "propertyNames") return undefined;
  // A key name that breaks the object's propertyNames rule.
  if (e.propertyName !== undefined) {
    return problem(
      [...at, e.propertyName],
      e.propertyName,
      own?.["x-invalid"] ?? e.message ?? "is not allowed",
    );
  }
  switch (e.keyword) {
    case "if":
      return undefined; // the failing "then" branch reports the actual problem
    case "required": {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const node = schemaAt(role, [...at, missing]);
      return {
        ...problem([...at, missing], undefined, node?.["x-required"] ?? "is required"),
        hidden: false,
      };
    }
    case "additionalProperties": {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((own?.properties as object) ?? {});
      const value = (e.data as Record<string, unknown>)[extra];
      return at.length === 0
        ? problem([extra], value, `is not a known key for a ${role} (see Pulumi.yaml)`)
        : problem(
            [...at, extra],
            value,
            `is not a known key of ${keyOf(data, at)} (known: ${known.join(", ")})`,
          );
    }
    case "uniqueItems": {
      const i = Math.max((e.params as { i: number }).i, (e.params as { j: number }).j);
      return problem([...at, String(i)], (e.data as unknown[])[i], own?.["x-duplicate"] ?? "is a duplicate");
    }
    default:
      return problem(at, e.data, own?.["x-invalid"] ?? e.message ?? "is not valid");
  }
}

/**
 * Validates the values against the schema. Returns a copy with the schema's defaults filled in and
 * scalar types coerced ("90" -> 90), and every problem found.
 */
export function checkSchema(values: Record<string, unknown>): {
  values: Record<string, unknown>;
  problems: KeyProblem[];
} {
  const data = structuredClone(values);
  const valid: boolean = validate(data as unknown);
  if (valid) return { values: data, problems: [] };
  const role = typeof data.role === "string" && data.role in definitions ? data.role : "hub";
  const problems: KeyProblem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const p = translate(e, data, role);
    if (!p) continue;
    const id = `${p.key}\n${p.why}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(p);
    }
  }
  return { values: data, problems };
}

/** Where a key sits in the schema's documentation order: one number per path segment. */
function positionOf(role: string, key: string): number[] {
  const position: number[] = [];
  let node: SchemaNode | undefined = definitions[role];
  for (const seg of key.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "")) {
    const props = (node?.properties ?? {}) as Record<string, SchemaNode>;
    const index = Object.keys(props).indexOf(seg);
    if (index >= 0) {
      position.push(index);
      node = props[seg];
    } else if (/^\d+$/.test(seg)) {
      position.push(Number(seg));
      node = node?.items as SchemaNode | undefined;
    } else {
      // A key of a map (a user id): keep the order found; an unknown key: after the known ones.
      position.push(typeof node?.additionalProperties === "object" ? 0 : Number.MAX_SAFE_INTEGER);
      node =
        typeof node?.additionalProperties === "object"
          ? (node.additionalProperties as SchemaNode)
          : undefined;
    }
  }
  return position;
}

/** Problems in the order the schema documents the keys (stable for problems of one key). */
export function inSchemaOrder(role: string, problems: KeyProblem[]): KeyProblem[] {
  const positions = new Map(problems.map((p) => [p, positionOf(role, p.key)]));
  return [...problems].sort((a, b) => {
    const [x, y] = [positions.get(a)!, positions.get(b)!];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
}
