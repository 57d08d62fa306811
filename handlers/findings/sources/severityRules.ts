// Severity rows several sources share: findings their source rates, and findings that are over.
import type { SeverityLevel } from "../model";
import type { SeverityRule } from "../source";

/** info: the finding is archived, resolved or suppressed (its status says so). */
export function archivedOrResolved(what: string): SeverityRule {
  return {
    severity: "info",
    when: `${what} that is archived, resolved or suppressed`,
    test: (f) => f.status === "ARCHIVED" || f.status === "RESOLVED" || f.status === "SUPPRESSED",
  };
}

/**
 * The source's own rating on our scale, one row per level (`bands` says what the source calls each
 * level, for the README); an unrated finding is medium.
 */
export function ratedBySource(what: string, bands: Partial<Record<SeverityLevel, string>>): SeverityRule[] {
  const levels: SeverityLevel[] = ["critical", "high", "medium", "low", "info"];
  return levels
    .filter((level) => bands[level] !== undefined)
    .map((level) => ({
      severity: level,
      when: `${what} its source rates ${level} (${bands[level]})${level === "medium" ? " or does not rate" : ""}`,
      test: (f) =>
        f.severity_source?.level === level || (level === "medium" && f.severity_source?.level === undefined),
    }));
}
