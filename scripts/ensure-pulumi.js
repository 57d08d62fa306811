#!/usr/bin/env node
// node scripts/ensure-pulumi.js: builds the pinned Pulumi CLI that `npm run preview:engine` and
// `npm run test:engine` drive, unless it is cached (see verify/engine/pulumiCli.js). Prints SKIPPED
// and exits 0 where Go is missing; exits 1 when the build fails.
const { ensurePulumi } = require("../verify/engine/pulumiCli.js");

const tag = "[ensure-pulumi]";
try {
  const result = ensurePulumi({ log: (line) => console.log(`${tag} ${line}`) });
  if (result.status === "skipped") console.log(`${tag} SKIPPED: ${result.reason}`);
  else if (result.status === "built") console.log(`${tag} built ${result.binary} in ${result.seconds} s`);
  else console.log(`${tag} cached: ${result.binary}`);
} catch (err) {
  console.error(`${tag} ${err.message}`);
  process.exit(1);
}
