// Types of pulumiCli.js (plain JavaScript so that plain `node` can provision the CLI).
export interface EnsureResult {
  status: "cached" | "built" | "skipped";
  /** Where the pinned CLI is (or would be) cached: .../pulumi-<version>-<go.sum hash>/bin/pulumi. */
  binary: string;
  /** Why it was skipped (Go missing). */
  reason?: string;
  /** Build time, when built. */
  seconds?: number;
}
export function ensurePulumi(options?: { log?: (line: string) => void }): EnsureResult;
export function pulumiBinary(): string;
export function pinnedVersion(): string;
