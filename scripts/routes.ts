// `npm run routes -- EVENT_FILE [--stack NAME] [--json]`: which spoke rules forward an event (stack,
// region, rule) and which hub rules then match it (rule, target), by the engines the wiring checks
// use (moto's EventBridge, and event-ruler where provisioned); for an SNS-delivered message, whether
// the hub's subscription filter passes it; then what the notifier would do with it (route,
// severity, mute rule, skipped why). `--json` prints the matches as an array of objects.
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

const USAGE = "usage: npm run routes -- EVENT_FILE [--stack NAME] [--json]";

function fail(message: string): never {
  process.stderr.write(`routes: ${message}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const json = args.includes("--json");
  if (json) args.splice(args.indexOf("--json"), 1);
  let stackName: string | undefined;
  const i = args.indexOf("--stack");
  if (i >= 0) {
    stackName = args[i + 1];
    if (!stackName) fail(`--stack needs a stack name\n${USAGE}`);
    args.splice(i, 2);
  }
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
