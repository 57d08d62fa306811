// The golden corpus: what `npm run render` prints (Slack message and email) for every event fixture,
// with the default settings and with chat-ops buttons and account names on. `npm run golden` writes
// it to test/golden/; a test compares, so any change to what users see shows up as a reviewed diff.
import * as fs from "fs";
import * as path from "path";
import type { NotifierSettings } from "../handlers/notifier";
import { renderOutput } from "./renderOutput";

const REPO = path.resolve(__dirname, "..");
export const GOLDEN_DIR = path.join(REPO, "test", "golden");
/** Folders of event fixtures (relative to the repo), every `.json` file under them. */
const FIXTURE_DIRS = ["test/fixtures/events", "test/fixtures/wiring"];

/** The settings each fixture is rendered with: the command's default, and a chat-ops hub. */
export const GOLDEN_VARIANTS: Record<string, NotifierSettings> = {
  default: { accountNames: {}, routes: [] },
  chatops: {
    accountNames: {
      "111111111111": "security",
      "222222222222": "payments",
      "333333333333": "data",
      "444444444444": "web",
    },
    routes: [],
    alertActions: true,
  },
};

function fixtureFiles(): string[] {
  return FIXTURE_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO, dir), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json"))
      .map((f) => path.posix.join(dir, f.split(path.sep).join("/"))),
  ).sort();
}

function section(title: string, text: string): string {
  return `=== ${title}\n${text.endsWith("\n") || text === "" ? text : text + "\n"}`;
}

function renderOne(event: unknown, settings: NotifierSettings, email: boolean): string {
  try {
    const out = renderOutput(event, settings, email);
    return section(email ? "email" : "slack", out.stdout) + section("stderr", out.stderr);
  } catch (err) {
    return section("error", `${(err as Error).message}\n`);
  }
}

/** Golden file path (relative to test/golden) to its content. */
export function goldenCorpus(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fixtureFiles()) {
    const event: unknown = JSON.parse(fs.readFileSync(path.join(REPO, file), "utf8"));
    const rel = file.replace(/^test\/fixtures\//, "").replace(/\.json$/, ".txt");
    for (const [variant, settings] of Object.entries(GOLDEN_VARIANTS)) {
      out.set(
        path.posix.join(variant, rel),
        renderOne(event, settings, false) + renderOne(event, settings, true),
      );
    }
  }
  return out;
}

/** Every file under test/golden (relative, posix). */
export function goldenFilesOnDisk(): string[] {
  if (!fs.existsSync(GOLDEN_DIR)) return [];
  return fs
    .readdirSync(GOLDEN_DIR, { recursive: true })
    .map(String)
    .map((f) => f.split(path.sep).join("/"))
    .filter((f) => fs.statSync(path.join(GOLDEN_DIR, f)).isFile())
    .sort();
}
