// Every source module, in the order they are asked to recognise a payload (the first that says yes
// maps it; catch-alls come last). A new source is one module in sources/ and one line here. What
// the rest of the guard knows about sources comes from this list: the routing kinds, the severity
// table, the spoke forwarding rules, the hub's notify pattern, the README's tables.
// Lists, not Maps: a Map captured at module level does not survive the closure serialization that
// builds the deployed function.
import type { EventKind, Finding, Skip } from "./model";
import type {
  Delivery,
  Draft,
  EventPattern,
  ForwardRule,
  MapContext,
  SeverityContext,
  SeverityRule,
  SourceModule,
} from "./source";
import type { NotifyFilters } from "./notifyFilters";
import type { RawRecord } from "./envelopes";
import { accessAnalyzer } from "./sources/accessAnalyzer";
import { accessAnalyzerInternal } from "./sources/accessAnalyzerInternal";
import { accessAnalyzerUnused } from "./sources/accessAnalyzerUnused";
import { alarm } from "./sources/alarm";
import { cloudTrail } from "./sources/cloudTrail";
import { configCompliance } from "./sources/configCompliance";
import { configNotices } from "./sources/configNotices";
import { otherEventBridge, otherJson, textFinding, unreadableFinding } from "./sources/generic";
import { guardDuty } from "./sources/guardDuty";
import { guardDutyAttackSequence } from "./sources/guardDutyAttackSequence";
import { inspector } from "./sources/inspector";
import { liveness } from "./sources/liveness";
import { malwareProtectionS3 } from "./sources/malwareProtectionS3";
import { remediation } from "./sources/remediation";
import { securityHub } from "./sources/securityHub";
import { securityHubOcsf } from "./sources/securityHubOcsf";
import { signIn } from "./sources/signIn";

export const SOURCES: readonly SourceModule[] = [
  remediation,
  cloudTrail,
  configCompliance,
  configNotices,
  alarm,
  signIn,
  // Attack sequences are GuardDuty findings: asked before the GuardDuty source.
  guardDutyAttackSequence,
  guardDuty,
  malwareProtectionS3,
  securityHub,
  securityHubOcsf,
  accessAnalyzer,
  accessAnalyzerUnused,
  accessAnalyzerInternal,
  inspector,
  liveness,
  // Catch-alls: any other EventBridge event, then any other JSON.
  otherEventBridge,
  otherJson,
];

/** The last row of every source's table. */
export const FALLBACK_SEVERITY: SeverityRule = {
  severity: "medium",
  when: "anything else (unknown event types are shown, not hidden)",
  test: () => true,
};

/** Every routing kind a source declares, plus "other" (events no source recognises). */
export function eventKinds(sources: readonly SourceModule[] = SOURCES): EventKind[] {
  const out: EventKind[] = [];
  for (const s of sources) for (const k of s.kinds) if (!out.includes(k)) out.push(k);
  if (!out.includes("other")) out.push("other");
  return out;
}

/** The source module that recognises `payload`, if any. */
export function sourceOf(
  payload: Record<string, unknown>,
  delivery: Delivery,
  sources: readonly SourceModule[] = SOURCES,
): SourceModule | undefined {
  return sources.find((s) => s.recognise(payload, delivery));
}

/** A source's severity table: its rows, then the fallback. */
export function severityRules(source: SourceModule): SeverityRule[] {
  return [...source.severity, FALLBACK_SEVERITY];
}

/** `draft` with our severity (the first of its source's rows that holds), related findings too. */
export function rate(draft: Draft, source: SourceModule, ctx: SeverityContext): Finding {
  const row = severityRules(source).find((r) => r.test(draft, ctx))!;
  const { related, ...rest } = draft;
  return {
    ...rest,
    severity: row.severity,
    severity_why: row.when,
    ...(related ? { related: related.map((r) => rate(r, source, ctx)) } : {}),
  };
}

export type Mapped = { finding: Finding; source: SourceModule } | { skip: Skip; source: SourceModule };

/** The edge: `payload` recognised, parsed, mapped and rated; undefined when no source recognises it. */
export function mapPayload(
  payload: Record<string, unknown>,
  ctx: MapContext,
  severity: SeverityContext,
  sources: readonly SourceModule[] = SOURCES,
): Mapped | undefined {
  const source = sourceOf(payload, ctx.delivery, sources);
  if (!source) return undefined;
  const out = source.map(payload, ctx);
  if ("skipped" in out) return { skip: out, source };
  return { finding: rate(out, source, severity), source };
}

