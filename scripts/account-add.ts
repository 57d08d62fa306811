// npm run account:add -- --account 555555555555 --name analytics --regions us-east-1,eu-west-1
//                        [--stack spoke-analytics] [--hub org/security-guard/hub] [--no-recorder]
//                        [--trail] [--aggregation account] [--dir DIR] [--force]
// Scaffolds the stack config of a new spoke account, validates it together with every existing
// stack config, and prints the two steps left: review, then `pulumi up` on that stack.
import * as fs from "fs";
import * as path from "path";
import { Document } from "yaml";
import { CONFIG_NAMESPACE } from "../stacks/configSchema";
import { SCHEMA_COMMENT } from "../stacks/stackFileSchema";
import { ConfigError, validateStackConfig, validateStackSet } from "../stacks/validateConfig";
import { HubConfig, SpokeConfig, StackConfig } from "../stacks/configSchema";
import { listStackFiles, readStackFile, validConfigs } from "../verify/stackFiles";

export interface AddAccountOptions {
  dir: string;
  account: string;
  name?: string;
  regions: string[];
  stack?: string;
  hub?: string;
  createRecorder?: boolean;
  createTrail?: boolean;
  aggregation?: "organization" | "account";
  force?: boolean;
}

export interface AddAccountResult {
  file: string;
  stack: string;
  /** Problems found; the file is not written when there are any. */
  problems: string[];
  nextSteps: string[];
}

function parseArgs(argv: string[]): AddAccountOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    dir: path.resolve(value("--dir") ?? path.resolve(__dirname, "..")),
    account: value("--account") ?? "",
    name: value("--name"),
    regions: (value("--regions") ?? "")
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
    stack: value("--stack"),
    hub: value("--hub"),
    createRecorder: argv.includes("--no-recorder") ? false : undefined,
    createTrail: argv.includes("--trail") ? true : undefined,
    aggregation: value("--aggregation") as AddAccountOptions["aggregation"],
    force: argv.includes("--force"),
  };
}

export function addAccount(opts: AddAccountOptions): AddAccountResult {
  // An existing broken file is `npm run plan`'s to report, not a reason to refuse this account.
  const existing = validConfigs(listStackFiles(opts.dir));
  const hubRef = opts.hub ?? existing.find((c): c is SpokeConfig => c.role === "spoke")?.hubStack;
  const stack =
    opts.stack ?? `spoke-${(opts.name ?? opts.account).toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
  const file = `Pulumi.${stack}.yaml`;
  const target = path.join(opts.dir, file);
  const problems: string[] = [];
  if (fs.existsSync(target) && !opts.force)
    problems.push(`${file} already exists (use --force to overwrite)`);
  if (!hubRef) problems.push("no hub stack reference: pass --hub <org>/security-guard/<hub stack>");

  const values: Record<string, unknown> = {
    role: "spoke",
    accountId: opts.account,
    ...(opts.name ? { accountName: opts.name } : {}),
    hubStack: hubRef,
    regions: opts.regions.length > 0 ? opts.regions : undefined,
    ...(opts.createRecorder === false ? { createRecorder: false } : {}),
    ...(opts.createTrail ? { createTrail: true } : {}),
    ...(opts.aggregation ? { aggregation: opts.aggregation } : {}),
  };
  let config: StackConfig | undefined;
  try {
    config = validateStackConfig({ stackFile: file, values, secretKeys: new Set() });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems.map((p) => `${file}: ${p}`));
  }
  // An account-list hub must also admit the new account: a hub change, listed as a step, not a refusal.
  const hubSteps: string[] = [];
  if (config) {
    const others = existing.filter((c) => c.stackFile !== file);
    for (const p of validateStackSet([...others, config]).filter((x) => x.includes(config!.accountId))) {
      const hub = /^(Pulumi\.(.+)\.yaml): security-guard:memberAccounts lacks/.exec(p);
      if (hub) {
        const hubConfig = existing.find((c) => c.stackFile === hub[1]) as HubConfig | undefined;
        hubSteps.push(
          `pulumi config set --path 'memberAccounts[${hubConfig?.memberAccounts.length ?? 0}]' ${config.accountId} --stack ${hub[2]}` +
            ` && pulumi up --stack ${hub[2]}   # the hub is in account-list mode`,
        );
      } else problems.push(p);
    }
  }
  if (problems.length > 0) return { file, stack, problems, nextSteps: [] };

  const doc = new Document({
    config: {
      // Every resource must use an explicit provider that assumes the deploy role.
      "pulumi:disable-default-providers": ["*"],
      ...Object.fromEntries(
        Object.entries(values)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, v]),
      ),
    },
  });
  // The first line lets editors validate the file with the published schema as the user types.
  doc.commentBefore = ` ${SCHEMA_COMMENT}\n Spoke: ${opts.name ?? opts.account}. Written by npm run account:add; validated with every stack config.`;
  fs.writeFileSync(target, doc.toString());
  // Read back through the same path `npm run plan` uses, so what we wrote is what gets planned.
  readStackFile(target);
  return {
    file,
    stack,
    problems: [],
    nextSteps: [
      `review ${file}`,
      ...hubSteps,
      `npm run plan            # offline preview of every stack, policy pack included`,
      `pulumi stack init ${stack} && pulumi up --stack ${stack}`,
    ],
  };
}

if (require.main === module) {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.account) {
    console.error(
      "usage: npm run account:add -- --account <12-digit id> --regions us-east-1[,region...] [--name NAME] " +
        "[--stack NAME] [--hub org/security-guard/hub] [--no-recorder] [--trail] [--aggregation account] [--force]",
    );
    process.exit(2);
  }
  const result = addAccount(opts);
  if (result.problems.length > 0) {
    console.error(
      `not written: ${result.problems.length} problem(s):\n${result.problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    process.exit(1);
  }
  console.log(`wrote ${result.file}\nnext:\n${result.nextSteps.map((s) => `  ${s}`).join("\n")}`);
}
