// npm run preflight -- --stack NAME [--json] [--hub-outputs FILE] [--dir DIR]
// npm run preflight -- --stack NAME --deploy-policy
// Read-only checks of the stack's account with your AWS credentials (standard credential chain,
// AWS_ENDPOINT_URL honoured): assumes the stack's deploy role as its provider would and reports
// what would make `pulumi up` fail or leave a flow silent. Exit 1 when anything blocks.
// --deploy-policy prints the deploy role's least-privilege policy instead (no credentials needed).
import * as path from "path";
import { ConfigError } from "../stacks/validateConfig";
import { deployPolicyFor } from "../verify/preflight/deployPolicy";
import { formatReport } from "../verify/preflight/findings";
import { preflight } from "../verify/preflight/preflight";
import { readStackFile } from "../verify/stackFiles";

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const stackName = arg("--stack");
  if (!stackName) {
    console.error("usage: npm run preflight -- --stack NAME [--json] [--hub-outputs FILE] [--deploy-policy]");
    return 2;
  }
  const dir = path.resolve(arg("--dir") ?? path.resolve(__dirname, ".."));
  const stack = readStackFile(path.join(dir, `Pulumi.${stackName}.yaml`));
  if (argv.includes("--deploy-policy")) {
    const { policy } = await deployPolicyFor(stack);
    console.log(JSON.stringify(policy, null, 2));
    return 0;
  }
  const hubOutputs = arg("--hub-outputs");
  const result = await preflight(stack, {
    hubOutputsFile: hubOutputs ? path.resolve(hubOutputs) : undefined,
  });
  console.log(argv.includes("--json") ? JSON.stringify(result, null, 2) : formatReport(result));
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof ConfigError ? err.message : `preflight failed: ${(err as Error).stack ?? err}`,
    );
    process.exit(2);
  },
);
