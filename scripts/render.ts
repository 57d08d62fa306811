// `npm run render -- FILE [--settings SETTINGS.json] [--email]`: prints the Slack message (JSON) the
// notifier would post for an event file: a raw EventBridge event, a Lambda SNS/SQS event, or a bare
// SNS message body. One message prints as an object; several (a batch) as an array; none as [].
// With --email: the email's subject and plain-text body instead. Skipped records and incomplete
// events are reported on stderr. Exit 1 for unreadable or invalid input.
//
// `npm run render -- FILE [FILE...] [--json] [--webhook]`: several files (or a directory, its .json
// files in name order) as one window, each file one batch as the notifier receives it, with
// incidents: what the notifier would send in app mode (or webhook mode): one line per Slack call,
// or with --json `{"posts": [...], "updates": [...], "replies": [...]}` in Slack's argument shapes.
import * as fs from "fs";
import * as path from "path";
import { renderWindow } from "../handlers/notifier/incidents/window";
import { NotifierSettings, validateNotifierSettings } from "../handlers/notifier";
import { renderOutput } from "../verify/renderOutput";

const USAGE =
  "usage: npm run render -- FILE [--settings SETTINGS.json] [--email]\n" +
  "       npm run render -- FILE [FILE...] [--json] [--webhook] [--settings SETTINGS.json]";

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

/** The event files named: files as given, a directory's .json files in name order. */
function eventFiles(names: string[]): string[] {
  return names.flatMap((name) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(name);
    } catch (err) {
      fail(`cannot read event file ${name}: ${(err as Error).message}`);
    }
    if (!stat.isDirectory()) return [name];
    const files = fs
      .readdirSync(name)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => path.join(name, f));
    if (!files.length) fail(`directory ${name} holds no .json event file`);
    return files;
  });
}

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

/** A one-line account of a Slack call: where, and the message's first line. */
function line(kind: string, call: { channel: string; ts: string; text: string; thread_ts?: string }): string {
  const where = call.thread_ts ? `${call.channel} thread ${call.thread_ts}` : `${call.channel} ${call.ts}`;
  return `${kind.padEnd(6)} ${where}: ${call.text.split("\n")[0]}`;
}

async function window(files: string[], settings: NotifierSettings, json: boolean, webhook: boolean) {
  const events = eventFiles(files).map((f) => readJson(f, "event file"));
  const result = await renderWindow(events, settings, webhook ? "webhook" : "app");
  for (const o of result.outcomes)
    if (o.status === "skipped")
      process.stderr.write(`render: record ${o.recordId} skipped: ${o.reason ?? ""}\n`);
  const { posts, updates, replies } = result;
  if (json) {
    process.stdout.write(JSON.stringify({ posts, updates, replies }, null, 2) + "\n");
    return;
  }
  // In call order: posts and replies carry increasing ts; updates follow the post they edit.
  const calls = [
    ...posts.map((c) => ({ at: c.ts, text: line("post", c) })),
    ...replies.map((c) => ({ at: c.ts, text: line("reply", c) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const out = calls.map((c) => c.text);
  for (const u of updates) out.push(line("update", u));
  process.stdout.write(
    `${out.join("\n")}\n${posts.length} top-level post(s), ${updates.length} update(s), ${replies.length} thread reply(ies)\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const email = flag(args, "--email");
  const json = flag(args, "--json");
  const webhook = flag(args, "--webhook");
  let settingsFile: string | undefined;
  const i = args.indexOf("--settings");
  if (i >= 0) {
    settingsFile = args[i + 1];
    if (!settingsFile) fail(`--settings needs a file\n${USAGE}`);
    args.splice(i, 2);
  }
  if (!args.length || args.some((a) => a.startsWith("-"))) fail(USAGE);
  let settings: NotifierSettings = { accountNames: {}, routes: [] };
  if (settingsFile) {
    const s = readJson(settingsFile, "settings file");
    const problems = validateNotifierSettings(s);
    if (problems.length) fail(`settings file ${settingsFile} is invalid: ${problems.join("; ")}`);
    settings = s as NotifierSettings;
  }
  const isDir = (f: string) => fs.existsSync(f) && fs.statSync(f).isDirectory();
  if (args.length > 1 || json || webhook || isDir(args[0])) {
    if (email) fail(`--email renders one event file\n${USAGE}`);
    return window(args, settings, json, webhook);
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

main(process.argv.slice(2)).catch((err) => fail((err as Error).message));
