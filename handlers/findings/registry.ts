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
  NotifyFilters,
  SeverityContext,
  SeverityRule,
  SourceModule,
} from "./source";
import { accessAnalyzerInternal } from "./sources/accessAnalyzerInternal";
import { accessAnalyzerUnused } from "./sources/accessAnalyzerUnused";
import { guardDuty } from "./sources/guardDuty";
import { guardDutyAttackSequence } from "./sources/guardDutyAttackSequence";
import { inspector } from "./sources/inspector";
import { malwareProtectionS3 } from "./sources/malwareProtectionS3";
import { securityHubOcsf } from "./sources/securityHubOcsf";

export const SOURCES: readonly SourceModule[] = [
  guardDutyAttackSequence,
  guardDuty,
  malwareProtectionS3,
  securityHubOcsf,
  accessAnalyzerUnused,
  accessAnalyzerInternal,
  inspector,
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

/** The hub's notify pattern: one branch for sources notified whole, then each source's branches. */
export function notifyPattern(
  filters: NotifyFilters,
  extraSources: readonly string[] = [],
  sources: readonly SourceModule[] = SOURCES,
): EventPattern {
  const whole = [...sources.flatMap((s) => s.notifyAll ?? []), ...extraSources];
  const branches = sources.flatMap((s) => (s.notify ? s.notify(filters) : []));
  return { $or: [...(whole.length ? [{ source: whole }] : []), ...branches] };
}
