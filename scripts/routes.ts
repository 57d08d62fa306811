// `npm run routes -- EVENT_FILE [--stack NAME] [--owner VALUE] [--ou OU[,OU...]] [--json]`: which
// spoke rules forward an event (stack, region, rule) and which hub rules then match it (rule,
// target), by the engines the wiring checks use (moto's EventBridge, and event-ruler where
// provisioned); for an SNS-delivered message, whether the hub's subscription filter passes it; then
// what the notifier would do with it (route, severity, mute rule, skipped why, and the owner and
// organizational units the route choice used where a route names them). Nothing is read from AWS:
// `--owner` and `--ou` say what the notifier's lookups would find. `--json` prints the matches as
// an array of objects.
import * as fs from "fs";
import * as path from "path";
import { HubConfig } from "../stacks/configSchema";
import { configTopicFilterPolicy } from "../stacks/configTopicFilter";
import { notifiedConfigRules } from "../stacks/configRules";
import { notifierSettings } from "../stacks/functionSettings";
import { evaluateStacks } from "../verify/evaluateStacks";
import { listStackFiles, validConfigs } from "../verify/stackFiles";
import { StackRules, explainEvent, formatExplanation } from "../verify/wiring/explain";
import { collectRules } from "../verify/wiring/routes";
import { loadRulerMatcher } from "../verify/wiring/ruler";
import { stackWiringInfo, withMoto } from "../verify/wiring/summary";

const USAGE = "usage: npm run routes -- EVENT_FILE [--stack NAME] [--owner VALUE] [--ou OU[,OU...]] [--json]";

/** Takes `--name VALUE` out of `args`, or undefined when absent. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith("-")) fail(`${name} needs a value\n${USAGE}`);
  args.splice(i, 2);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`routes: ${message}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const json = args.includes("--json");
  if (json) args.splice(args.indexOf("--json"), 1);
  const stackName = option(args, "--stack");
  const owner = option(args, "--owner");
  const ous = option(args, "--ou")?.split(",");
  const badOu = ous?.find((o) => !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(o));
  if (badOu !== undefined) fail(`--ou: ${JSON.stringify(badOu)} is not an organizational unit or root id`);
  if (args.length !== 1 || args[0].startsWith("-")) fail(USAGE);
  const file = args[0];
  let event: unknown;
  try {
    event = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    fail(`cannot read event file ${file}: ${(err as Error).message}`);
  }

  const root = path.resolve(__dirname, "..");
  const files = listStackFiles(root);
  const hubConfig = validConfigs(files).find((c): c is HubConfig => c.role === "hub");
  if (!hubConfig) fail("no valid hub stack config in this directory (run npm run plan to see why)");
  const stacks: StackRules[] = [];
  await evaluateStacks(files, ({ stack, evaluation, error }) => {
    if (error || !evaluation) fail(`stack ${stack.stack} does not build: ${error?.message}`);
    const info = stackWiringInfo(stack.config);
    stacks.push({
      stack: stack.stack,
      role: info.role,
      accountId: info.accountId,
      regions: info.regions,
      topology: collectRules(stack.stack, evaluation.resources),
    });
  });
  const ruler = loadRulerMatcher({ root });
  const explanation = await withMoto((emulator) =>
    emulator().then((em) =>
      explainEvent(event, {
        stacks,
        notifier: { ...notifierSettings(hubConfig) },
        configTopicFilter: configTopicFilterPolicy(notifiedConfigRules(hubConfig)),
        stackName,
        emulator: em,
        ruler,
        now: Date.now(),
        place: {
          ...(owner !== undefined ? { owner } : {}),
          ...(ous ? { organizationalUnits: ous } : {}),
        },
      }),
    ),
  );
  if (!explanation) fail("moto is not installed (.venv): run node scripts/ensure-moto.js");
  if (json) {
    process.stdout.write(
      JSON.stringify(
        explanation.matches.map((m) => ({
          stage: m.stage,
          stack: m.stack,
          region: m.region,
          rule: m.rule,
          resource: m.resource,
          targets: m.targets,
          moto: m.moto,
          ...(m.eventRuler !== undefined ? { eventRuler: m.eventRuler } : {}),
        })),
        null,
        2,
      ) + "\n",
    );
    for (const n of explanation.notifier) process.stderr.write(`routes: notifier: ${JSON.stringify(n)}\n`);
    for (const n of explanation.notes) process.stderr.write(`routes: ${n}\n`);
  } else {
    process.stdout.write(formatExplanation(file, explanation) + "\n");
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => fail(err instanceof Error ? err.message : String(err)),
);
