// Generates a hub and N spoke stack configs (three regions each) into a directory, for the plan
// scale benchmark. Account ids are synthetic and unique.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

export const SPOKE_REGIONS = ["us-east-1", "ap-northeast-1", "ap-northeast-2"];

export function generateStacks(dir: string, spokes: number, options: { organization?: boolean } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const org = options.organization ?? true;
  const accounts = Array.from({ length: spokes }, (_, i) => String(200000000000 + i));
  const hub: Record<string, unknown> = {
    "security-guard:role": "hub",
    "security-guard:accountId": "111111111111",
    "security-guard:regions": ["us-east-1"],
    ...(org
      ? { "security-guard:organizationId": "o-a1b2c3d4e5" }
      : { "security-guard:memberAccounts": accounts }),
    "security-guard:slackWebhooks": { default: { secure: "v1:bench" } },
  };
  fs.writeFileSync(path.join(dir, "Pulumi.hub.yaml"), stringify({ config: hub }));
  for (const id of accounts) {
    const spoke = {
      "security-guard:role": "spoke",
      "security-guard:accountId": id,
      "security-guard:hubStack": "bench/security-guard/hub",
      "security-guard:regions": SPOKE_REGIONS,
      ...(org ? {} : { "security-guard:aggregation": "account" }),
    };
    fs.writeFileSync(path.join(dir, `Pulumi.spoke-${id}.yaml`), stringify({ config: spoke }));
  }
}

if (require.main === module) {
  const [dir, n] = process.argv.slice(2);
  generateStacks(path.resolve(dir), Number(n));
}
