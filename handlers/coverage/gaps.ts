// What the coverage checks report: the guard's blind spots, each naming the account, the region,
// what is missing and the fix (a command or a config key).

/** The checks, by stable id. */
export const COVERAGE_CHECKS = [
  "no-spoke",
  "silent-region",
  "guardduty",
  "security-hub",
  "security-hub-v2",
  "access-analyzer",
  "inspector",
  "config-recorder",
  "trail",
  "reader",
] as const;
export type CoverageCheck = (typeof COVERAGE_CHECKS)[number];

/** The detectors and recorders read per account and region. */
export type RegionCheck = Exclude<CoverageCheck, "no-spoke" | "silent-region" | "reader">;

export interface Gap {
  check: CoverageCheck;
  account: string;
  /** The organization's name for the account, when known. */
  accountName?: string;
  /** An AWS region, or "global". */
  region: string;
  what: string;
  fix: string;
}

/** One check's answer in one account and region: on, off, or not readable (with why). */
export interface CheckState {
  /** A detector or recorder, or "reader" when the spoke's reader role could not be assumed. */
  check: RegionCheck | "reader";
  state: "on" | "off" | "unknown";
  /** What is on or off (a detector id, a trail, a recorder), or why it could not be read. */
  detail: string;
  /** The fix when it is off or unknown. */
  fix?: string;
}

export interface RegionCoverage {
  account: string;
  region: string;
  checks: CheckState[];
}
