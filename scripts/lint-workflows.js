#!/usr/bin/env node
// npm run lint:workflows: checks every GitHub Actions workflow in .github/workflows with actionlint
// (expressions, job needs, matrix keys, action inputs, and the shell of `run:` steps where shellcheck is
// installed). actionlint is built from the Go module proxy with the pinned wrapper module in
// tools/actionlint and cached outside the clone (verify/goTool.js), like the Pulumi CLI. Prints SKIPPED
// and exits 0 where Go is missing; exits 1 on any finding or a failed build.
const { spawnSync } = require("child_process");
const path = require("path");
const { goTool } = require("../verify/goTool.js");

const tag = "[lint:workflows]";
const actionlint = goTool({
  name: "actionlint",
  binary: "actionlint",
  mainPackage: "github.com/rhysd/actionlint/cmd/actionlint",
  requirement: "github.com/rhysd/actionlint",
});
let tool;
try {
  tool = actionlint.ensure({ log: (line) => console.log(`${tag} ${line}`) });
} catch (err) {
  console.error(`${tag} ${err.message}`);
  process.exit(1);
}
if (tool.status === "skipped") {
  console.log(`${tag} SKIPPED: ${tool.reason}`);
  process.exit(0);
}
// With no file arguments actionlint checks .github/workflows of the repository it runs in.
const r = spawnSync(tool.binary, ["-no-color"], { cwd: path.resolve(__dirname, ".."), stdio: "inherit" });
if (r.status === 0) console.log(`${tag} actionlint ${actionlint.pinnedVersion()}: no findings`);
process.exit(r.status ?? 1);
