// `npm run render -- FILE [--settings SETTINGS.json] [--email]`: prints the Slack message (JSON) the
// notifier would post for an event file: a raw EventBridge event, a Lambda SNS/SQS event, or a bare
// SNS message body. One message prints as an object; several (a batch) as an array; none as [].
// With --email: the email's subject and plain-text body instead. Skipped records and incomplete
// events are reported on stderr. Exit 1 for unreadable or invalid input.
import * as fs from "fs";
import { NotifierSettings, validateNotifierSettings } from "../handlers/notifier";
import { renderOutput } from "../verify/renderOutput";

const USAGE = "usage: npm run render -- FILE [--settings SETTINGS.json] [--email]";

function fail(message: string): never {
  process.stderr.write(`render: ${message}\n`);
  process.exit(1);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    fail(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function main(argv: string[]): void {
  const args = [...argv];
  const email = args.includes("--email");
  if (email) args.splice(args.indexOf("--email"), 1);
  let settingsFile: string | undefined;
  const i = args.indexOf("--settings");
  if (i >= 0) {
    settingsFile = args[i + 1];
    if (!settingsFile) fail(`--settings needs a file\n${USAGE}`);
    args.splice(i, 2);
  }
  if (args.length !== 1 || args[0].startsWith("-")) fail(USAGE);
  let settings: NotifierSettings = { accountNames: {}, routes: [] };
  if (settingsFile) {
    const s = readJson(settingsFile, "settings file");
    const problems = validateNotifierSettings(s);
    if (problems.length) fail(`settings file ${settingsFile} is invalid: ${problems.join("; ")}`);
    settings = s as NotifierSettings;
  }
  const event = readJson(args[0], "event file");
  let out;
  try {
    out = renderOutput(event, settings, email);
  } catch (err) {
    fail(`event file ${args[0]} cannot be rendered: ${(err as Error).message}`);
  }
  process.stderr.write(out.stderr);
  process.stdout.write(out.stdout);
}

main(process.argv.slice(2));
