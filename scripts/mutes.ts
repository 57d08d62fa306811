// `npm run mutes -- [--region REGION] [--table NAME] [--dir DIR] [--json]`: lists the mutes written
// from Slack (the Mute button on alerts) that are in force, from the hub's mutes table, and the
// exemptions from SSH remediation in force (account, region, group, who, why, expiry) in the
// spokes of the stack files in DIR (default: this repo), with your AWS credentials for the hub
// account. Exit 1 when something could not be read.
import * as path from "path";
import {
  formatRuntimeMutes,
  readExemptions,
  readRuntimeMutes,
  RUNTIME_MUTES_TABLE,
} from "../verify/runtimeMutes";
import { listStackFiles, stackFileConfig } from "../verify/stackFiles";

const USAGE =
  "usage: npm run mutes -- [--region REGION (default us-east-1)] [--table NAME] [--dir DIR] [--json]";

async function main(argv: string[]): Promise<number> {
  let region = "us-east-1";
  let table = RUNTIME_MUTES_TABLE;
  let json = false;
  let dir = path.resolve(__dirname, "..");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (
      (a === "--region" || a === "--table" || a === "--dir") &&
      argv[i + 1] &&
      !argv[i + 1].startsWith("-")
    ) {
      if (a === "--region") region = argv[++i];
      else if (a === "--dir") dir = path.resolve(argv[++i]);
      else table = argv[++i];
    } else {
      process.stderr.write(`mutes: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      return 2;
    }
  }
  try {
    const configs = listStackFiles(dir).map((s) => ({ stack: s.stack, config: stackFileConfig(s) }));
    const listing = { ...(await readRuntimeMutes(region, table)), ...(await readExemptions(configs)) };
    process.stdout.write(json ? `${JSON.stringify(listing, null, 2)}\n` : `${formatRuntimeMutes(listing)}\n`);
    return listing.problems.length || listing.exemptionProblems.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`mutes: cannot read ${table} in ${region}: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
