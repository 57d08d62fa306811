// What the stacks deploy as EventBridge patterns, gathered in one JSON document: every spoke stack
// file's forwarding rules in each region it covers (and its sign-in-only regions), some settings no
// stack file uses (the opt-ins), and the hub's notify pattern for the hub stack's findings settings
// and for other settings, and its resolve pattern for the same settings. The snapshot (test/fixtures/patterns/snapshot.json) pins it: moving a
// pattern between modules must not change what is deployed (a renamed rule is a replaced rule).
// Regenerate, only on purpose: `npx ts-node --transpile-only test/stacks/patternSnapshot.ts --write`,
// then `npx prettier --write test/fixtures/patterns/snapshot.json`.
import * as fs from "fs";
import * as path from "path";
import type { NotifyFilters } from "../../handlers/findings/notifyFilters";
import { DEFAULT_NOTIFY_FILTERS } from "../../handlers/findings/notifyFilters";
import { notifyPattern, resolvePattern } from "../../handlers/findings/registry";
import { forwardingPatterns, signInRegionPatterns } from "../../stacks/components/spokeRegion";
import { extraSignInRegions } from "../../stacks/regions";
import { listStackFiles, validConfigs } from "../../verify/stackFiles";

export const SNAPSHOT = path.resolve(__dirname, "..", "fixtures", "patterns", "snapshot.json");
const ROOT = path.resolve(__dirname, "..", "..");

type Patterns = Record<string, unknown>;

/** Settings no stack file sets, so the snapshot covers the opt-ins and a non-global region. */
const SPOKE_VARIANTS: Array<{
  name: string;
  regions: string[];
  forwardUnauthorizedCalls?: boolean;
  extraConfigRules?: string[];
}> = [
  {
    name: "unauthorized-calls-and-extra-rules",
    regions: ["us-east-1", "eu-west-1"],
    forwardUnauthorizedCalls: true,
    extraConfigRules: ["s3-bucket-public-read-prohibited", "restricted-common-ports"],
  },
];

const FILTER_VARIANTS: Record<string, Partial<NotifyFilters>> = {
  "asff-only-high": { securityHubFormats: ["ASFF"], securityHubMinSeverity: "HIGH", guardDutyMinSeverity: 7 },
  "ocsf-only-critical-inspector-any-exploit": {
    securityHubFormats: ["OCSF"],
    inspectorMinSeverity: "CRITICAL",
    inspectorExploitAvailableOnly: false,
  },
  "informational-notified-resolved": {
    securityHubMinSeverity: "INFORMATIONAL",
    securityHubWorkflowStatuses: ["NEW", "NOTIFIED", "RESOLVED"],
    securityHubRecordStates: ["ACTIVE", "ARCHIVED"],
    inspectorMinSeverity: "LOW",
  },
};

export function patternSnapshot(): Record<string, unknown> {
  const spokes: Record<string, Record<string, Patterns>> = {};
  const hubs: Record<string, Patterns> = {};
  const resolveHubs: Record<string, Patterns | null> = {};
  for (const c of validConfigs(listStackFiles(ROOT))) {
    if (c.role === "hub") {
      hubs[c.stackFile] = notifyPattern(c.findings);
      resolveHubs[c.stackFile] = resolvePattern(c.findings) ?? null;
      continue;
    }
    const regions: Record<string, Patterns> = {};
    for (const r of c.regions) regions[r] = forwardingPatterns(r, c);
    for (const r of extraSignInRegions(c.regions)) regions[`${r} (sign-in only)`] = signInRegionPatterns(r);
    spokes[c.stackFile] = regions;
  }
  for (const v of SPOKE_VARIANTS) {
    const regions: Record<string, Patterns> = {};
    for (const r of v.regions) regions[r] = forwardingPatterns(r, v);
    spokes[v.name] = regions;
  }
  const notify: Record<string, Patterns> = { defaults: notifyPattern(DEFAULT_NOTIFY_FILTERS), ...hubs };
  const resolve: Record<string, Patterns | null> = {
    defaults: resolvePattern(DEFAULT_NOTIFY_FILTERS) ?? null,
    ...resolveHubs,
  };
  for (const [name, f] of Object.entries(FILTER_VARIANTS)) {
    notify[name] = notifyPattern({ ...DEFAULT_NOTIFY_FILTERS, ...f });
    resolve[name] = resolvePattern({ ...DEFAULT_NOTIFY_FILTERS, ...f }) ?? null;
  }
  return { forwarding: spokes, notify, resolve };
}

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(SNAPSHOT, `${JSON.stringify(patternSnapshot(), null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, SNAPSHOT)}`);
}
