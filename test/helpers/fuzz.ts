// Building blocks of the seeded fuzz suites: a small PRNG (so every run fuzzes the same cases and a
// failure names a case to replay), hostile values, and the checks every reply to Slack must pass.

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Picker {
  random: () => number;
  pick<T>(list: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  int(maxExclusive: number): number;
}

export function picker(seed: number): Picker {
  const random = prng(seed);
  return {
    random,
    pick: (list) => list[Math.floor(random() * list.length)],
    chance: (p) => random() < p,
    int: (max) => Math.floor(random() * max),
  };
}

/**
 * Strings an attacker or a sloppy client can put in any field: names of JavaScript built-ins
 * (reachable through plain-object lookups), Slack control syntax, unicode (right-to-left override,
 * NUL, astral characters, combining marks), and sizes no field expects. The literal words
 * "undefined", "NaN" and "[object Object]" are left out: a reply may show input as given, and the
 * checks below look for those words as artefacts.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  "toString",
  "constructor",
  "__proto__",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "prototype",
  "__defineGetter__",
  "",
  " ",
  "\t\n",
  "null",
  "0",
  "-1",
  "1e309",
  "<@U123>",
  "<!channel>",
  "&amp;<>",
  "`````",
  "*_~",
  "\u202e\u0000\ud83d\ude00",
  "e\u0301\u0301\u0301",
  "\ud800",
  "日本語のテキスト",
  "%00%ff",
  "a".repeat(300),
  "x".repeat(5_000),
  "y ".repeat(20_000),
];

/** Text that shows a JavaScript value turned into text instead of what was meant. */
export function artefacts(text: string): string[] {
  const out: string[] = [];
  const at = (what: string) => `${what} in ${JSON.stringify(text.slice(0, 160))}`;
  if (/\bundefined\b/.test(text)) out.push(at("undefined"));
  if (text.includes("[object Object]")) out.push(at("[object Object]"));
  if (/\[native code\]|function \w*\s*\(|=>\s*\{/.test(text)) out.push(at("function source"));
  if (/\bNaN\b/.test(text)) out.push(at("NaN"));
  return out;
}

/**
 * Slack's limits for a message posted to response_url or returned as a slash command's answer:
 * text is truncated beyond 40,000 characters (https://api.slack.com/methods/chat.postMessage#truncating);
 * an empty text is rejected (no_text).
 */
export function replyProblems(payload: unknown): string[] {
  const p = payload as { response_type?: unknown; text?: unknown } | undefined;
  if (!p || typeof p !== "object") return [`reply is not a JSON object: ${String(payload).slice(0, 80)}`];
  const out: string[] = [];
  if (p.response_type !== "ephemeral" && p.response_type !== "in_channel")
    out.push(`response_type ${JSON.stringify(p.response_type)}`);
  if (typeof p.text !== "string" || p.text.trim() === "") out.push("reply has no text");
  else {
    if (p.text.length > 40_000) out.push(`text is ${p.text.length} > 40000 characters`);
    out.push(...artefacts(p.text));
  }
  return out;
}
