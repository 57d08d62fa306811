// `npm run mutes -- [--region REGION] [--table NAME] [--json]`: lists the mutes written from Slack
// (the Mute button on alerts) that are in force, from the hub's mutes table, with your AWS
// credentials for the hub account. Exit 1 when the table cannot be read or holds unreadable items.
import { formatRuntimeMutes, readRuntimeMutes, RUNTIME_MUTES_TABLE } from "../verify/runtimeMutes";

const USAGE = "usage: npm run mutes -- [--region REGION (default us-east-1)] [--table NAME] [--json]";

async function main(argv: string[]): Promise<number> {
  let region = "us-east-1";
  let table = RUNTIME_MUTES_TABLE;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if ((a === "--region" || a === "--table") && argv[i + 1] && !argv[i + 1].startsWith("-")) {
      if (a === "--region") region = argv[++i];
      else table = argv[++i];
    } else {
      process.stderr.write(`mutes: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      return 2;
    }
  }
  try {
    const listing = await readRuntimeMutes(region, table);
    process.stdout.write(json ? `${JSON.stringify(listing, null, 2)}\n` : `${formatRuntimeMutes(listing)}\n`);
    return listing.problems.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`mutes: cannot read ${table} in ${region}: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
