// What an engine run reported, from the Automation API's event stream: CrossGuard violations (with
// the same fields as the offline runner's) and error diagnostics.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Violation } from "../policy/offline";

export interface EngineReport {
  violations: Violation[];
  /** Error diagnostics of the engine, providers and program (one line each, no ANSI colour). */
  errors: string[];
  /** Resource operations seen (create, same, update...), by URN. */
  steps: Map<string, string>;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The engine's violation message: the policy description, a newline, then the reported message (as offline). */
function violationMessage(message: string): string {
  return message.replace(ANSI, "").trim();
}

function urnParts(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = (parts[2] ?? "").split("$");
  return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

export function newEngineReport(): EngineReport {
  return { violations: [], errors: [], steps: new Map() };
}

/** An `onEvent` handler filling `report`. */
export function collectEvents(report: EngineReport): (event: EngineEvent) => void {
  const seen = new Set<string>();
  return (event) => {
    const p = event.policyEvent;
    if (p) {
      const violation: Violation = {
        policy: p.policyName,
        level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        message: violationMessage(p.message),
      };
      if (p.resourceUrn) {
        const { type, name } = urnParts(p.resourceUrn);
        Object.assign(violation, { urn: p.resourceUrn, type, name });
      }
      // A violation found at preview is reported again by the same run's summary events.
      const key = JSON.stringify(violation);
      if (!seen.has(key)) {
        seen.add(key);
        report.violations.push(violation);
      }
    }
    const d = event.diagnosticEvent;
    if (d && d.severity === "error") {
      const line = d.message.replace(ANSI, "").trim();
      if (line) report.errors.push(d.urn ? `${urnParts(d.urn).name}: ${line}` : line);
    }
    const r = event.resOutputsEvent ?? event.resourcePreEvent;
    if (r) report.steps.set(r.metadata.urn, r.metadata.op);
  };
}

/** A report from JSON event lines (`pulumi policy analyze --json`); other lines are ignored. */
export function reportFromEventLines(text: string): EngineReport {
  const report = newEngineReport();
  const onEvent = collectEvents(report);
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      onEvent(JSON.parse(line) as EngineEvent);
    } catch {
      // not an event line (the CLI's own messages)
    }
  }
  return report;
}
