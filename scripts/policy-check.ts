// npm run policy:check -- --program PATH [--stack NAME] [--config FILE] [--policy-config FILE] [--json]
// Runs the CrossGuard pack over any Pulumi TypeScript program under the mock runtime: the program
// module is loaded as `pulumi preview` would load it, with the stack's config, and every resource
// it registers is checked. Exit 1 on a mandatory violation or a program that fails to build.
import { policyCheck } from "../verify/policy/check";

async function main(argv: string[]): Promise<number> {
  const value = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
  const program = value("--program");
  if (!program) {
    console.error(
      "usage: npm run policy:check -- --program PATH [--stack NAME] [--config Pulumi.<stack>.yaml] [--policy-config FILE] [--json]",
    );
    return 2;
  }
  const result = await policyCheck({
    program,
    stack: value("--stack"),
    config: value("--config"),
    policyConfig: value("--policy-config"),
  });
  const mandatory = result.violations.filter((v) => v.level === "mandatory").length;
  if (argv.includes("--json")) console.log(JSON.stringify(result, null, 2));
  else {
    if (result.error) console.log(`error: ${result.program} did not build: ${result.error}`);
    for (const v of result.violations)
      console.log(`[${v.level}] ${v.policy}: ${v.name ?? "stack"} (${v.type ?? "stack"}): ${v.message}`);
    console.log(
      `${result.error || mandatory > 0 ? "FAIL" : "PASS"}: ${result.resources} resources, ${mandatory} mandatory, ` +
        `${result.violations.length - mandatory} advisory violations`,
    );
  }
  return result.error || mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
