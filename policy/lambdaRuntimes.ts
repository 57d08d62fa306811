// AWS Lambda's Node.js runtimes and when AWS deprecates them, from the "Supported runtimes" and
// "Deprecated runtimes" tables of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html.
// After the deprecation date a runtime gets no security patches; after the block dates Lambda
// refuses to create, then to update, functions on it. Update this table when AWS announces a new
// runtime or moves a date.

export interface RuntimeDates {
  /** ISO date (UTC) AWS deprecates the runtime. */
  deprecation: string;
  /** ISO date from which Lambda refuses new functions on it, where AWS has announced one. */
  blockCreate?: string;
  /** ISO date from which Lambda refuses updates of functions on it, where AWS has announced one. */
  blockUpdate?: string;
}

export const NODE_RUNTIMES: Readonly<Record<string, RuntimeDates>> = {
  "nodejs24.x": { deprecation: "2028-04-30", blockCreate: "2028-06-01", blockUpdate: "2028-07-01" },
  "nodejs22.x": { deprecation: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01" },
  "nodejs20.x": { deprecation: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30" },
  "nodejs18.x": { deprecation: "2025-09-01" },
  "nodejs16.x": { deprecation: "2024-06-12" },
  "nodejs14.x": { deprecation: "2023-12-04" },
  "nodejs12.x": { deprecation: "2023-03-31" },
  "nodejs10.x": { deprecation: "2021-07-30" },
};

const DAY_MS = 24 * 60 * 60 * 1000;

export type RuntimeVerdict =
  | { kind: "unknown" }
  | { kind: "deprecated"; dates: RuntimeDates; newest: string }
  | { kind: "deprecating"; dates: RuntimeDates; days: number; newest: string }
  | { kind: "supported"; dates: RuntimeDates };

/** The supported Node.js runtime that AWS deprecates last: what to move to. */
export function newestNodeRuntime(): string {
  return Object.entries(NODE_RUNTIMES).sort((a, b) => b[1].deprecation.localeCompare(a[1].deprecation))[0][0];
}

/**
 * Where `runtime` stands on `today` (ISO date or Date): deprecated on or after its deprecation date,
 * "deprecating" within `warnDays` before it. Runtimes the table does not list (other languages,
 * custom runtimes, ones newer than the table) are "unknown": the allowed list judges those.
 */
export function runtimeVerdict(runtime: string, today: Date, warnDays: number): RuntimeVerdict {
  const dates = NODE_RUNTIMES[runtime];
  if (!dates) {
    // nodejs8.10, nodejs6.10, nodejs4.3 and plain "nodejs" were deprecated before this table starts.
    if (/^nodejs(\d+\.\d+)?$/.test(runtime) || /^nodejs[0-9]\.x$/.test(runtime))
      return { kind: "deprecated", dates: { deprecation: "2021-07-30" }, newest: newestNodeRuntime() };
    return { kind: "unknown" };
  }
  const days = Math.ceil((Date.parse(`${dates.deprecation}T00:00:00Z`) - today.getTime()) / DAY_MS);
  if (days <= 0) return { kind: "deprecated", dates, newest: newestNodeRuntime() };
  if (days <= warnDays) return { kind: "deprecating", dates, days, newest: newestNodeRuntime() };
  return { kind: "supported", dates };
}

/** " (new functions blocked from D1, updates from D2)" where AWS has announced the dates. */
export function blockDates(dates: RuntimeDates): string {
  const parts = [
    dates.blockCreate && `new functions blocked from ${dates.blockCreate}`,
    dates.blockUpdate && `updates from ${dates.blockUpdate}`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** The date policies judge by: `asOf` from the policy config (ISO date), or now. */
export function judgingDate(asOf: unknown): Date {
  if (typeof asOf === "string" && asOf !== "") {
    const t = Date.parse(asOf);
    if (Number.isNaN(t))
      throw new Error(`asOf must be an ISO date such as 2027-01-31, got ${JSON.stringify(asOf)}`);
    return new Date(t);
  }
  return new Date();
}
