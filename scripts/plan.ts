// npm run plan [-- --json | --markdown] [--dir DIR] [--report FILE] [--brief] [--no-wiring] [--policy-config FILE]
// Offline `pulumi preview` of every stack config in the repo under the Pulumi mock runtime: the
// resources per stack and region, the CrossGuard pack's results, and AWS quota headroom. No cloud
// credentials. Exit 1 on any mandatory violation, invalid config, or a stack that fails to build.
// --markdown prints the report as GitHub-flavoured Markdown (job summary, pull request comment) and
// writes it beside the JSON report (report.md).
import * as fs from "fs";
import * as path from "path";
import { formatStack, plan } from "../verify/plan";
import { formatMuteReport } from "../verify/muteReport";
import { readPackConfig } from "../verify/policy/packConfig";
import { planMarkdown } from "../verify/planMarkdown";
import { listStackFiles, validConfigs } from "../verify/stackFiles";
import { formatWiringSummary } from "../verify/wiring/summary";

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const markdown = argv.includes("--markdown");
  const brief = argv.includes("--brief");
  const arg = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const root = path.resolve(__dirname, "..");
  const dir = path.resolve(arg("--dir") ?? root);
  const reportPath = path.resolve(arg("--report") ?? path.join(root, ".plan", "report.json"));
  const stacks = listStackFiles(dir);
  if (stacks.length === 0) {
    console.error(`no stack config files (Pulumi.<stack>.yaml) in ${dir}`);
    return 1;
  }
  const quiet = json || markdown;
  const report = await plan(stacks, quiet ? undefined : (s) => console.log(formatStack(s, brief)), {
    wiring: !argv.includes("--no-wiring"),
    policyOptions: arg("--policy-config") ? readPackConfig(arg("--policy-config")!) : undefined,
  });
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else if (markdown) {
    const topology = validConfigs(stacks).map((config) => ({
      stack: stacks.find((s) => s.file === config.stackFile)!.stack,
      config,
    }));
    const text = planMarkdown(report, topology);
    fs.writeFileSync(reportPath.replace(/\.json$/, "") + ".md", text);
    process.stdout.write(text);
  } else {
    for (const p of report.crossStackProblems) console.log(`FAIL ${p}`);
    for (const line of formatMuteReport(report.muteReport)) console.log(line);
    if (report.wiring) console.log(`\n${formatWiringSummary(report.wiring, { verbose: !brief })}`);
    const t = report.totals;
    console.log(
      `\n${report.ok ? "PASS" : "FAIL"}: ${t.stacks} stacks, ${t.resources} resources, ${t.mandatory} mandatory and ` +
        `${t.advisory} advisory violations, ${t.failedStacks} stacks failed to build. Report: ${path.relative(process.cwd(), reportPath)}`,
    );
  }
  return report.ok ? 0 : 1;
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
