// Helpers for source-module tests: fixtures mapped through the registry (as the notifier's edge
// does), and EventBridge patterns decided by AWS's event-ruler (the matcher AWS publishes), so a
// pattern is checked by an implementation nobody here wrote.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Finding } from "../../../handlers/findings/model";
import { forwardRules, mapPayload, SOURCES } from "../../../handlers/findings/registry";
import type { EventPattern } from "../../../handlers/findings/source";
import { DEFAULT_NOTIFY_FILTERS, type NotifyFilters } from "../../../handlers/findings/notifyFilters";
import { RulerMatcher, isRulerMatcher, loadRulerMatcher } from "../../../verify/wiring/ruler";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "events");

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const load = (rel: string): Json => JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8"));

export const DEFAULT_FILTERS: NotifyFilters = { ...DEFAULT_NOTIFY_FILTERS };

/** The finding the edge makes of `payload`, and the problems it reported. */
export function mapped(payload: Json): { finding: Finding; problems: string[]; source: string } {
  const problems: string[] = [];
  const out = mapPayload(
    payload,
    { delivery: { recordId: "r", via: "direct" }, problems },
    { sshConfigRules: [] },
  );
  assert.ok(out && "finding" in out, "mapped to a finding");
  return { finding: out.finding, problems, source: out.source.id };
}

/** A spoke's pattern for the forwarding rule `name` (in `region`, default settings). */
export function forwardPattern(name: string, region = "us-east-1"): EventPattern {
  const rule = forwardRules().find((r) => r.name === name);
  assert.ok(rule, `forwarding rule ${name} exists`);
  const p = rule.pattern({ region, configRuleNames: [], forwardUnauthorizedCalls: false });
  assert.ok(p, `rule ${name} is created with default settings`);
  return p;
}

/** The hub notify branches of source `id` under `filters`. */
export function notifyBranches(id: string, filters: NotifyFilters = DEFAULT_FILTERS): EventPattern[] {
  const s = SOURCES.find((x) => x.id === id);
  assert.ok(s?.notify, `source ${id} declares notify branches`);
  return s.notify(filters);
}

let ruler: RulerMatcher | undefined;

/** Whether each event matches its pattern (a pattern of `$or` branches matches when one does). */
export async function matches(pairs: Array<{ pattern: EventPattern; event: Json }>): Promise<boolean[]> {
  if (!ruler) {
    const r = loadRulerMatcher();
    assert.ok(isRulerMatcher(r), isRulerMatcher(r) ? "" : `${r.unavailable}`);
    ruler = r;
  }
  const answers = await ruler.match(
    pairs.map((p, i) => ({ id: String(i), pattern: p.pattern, event: p.event })),
  );
  return pairs.map((_, i) => {
    const a = answers.get(String(i));
    assert.ok(a && "matches" in a, `event-ruler answered pair ${i}: ${JSON.stringify(a)}`);
    return a.matches;
  });
}

/** One pattern of several branches, as the hub's notify rule joins them. */
export const anyOf = (branches: EventPattern[]): EventPattern =>
  branches.length === 1 ? branches[0] : { $or: branches };
