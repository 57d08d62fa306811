// npm run coverage -- [--json] [--hub-outputs FILE] [--ignore ID,ID] [--dir DIR]
// What the guard cannot see, read-only (your AWS credentials, AWS_ENDPOINT_URL honoured):
// organization accounts without a spoke, silent spoke regions, and per spoke account and region
// whether GuardDuty, Security Hub CSPM, Security Hub, Access Analyzer and Inspector are on, whether a
// Config recorder records security groups, and whether a trail records management write events.
// Exit 1 when there is a gap, 2 when the check itself could not run.
import * as path from "path";
import { formatCoverage } from "../handlers/coverage/coverage";
import { readHubOutputsFile } from "../verify/preflight/hubOutputs";
import { coverage } from "../verify/coverage/coverage";
import { listStackFiles, stackFileConfig } from "../verify/stackFiles";
import { ConfigError } from "../stacks/validateConfig";

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const dir = path.resolve(arg("--dir") ?? path.resolve(__dirname, ".."));
  const configs = listStackFiles(dir).map((s) => ({ stack: s.stack, config: stackFileConfig(s) }));
  const outputsFile = arg("--hub-outputs");
  const outputs = outputsFile ? readHubOutputsFile(path.resolve(outputsFile)) : undefined;
  const hubAccountId = typeof outputs?.hubAccountId === "string" ? outputs.hubAccountId : undefined;
  const report = await coverage({
    configs,
    hubAccountId,
    ignoreAccounts: arg("--ignore")?.split(",").filter(Boolean),
  });
  console.log(argv.includes("--json") ? JSON.stringify(report, null, 2) : formatCoverage(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof ConfigError ? err.message : `coverage failed: ${(err as Error).message ?? err}`,
    );
    process.exit(2);
  },
);
