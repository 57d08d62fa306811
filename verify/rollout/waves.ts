// Which stacks a rollout runs, in which waves: the hub stacks first (spokes read their outputs through
// a StackReference), then a canary wave of spokes, then the rest. Patterns use * for any run of
// characters (`spoke-prod-*`), as a shell glob would, so they can be quoted on any command line.
import { StackFile } from "../stackFiles";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";

/** The plan, hubs first; the waves not chosen (a CI job's `--wave`) are empty. */
export interface Waves {
  hubs: string[];
  canary: string[];
  rest: string[];
}

/** `--canary N` (the first N spokes, in name order) or `--canary a,b` (those spokes). */
export type Canary = { count: number } | { names: string[] };

function patternRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** The stacks matching any pattern (all without patterns); a pattern matching nothing is an error. */
export function selectStacks(all: StackFile[], patterns: string[]): StackFile[] {
  if (patterns.length === 0) return all;
  const unmatched = patterns.filter((p) => !all.some((s) => patternRegex(p).test(s.stack)));
  if (unmatched.length > 0)
    throw new Error(
      `--stacks ${unmatched.join(", ")}: no stack file matches (stacks: ${all.map((s) => s.stack).join(", ")})`,
    );
  return all.filter((s) => patterns.some((p) => patternRegex(p).test(s.stack)));
}

export function parseCanary(value: string): Canary {
  if (/^\d+$/.test(value)) return { count: Number(value) };
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error(`--canary ${value}: give a number of spokes or stack names (a,b)`);
  return { names };
}

export function planWaves(stacks: StackFile[], canary: Canary): Waves {
  const isHub = (s: StackFile) => s.config[`${CONFIG_NAMESPACE}:role`] === "hub";
  const hubs = stacks.filter(isHub).map((s) => s.stack);
  const spokes = stacks
    .filter((s) => !isHub(s))
    .map((s) => s.stack)
    .sort();
  let chosen: string[];
  if ("count" in canary) chosen = spokes.slice(0, canary.count);
  else {
    const unknown = canary.names.filter((n) => !spokes.includes(n));
    if (unknown.length > 0)
      throw new Error(
        `--canary ${unknown.join(", ")}: not a selected spoke stack (spokes: ${spokes.join(", ")})`,
      );
    chosen = spokes.filter((s) => canary.names.includes(s));
  }
  return { hubs, canary: chosen, rest: spokes.filter((s) => !chosen.includes(s)) };
}

/**
 * One wave of the plan (a CI job of the workflow's matrix), and of the last wave one shard: the
 * spokes at positions index-1, index-1+of, ... in name order, so shards differ by at most one stack.
 */
export function onlyWave(
  waves: Waves,
  wave: "hub" | "canary" | "rest",
  shard?: { index: number; of: number },
): Waves {
  const pick = (w: keyof Waves) => (wave === (w === "hubs" ? "hub" : w) ? waves[w] : []);
  const rest = pick("rest").filter((_, i) => !shard || i % shard.of === shard.index - 1);
  return { hubs: pick("hubs"), canary: pick("canary"), rest };
}