/** A forwarding rule with the source that declares it. */
export interface SourceForwardRule extends ForwardRule {
  source: string;
}

/** Every spoke forwarding rule, in registry order. */
export function forwardRules(sources: readonly SourceModule[] = SOURCES): SourceForwardRule[] {
  return sources.flatMap((s) => (s.forward ?? []).map((r) => ({ ...r, source: s.id })));
}

/**
 * The hub's notify pattern: one branch for the event sources notified whole (each once, though
 * several modules may name one: CloudTrail's CIS 4.9 calls and Config's verdicts are both
 * aws.config), then each source's branches.
 */
export function notifyPattern(
  filters: NotifyFilters,
  sources: readonly SourceModule[] = SOURCES,
): EventPattern {
  const whole = [...new Set(sources.flatMap((s) => s.notifyAll ?? []))];
  const branches = sources.flatMap((s) => (s.notify ? s.notify(filters) : []));
  return { $or: [...(whole.length ? [{ source: whole }] : []), ...branches] };
}

/**
 * The hub's resolve pattern: each source's branches for passing verdicts (undefined when no source
 * declares any for these settings, so the hub makes no rule).
 */
export function resolvePattern(
  filters: NotifyFilters,
  sources: readonly SourceModule[] = SOURCES,
): EventPattern | undefined {
  const branches = sources.flatMap((s) => (s.resolve ? s.resolve(filters) : []));
  // `$or` takes two or more branches (event-ruler reads a one-branch `$or` as a field named $or).
  if (branches.length <= 1) return branches[0];
  return { $or: branches };
}

/** Records without a payload a source could read: plain text, and unreadable records. */
const NO_PAYLOAD: SourceModule = {
  id: "unreadable",
  name: "Records that could not be read",
  kinds: ["other"],
  detects: [],
  recognise: () => false,
  map: () => {
    throw new Error("records without a payload are mapped by findingOfRecord");
  },
  severity: [{ severity: "medium", when: "the record could not be read", test: (f) => !!f.unreadable }],
  fixtures: [],
};

/**
 * The README's severity table: [source, severity, when] per row, records that could not be read
 * first and the fallback last.
 */
export function severityTableRows(sources: readonly SourceModule[] = SOURCES): string[][] {
  return [
    ...NO_PAYLOAD.severity.map((r) => [NO_PAYLOAD.name, r.severity, r.when]),
    ...sources.flatMap((s) => s.severity.map((r) => [s.name, r.severity, r.when])),
    ["Any source", FALLBACK_SEVERITY.severity, FALLBACK_SEVERITY.when],
  ];
}

/**
 * The edge for one record: its finding (or why it is skipped), with the problems met on the way.
 * Never throws for bad content: a source module that fails is reported and the record shown as
 * unreadable, so the event is not lost.
 */
export function findingOfRecord(
  record: RawRecord,
  severity: SeverityContext,
  sources: readonly SourceModule[] = SOURCES,
): { finding?: Finding; skip?: Skip; problems: string[]; raw?: string } {
  const problems: string[] = [];
  if (record.error) {
    problems.push(record.error);
    return {
      finding: rate(unreadableFinding(record.error, record, record.excerpt), NO_PAYLOAD, severity),
      problems,
      ...(record.raw !== undefined ? { raw: record.raw } : {}),
    };
  }
  if (!record.payload)
    return { finding: rate(textFinding(record.text ?? "", record), NO_PAYLOAD, severity), problems };
  try {
    const out = mapPayload(
      record.payload,
      { delivery: record, problems, ...(severity.world ? { world: severity.world } : {}) },
      severity,
      sources,
    );
    if (!out) throw new Error("no source recognises the payload");
    return "skip" in out ? { skip: out.skip, problems } : { finding: out.finding, problems };
  } catch (err) {
    // A source module's bug must not lose the event: show it as unreadable, and say why.
    const why = `formatting failed (${err instanceof Error ? err.message : String(err)})`;
    problems.push(why);
    return {
      finding: rate(unreadableFinding(why, record), NO_PAYLOAD, severity),
      problems,
      raw: JSON.stringify(record.payload),
    };
  }
}
