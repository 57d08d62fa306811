// Small readers several source modules share.
import { parseArn } from "../links";

/** The non-blank strings of a list (other values are not names). */
export const textItems = (xs: unknown[] | undefined): string[] =>
  (xs ?? []).filter((x): x is string => typeof x === "string" && x.trim() !== "");

/** The analyzer's name from an Access Analyzer event's `resources` (its analyzer ARN). */
export function analyzerNameOf(resources: unknown[] | undefined): string | undefined {
  const arn = (resources ?? [])
    .map((r) => (typeof r === "string" ? parseArn(r) : undefined))
    .find((a) => a?.service === "access-analyzer");
  return arn?.resource.startsWith("analyzer/") ? arn.resource.slice("analyzer/".length) : undefined;
}
