// The severity of every event, by one documented table (README "Severity"): the first row whose
// condition holds gives the severity. Routes filter on it (minSeverity) and every message shows it.
import { SEVERITY_LEVELS, SeverityLevel } from "./severityLevels";

export { SEVERITY_LEVELS };
export type { SeverityLevel };

/** "1 critical, 2 medium": how many of `levels` are at each severity, most severe first, none left out. */
export function levelCounts(levels: SeverityLevel[]): string {
  return SEVERITY_LEVELS.map((s) => [s, levels.filter((l) => l === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

/** Whether `severity` is at least `min` (critical >= high >= medium >= low >= info). */
export function atLeast(severity: SeverityLevel, min: SeverityLevel): boolean {
  return SEVERITY_LEVELS.indexOf(severity) <= SEVERITY_LEVELS.indexOf(min);
}

export function isSeverityLevel(v: unknown): v is SeverityLevel {
  return typeof v === "string" && (SEVERITY_LEVELS as readonly string[]).includes(v);
}

/** Emoji shown next to the severity in Slack. */
export const SEVERITY_LEVEL_EMOJI: Record<SeverityLevel, string> = {
  critical: ":rotating_light:",
  high: ":red_circle:",
  medium: ":large_orange_circle:",
  low: ":large_yellow_circle:",
  info: ":white_circle:",
};
