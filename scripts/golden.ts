// `npm run golden`: rewrites test/golden/ (what `npm run render` prints for every event fixture,
// Slack and email, default and chat-ops settings). Review the diff: every change must be intended.
import * as fs from "fs";
import * as path from "path";
import { GOLDEN_DIR, goldenCorpus, goldenFilesOnDisk } from "../verify/goldenCorpus";

const corpus = goldenCorpus();
let changed = 0;
for (const old of goldenFilesOnDisk()) {
  if (!corpus.has(old)) {
    fs.rmSync(path.join(GOLDEN_DIR, old));
    changed++;
  }
}
for (const [rel, text] of corpus) {
  const file = path.join(GOLDEN_DIR, rel);
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) continue;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  changed++;
}
process.stdout.write(`golden: ${corpus.size} files, ${changed} written or removed in ${GOLDEN_DIR}\n`);
