// IAM-style policy documents (identity, trust, key, topic and event-bus policies). Pulumi inputs
// carry them as JSON text or as objects; both are accepted. Grammar:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
import { isRecord, isUnknown, plain, Unknown, UNKNOWN } from "./values";

export interface Statement {
  index: number;
  sid?: string;
  effect: string | Unknown;
  /** Principal as written (string "*", or map of kind to one or many values); undefined if absent. */
  principal: unknown;
  notPrincipal: unknown;
  actions: Array<string | Unknown>;
  notActions: Array<string | Unknown>;
  /** Condition keys, lower-cased (IAM condition keys are case-insensitive). UNKNOWN if unknown. */
  conditionKeys: Set<string> | Unknown;
}

export type ParsedDocument =
  | { kind: "absent" }
  | { kind: "unknown" }
  | { kind: "invalid"; error: string }
  | { kind: "ok"; statements: Statement[]; text: string };

export function parsePolicyDocument(value: unknown): ParsedDocument {
  if (value === undefined || value === null || value === "") return { kind: "absent" };
  if (isUnknown(value)) return { kind: "unknown" };
  let doc: unknown = value;
  let text: string;
  if (typeof value === "string") {
    text = value;
    try {
      doc = plain(() => JSON.parse(value));
    } catch (e) {
      return { kind: "invalid", error: `policy document is not valid JSON (${(e as Error).message})` };
    }
  } else {
    text = JSON.stringify(value);
  }
  if (isUnknown(doc)) return { kind: "unknown" };
  if (!isRecord(doc)) return { kind: "invalid", error: "policy document is not a JSON object" };
  const raw = doc.Statement;
  if (isUnknown(raw)) return { kind: "unknown" };
  if (raw === undefined) return { kind: "invalid", error: "policy document has no Statement" };
  const list = Array.isArray(raw) ? raw : [raw];
  const statements: Statement[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (isUnknown(s)) continue;
    if (!isRecord(s)) return { kind: "invalid", error: `Statement[${i}] is not an object` };
    statements.push({
      index: i,
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: isUnknown(s.Effect) ? UNKNOWN : String(s.Effect ?? ""),
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
      actions: stringList(s.Action),
      notActions: stringList(s.NotAction),
      conditionKeys: conditionKeys(s.Condition),
    });
  }
  return { kind: "ok", statements, text };
}

function stringList(v: unknown): Array<string | Unknown> {
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return [UNKNOWN];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((a) => (isUnknown(a) ? UNKNOWN : String(a)));
}

function conditionKeys(cond: unknown): Set<string> | Unknown {
  if (isUnknown(cond)) return UNKNOWN;
  const keys = new Set<string>();
  if (!isRecord(cond)) return keys;
  for (const op of Object.values(cond)) {
    if (isUnknown(op)) return UNKNOWN;
    if (isRecord(op)) for (const k of Object.keys(op)) keys.add(k.toLowerCase());
  }
  return keys;
}

/** Human label for a statement in messages. */
export function statementLabel(s: Statement): string {
  return s.sid ? `Statement[${s.index}] (Sid "${s.sid}")` : `Statement[${s.index}]`;
}

export function isAllow(s: Statement): boolean {
  return s.effect === "Allow";
}

/** Principal values of one kind ("AWS", "Service", ...); "*" as a bare principal counts for every kind. */
export function principalValues(principal: unknown, kind: string): Array<string | Unknown> {
  if (principal === undefined || principal === null) return [];
  if (isUnknown(principal)) return [UNKNOWN];
  if (typeof principal === "string") return [principal];
  if (!isRecord(principal)) return [];
  const v = principal[kind];
  if (v === undefined) return [];
  if (isUnknown(v)) return [UNKNOWN];
  return (Array.isArray(v) ? v : [v]).map((x) => (isUnknown(x) ? UNKNOWN : String(x)));
}

/** True when the principal is everyone: `"*"` or `{"AWS": "*"}` (or a list containing "*"). */
export function isEveryonePrincipal(principal: unknown): boolean {
  return principalValues(principal, "AWS").some((p) => p === "*");
}

/** Any of these condition keys narrows "everyone" to our organization or accounts. */
export const ORG_OR_ACCOUNT_CONDITION_KEYS = [
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:sourcearn",
  "aws:sourceowner",
];

export function hasAnyConditionKey(s: Statement, keys: string[]): boolean | Unknown {
  if (isUnknown(s.conditionKeys)) return UNKNOWN;
  const have = s.conditionKeys;
  return keys.some((k) => have.has(k));
}
