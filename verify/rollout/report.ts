// What a rollout prints: the live progress line, the final table and its summary, and `--json`.
import { Progress, RolloutResult } from "./rollout";
import { StackOutcome } from "./stackRun";

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function progressLine(p: Progress): string {
  const running = p.running.length;
  const names = running > 0 ? ` (${p.running.slice(0, 3).join(", ")}${running > 3 ? ", ..." : ""})` : "";
  const left = p.leftMs === undefined ? "" : `, about ${duration(p.leftMs)} left`;
  return `${p.done}/${p.total} done, ${p.failed} failed, ${running} running${names}${left}`;
}

export function changesText(changes: Record<string, number>): string {
  const parts = Object.entries(changes).map(([op, n]) => `${n} ${op}`);
  return parts.length > 0 ? parts.join(", ") : "-";
}

/** `--json`: exactly {"stacks":[{"name","status","durationMs","changes","error"}]}. */
export function rolloutJson(result: RolloutResult): string {
  const stacks = result.stacks.map((s) => ({
    name: s.name,
    status: s.status,
    durationMs: s.durationMs,
    changes: s.changes,
    error: s.error,
  }));
  return JSON.stringify({ stacks }, null, 2);
}

export function rolloutTable(result: RolloutResult): string {
  const resumed = new Set(result.resumed);
  const rows = result.stacks.map((s: StackOutcome) => [
    s.name,
    s.status + (resumed.has(s.name) ? " (earlier run)" : ""),
    s.status === "skipped" ? "-" : secs(s.durationMs),
    changesText(s.changes),
    s.error ?? "",
  ]);
  const head = ["stack", "status", "time", "changes", "error"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The lines after the table: counts, what was not touched and why, drift, pending emails, where things are. */
export function rolloutSummary(result: RolloutResult, mode: string): string[] {
  const by = (status: string) => result.stacks.filter((s) => s.status === status);
  const counts = ["succeeded", "unchanged", "drifted", "failed", "skipped"]
    .map((st) => [st, by(st).length] as const)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`)
    .join(", ");
  const out = [`${mode}: ${result.stacks.length} stacks: ${counts || "none"}`];
  if (result.stoppedBy) {
    const untouched = by("skipped").map((s) => s.name);
    out.push(
      `stopped: ${result.stoppedBy} failed; nothing new was started, and ${untouched.length} stacks were not touched: ${untouched.join(", ")}`,
      `after the fix: npm run rollout -- --resume (runs the failed and untouched stacks only)`,
    );
  } else if (by("failed").length > 0) {
    out.push(
      `failed: ${by("failed")
        .map((s) => s.name)
        .join(", ")}`,
    );
  }
  for (const s of by("drifted")) {
    out.push(`drift in ${s.name}:`);
    for (const d of s.drifted ?? []) out.push(`  ${d}`);
  }
  for (const s of result.stacks)
    if (s.pendingSubscriptions && s.pendingSubscriptions.length > 0) {
      out.push(
        `${s.name}: ${s.pendingSubscriptions.length} email subscriptions wait for their owner to click "Confirm subscription" in the mail from "AWS Security Guard alerts" (SNS sends them nothing until then):`,
      );
      for (const p of s.pendingSubscriptions) out.push(`  ${p}`);
    }
  out.push(`logs: ${result.logDir}; journal: ${result.journal}`);
  return out;
}
