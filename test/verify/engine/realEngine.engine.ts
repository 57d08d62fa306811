// The real Pulumi engine (the pinned CLI, built by scripts/ensure-pulumi.js) with the stub AWS
// provider: `npm run test:engine`, its own CI step (minutes, not part of `npm test`).
// - the broken-program corpus: the engine with the policy pack and the offline runner
//   (`policy:check`) report the same policies and messages for every program (in worker processes,
//   ENGINE_JOBS of them, default: the number of cores);
// - a violation injected into the real program fails the engine's preview, and `policy analyze`
//   finds it in the deployed state.
// The shipped stack files themselves go through the engine in `npm run preview:engine` (its own CI step).
// Skips (with a SKIPPED line) where Go is missing and the CLI cannot be built.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import type { Violation } from "../../../verify/policy/offline";
import { listStackFiles } from "../../../verify/stackFiles";
import { runProgram } from "../../../stacks/program";
import { CorpusCaseResult, CorpusRun, isClean, runCorpus } from "../../../verify/engine/corpus";
import { ensurePulumi } from "../../../verify/engine/pulumiCli";
import { runStacksThroughEngine } from "../../../verify/engine/runStacks";
import { EngineWorkspace, createEngineWorkspace } from "../../../verify/engine/workspace";

const REPO = path.resolve(__dirname, "..", "..", "..");
const CORPUS = path.join(REPO, "test", "fixtures", "broken-programs");

function corpusDirs(): string[] {
  return fs
    .readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
    .filter((d) => fs.existsSync(path.join(CORPUS, d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
}

/** What both runners must agree on (URNs differ: the offline runner has no real stack). */
function comparable(violations: Violation[]): string[] {
  return violations
    .map((v) => `[${v.level}] ${v.policy} ${v.name ?? "stack"} (${v.type ?? "stack"}): ${v.message}`)
    .sort();
}

let binary: string | undefined;

function engineWorkspace(): Promise<EngineWorkspace> {
  return createEngineWorkspace({ binary: binary! });
}

describe("the real Pulumi engine", function () {
  this.timeout(20 * 60_000);
  let corpus: CorpusRun | undefined;

  before(function () {
    const cli = ensurePulumi();
    if (cli.status === "skipped") {
      console.log(`SKIPPED: real-engine tests: ${cli.reason}`);
      this.skip();
    }
    binary = cli.binary;
    // The corpus runs in worker processes from here on, while this process runs the injected-violation
    // tests below (mocha runs a suite's own tests before its nested suites).
    corpus = runCorpus({ binary, corpusDir: CORPUS, dirs: corpusDirs() });
  });
  after(() => corpus?.stop());

  describe("broken-program corpus: the engine and the offline runner agree", () => {
    let results: Map<string, CorpusCaseResult>;
    before(async () => {
      results = await corpus!.results;
    });

    for (const dir of corpusDirs()) {
      it(dir, () => {
        const r = results.get(dir);
        assert.ok(r, `${dir}: no result`);
        assert.equal(r.error, undefined, `${dir}: ${r.error}`);
        if (r.retried) console.log(`      (${dir} ran twice: the first run lost the engine: ${r.retried})`);
        const { engine, offline } = r as Required<CorpusCaseResult>;
        assert.deepEqual(engine.errors, [], `${dir}: engine errors`);
        assert.equal(offline.error, undefined, offline.error);
        assert.deepEqual(comparable(engine.violations), comparable(offline.violations));
        const clean = isClean(dir);
        assert.equal(
          engine.failed,
          !clean,
          `${dir}: the engine's ${engine.caughtAt ?? "preview"} ${engine.failed ? "failed" : "passed"}`,
        );
        if (!clean) assert.ok(engine.violations.length > 0, `${dir}: no violation under the engine`);
      });
    }
  });

  /** The hub program plus a security group open to the world on port 22. */
  const withOpenSsh = () => async () => {
    const outputs = runProgram();
    const provider = new aws.Provider("injected", {
      region: "us-east-1",
      allowedAccountIds: ["111111111111"],
    });
    new aws.ec2.SecurityGroup(
      "injected-bastion",
      { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] },
      { provider },
    );
    return outputs;
  };
  const OPEN_SSH = [
    "no-public-ssh-ingress",
    "injected-bastion",
    "aws:ec2/securityGroup:SecurityGroup ingress[0] opens SSH (TCP 22-22) to 0.0.0.0/0.",
  ];
  const hubFile = () => listStackFiles(REPO).filter((s) => s.stack === "hub");

  it("fails the preview of the real program when a violation is injected into it", async () => {
    const ws = await engineWorkspace();
    try {
      const run = await runStacksThroughEngine({
        ws,
        stacks: hubFile(),
        projectDir: REPO,
        program: withOpenSsh,
      });
      assert.equal(run.ok, false);
      const preview = run.steps.find((s) => s.step === "preview")!;
      assert.equal(preview.ok, false);
      assert.deepEqual(
        preview.violations.map((v) => [v.level, v.policy, v.name, v.message.split("\n").pop()]),
        [["mandatory", ...OPEN_SSH]],
      );
      assert.equal(
        run.steps.some((s) => s.step === "up"),
        false,
        "up ran after a failed preview",
      );
    } finally {
      ws.dispose();
    }
  });

  it("policy analyze finds the violation in the deployed state (made advisory by a pack config file)", async () => {
    const ws = await engineWorkspace();
    const configFile = path.join(ws.dir, "pack-config.json");
    fs.writeFileSync(
      configFile,
      JSON.stringify({ "no-public-ssh-ingress": { enforcementLevel: "advisory" } }),
    );
    try {
      const run = await runStacksThroughEngine({
        ws,
        stacks: hubFile(),
        projectDir: REPO,
        program: withOpenSsh,
        policyPackConfig: configFile,
      });
      assert.deepEqual(
        run.steps.map((s) => [s.step, s.ok]),
        [
          ["config", true],
          ["preview", true],
          ["up", true],
          ["outputs", true],
          ["analyze", true],
        ],
      );
      for (const step of ["preview", "analyze"]) {
        const s = run.steps.find((x) => x.step === step)!;
        assert.deepEqual(
          s.violations.map((v) => [v.level, v.policy, v.name, v.message.split("\n").pop()]),
          [["advisory", ...OPEN_SSH]],
          step,
        );
      }
    } finally {
      ws.dispose();
    }
  });
});
