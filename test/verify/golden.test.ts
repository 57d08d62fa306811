// The golden corpus: `npm run render` output (Slack and email) of every event fixture must equal
// test/golden/. A difference is either a regression or an intended change: then `npm run golden`
// rewrites the corpus and the diff is reviewed with the change.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { GOLDEN_DIR, goldenCorpus, goldenFilesOnDisk } from "../../verify/goldenCorpus";

describe("golden corpus (npm run golden)", () => {
  const corpus = goldenCorpus();

  it("covers every fixture in both settings variants, and no stale file is left", () => {
    assert.ok(corpus.size >= 100, `only ${corpus.size} golden files`);
    assert.deepEqual(goldenFilesOnDisk(), [...corpus.keys()].sort());
  });

  it("every fixture renders exactly as committed", () => {
    const differ = [...corpus].filter(
      ([rel, text]) => fs.readFileSync(path.join(GOLDEN_DIR, rel), "utf8") !== text,
    );
    assert.deepEqual(
      differ.map(([rel]) => rel),
      [],
      "run `npm run golden` and review the diff if the change is intended",
    );
  });
});
