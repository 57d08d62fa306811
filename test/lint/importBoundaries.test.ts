// The import direction between top-level folders (eslint.config.mjs): a forbidden import fails lint,
// through `import`, `export ... from`, `require()` and `import()`, and the allowed ones pass.
import { strict as assert } from "assert";
import * as path from "path";
import { ESLint } from "eslint";

const REPO = path.resolve(__dirname, "..", "..");

/** Lints `code` as if it were the file at `filePath` (relative to the repository); returns the boundary messages. */
async function boundaryErrors(eslint: ESLint, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, filePath) });
  return result.messages
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax")
    .map((m) => m.message);
}

const FORBIDDEN: [file: string, code: string, reason: RegExp][] = [
  [
    "handlers/notifier/deliver.ts",
    'import { hubNames } from "../../stacks/names";',
    /handlers\/ is the Lambda code/,
  ],
  ["handlers/shared/log.ts", 'import * as pulumi from "@pulumi/pulumi";', /handlers\/ is the Lambda code/],
  [
    "handlers/chatops/ack/index.ts",
    'import { hubNames } from "../../../stacks/names";',
    /handlers\/ is the Lambda code/,
  ],
  [
    "handlers/remediator/index.ts",
    'import { plan } from "../../verify/plan";',
    /handlers\/ is the Lambda code/,
  ],
  [
    "handlers/chatops/ack/index.ts",
    'import { policies } from "../../../policy/policies";',
    /handlers\/ is the Lambda code/,
  ],
  [
    "stacks/components/notifier.ts",
    'import { evaluate } from "../../verify/mockRuntime";',
    /The Pulumi program/,
  ],
  ["stacks/hub.ts", 'import { useMoto } from "../test/helpers/moto";', /The Pulumi program/],
  ["index.ts", 'import { main } from "./scripts/plan";', /The Pulumi program/],
  [
    "policy/stackShape.ts",
    'import { hubNames } from "../stacks/names";',
    /policy\/ is a standalone CrossGuard pack/,
  ],
  ["policy/lib/stack.ts", 'import * as aws from "@pulumi/aws";', /policy\/ is a standalone CrossGuard pack/],
  [
    "verify/wiring/summary.ts",
    'const moto = require("../../test/helpers/moto");',
    /verify\/ is product code/,
  ],
  ["verify/wiring/summary.ts", 'const moto = import("../../test/helpers/moto");', /verify\/ is product code/],
  ["verify/plan.ts", 'export { main } from "../scripts/plan";', /verify\/ is product code/],
  ["scripts/policy-check.ts", 'import { toPolicyResources } from "./plan";', /never in another command/],
  [
    "scripts/plan.ts",
    'import { useMoto } from "../test/helpers/moto";',
    /scripts\/ holds thin command entry points/,
  ],
];

const ALLOWED: [file: string, code: string][] = [
  ["handlers/notifier/deliver.ts", 'import { log } from "../shared/log";'],
  // A handler's own step may be named like a top-level folder: only "../../verify" is the folder here.
  ["handlers/chatops/ack/index.ts", 'import { verifySignature } from "./verify";'],
  ["stacks/components/notifier.ts", 'import { createNotifierHandler } from "../../handlers/notifier";'],
  ["stacks/hub.ts", 'import * as aws from "@pulumi/aws";'],
  ["policy/stackShape.ts", 'import { stackOf } from "./lib/stack";'],
  ["verify/plan.ts", 'import { runPoliciesOffline } from "./policy/offline";'],
  ["verify/wiring/actions.ts", 'import { actionCatalog } from "../../policy/lib/actionCatalog";'],
  ["scripts/plan.ts", 'import { plan } from "../verify/plan";'],
  ["test/verify/plan.test.ts", 'import { plan } from "../../scripts/plan";'],
];

describe("import boundaries (eslint.config.mjs)", function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: REPO });

  for (const [file, code, reason] of FORBIDDEN) {
    it(`${file}: rejects ${code}`, async () => {
      const errors = await boundaryErrors(eslint, file, `${code}\nexport {};\n`);
      assert.equal(errors.length, 1, `expected one boundary error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], reason);
    });
  }

  for (const [file, code] of ALLOWED) {
    it(`${file}: allows ${code}`, async () => {
      assert.deepEqual(await boundaryErrors(eslint, file, `${code}\nexport {};\n`), []);
    });
  }
});
