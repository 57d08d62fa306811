// `npm run rollout` under the real Pulumi engine (the pinned CLI) with the stub AWS provider, over
// generated fleets of stack files in a file backend: the command line as a user runs it (its --json,
// table and exit code), the engine's own state and the stub's. Part of `npm run test:engine`.
// Skips (with a SKIPPED line) where Go is missing and the CLI cannot be built.
import { strict as assert } from "assert";
import * as asyncHooks from "async_hooks";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ensurePulumi } from "../../../verify/engine/pulumiCli";
import { runRolloutCli } from "../../../verify/rollout/cli";
import { Fleet, createFleet } from "../../helpers/fleet";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function rolloutCommand(fleet: Fleet, argv: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runRolloutCli(
    argv,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), tty: false },
    fleet.setup,
  );
  return { code, stdout, stderr };
}

interface JsonStack {
  name: string;
  status: string;
  durationMs: number;
  changes: Record<string, number>;
  error: string | null;
}

function jsonOf(run: Run): JsonStack[] {
  const parsed = JSON.parse(run.stdout) as { stacks: JsonStack[] };
  assert.deepEqual(Object.keys(parsed), ["stacks"]);
  for (const s of parsed.stacks)
    assert.deepEqual(Object.keys(s), ["name", "status", "durationMs", "changes", "error"], s.name);
  return parsed.stacks;
}

const statuses = (stacks: JsonStack[]) => stacks.map((s) => [s.name, s.status]);

/** The stacks the backend holds (what a rollout touched). */
async function backendStacks(fleet: Fleet): Promise<string[]> {
  const ws = await LocalWorkspace.create({
    workDir: fleet.dir,
    pulumiCommand: fleet.ws.pulumi,
    envVars: fleet.ws.envVars,
    pulumiHome: fleet.ws.pulumiHome,
  });
  return (await ws.listStacks()).map((s) => s.name).sort();
}

interface JournalLine {
  name: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
}

function journalLines(fleet: Fleet): JournalLine[] {
  return fs
    .readFileSync(path.join(fleet.dir, ".rollout", "journal-up.jsonl"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => JSON.parse(l) as JournalLine);
}

/** Stack runs of the journal that ended (start and end times). */
function journalRuns(fleet: Fleet): { name: string; start: number; end: number }[] {
  return journalLines(fleet)
    .filter((l) => l.finishedAt && l.startedAt)
    .map((l) => ({ name: l.name, start: Date.parse(l.startedAt!), end: Date.parse(l.finishedAt!) }));
}

/** The most stacks running at one moment. */
function peakOverlap(runs: { start: number; end: number }[]): number {
  const edges = runs.flatMap((r) => [
    [r.start, 1],
    [r.end, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

/** A Node timer created inside a Pulumi program's run, and the stack whose run it was. */
interface RunTimer {
  stack: string;
  /** Its delay when created (Node sets `_idleTimeout` to -1 when it is cleared). */
  delayMs: number;
  timer: { _idleTimeout: number; _destroyed: boolean };
}

type PulumiRuns = asyncHooks.AsyncLocalStorage<{ settings: { options: { stack?: string } } }>;

/**
 * Records the timers created inside Pulumi programs' runs while it is on: the SDK keeps a run's state
 * (its stack resource, every resource and output) in an AsyncLocalStorage store, which a timer created
 * in the run captures as its async context and keeps alive for as long as the timer is pending.
 */
function recordRunTimers(): { timers: RunTimer[]; stop(): void } {
  // The SDK's store of runs (runtime/state.js: `global.asyncLocalStorage`, set when it loads).
  const runs = (globalThis as { asyncLocalStorage?: PulumiRuns }).asyncLocalStorage;
  assert.ok(runs, "@pulumi/pulumi's runtime is not loaded");
  const timers: RunTimer[] = [];
  const hook = asyncHooks.createHook({
    init(_id, type, _trigger, resource) {
      const run = runs.getStore();
      if (type === "Timeout" && run) {
        const timer = resource as RunTimer["timer"];
        timers.push({ stack: run.settings.options.stack ?? "?", delayMs: timer._idleTimeout, timer });
      }
    },
  });
  hook.enable();
  return { timers, stop: () => hook.disable() };
}

/** Node's Timeout: `_destroyed` once it fired (not repeating) or was cleared, `_idleTimeout` -1 once cleared. */
const pending = (t: RunTimer) => !t.timer._destroyed && t.timer._idleTimeout >= 0;

let binary: string | undefined;

describe("npm run rollout under the real Pulumi engine", function () {
  this.timeout(15 * 60_000);

  before(function () {
    const cli = ensurePulumi();
    if (cli.status === "skipped") {
      console.log(`SKIPPED: rollout engine tests: ${cli.reason}`);
      this.skip();
    }
    binary = cli.binary;
  });

  describe("a hub and four spokes, two at a time", () => {
    let fleet: Fleet;
    before(async () => {
      fleet = await createFleet({ binary: binary!, spokes: 4, email: ["secops@example.com"] });
    });
    after(() => fleet?.dispose());

    it("deploys the hub, then the canary alone, then the rest with at most two at once", async () => {
      const run = await rolloutCommand(fleet, ["--concurrency", "2", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const stacks = jsonOf(run);
      assert.deepEqual(statuses(stacks), [
        ["hub", "succeeded"],
        ["spoke-000", "succeeded"],
        ["spoke-001", "succeeded"],
        ["spoke-002", "succeeded"],
        ["spoke-003", "succeeded"],
      ]);
      for (const s of stacks) {
        assert.equal(s.error, null);
        assert.deepEqual(Object.keys(s.changes), ["create"], s.name);
        assert.ok(s.changes.create > 30, `${s.name}: ${s.changes.create} creates`);
        assert.ok(s.durationMs > 0);
      }
      // The spokes are the same program: the same resources each.
      assert.equal(new Set(stacks.slice(1).map((s) => s.changes.create)).size, 1);
      assert.deepEqual(await backendStacks(fleet), [
        "hub",
        "spoke-000",
        "spoke-001",
        "spoke-002",
        "spoke-003",
      ]);

      const runs = journalRuns(fleet);
      const at = (name: string) => runs.find((r) => r.name === name)!;
      // Waves: the hub ends before the canary starts; the canary ends before any other spoke starts.
      assert.ok(at("hub").end <= at("spoke-000").start);
      for (const s of ["spoke-001", "spoke-002", "spoke-003"])
        assert.ok(at("spoke-000").end <= at(s).start, s);
      // Three spokes in the last wave, two at a time: two overlap, never three.
      assert.equal(peakOverlap(["spoke-001", "spoke-002", "spoke-003"].map(at)), 2);
      assert.equal(peakOverlap(runs), 2);

      // The hub's email subscription waits for its owner, and the summary (stderr with --json) says so.
      assert.match(
        run.stderr,
        /hub: 1 email subscriptions wait .*\n {2}secops@example\.com \(security-guard-email\)/,
      );
      // One log per stack, with the engine's own lines.
      const logs = fs.readdirSync(path.join(fleet.dir, ".rollout", "logs")).sort();
      assert.deepEqual(logs, ["hub.log", "spoke-000.log", "spoke-001.log", "spoke-002.log", "spoke-003.log"]);
      assert.match(
        fs.readFileSync(path.join(fleet.dir, ".rollout", "logs", "spoke-002.log"), "utf8"),
        /\+ +aws:iam:Role spoke-account-forwarder created[\s\S]*# succeeded in/,
      );
    });

    it("reports drift injected into the stub's state, by stack and resource", async () => {
      const urn = (stack: string, type: string, name: string) =>
        `urn:pulumi:${stack}::security-guard::security-guard:spoke:Spoke$security-guard:spoke:${type}::${name}`;
      fs.writeFileSync(
        fleet.driftFile,
        JSON.stringify({
          // The forwarder role deleted, and the security-group rule's pattern edited, in the console.
          [urn("spoke-002", "SpokeRoles$aws:iam/role:Role", "spoke-account-forwarder")]: null,
          [urn("spoke-002", "SpokeRegion$aws:cloudwatch/eventRule:EventRule", "spoke-us-east-1-sg-changes")]:
            {
              eventPattern: '{"source":["aws.ec2"]}',
            },
        }),
      );
      const json = await rolloutCommand(fleet, ["--drift", "--json"]);
      assert.equal(json.code, 0, json.stderr);
      const stacks = jsonOf(json);
      assert.deepEqual(statuses(stacks), [
        ["hub", "unchanged"],
        ["spoke-000", "unchanged"],
        ["spoke-001", "unchanged"],
        ["spoke-002", "drifted"],
        ["spoke-003", "unchanged"],
      ]);
      assert.deepEqual(stacks[3].changes, { delete: 1, update: 1 });
      assert.match(
        json.stderr,
        /drift in spoke-002:\n {2}delete aws:iam\/role:Role spoke-account-forwarder\n {2}update aws:cloudwatch\/eventRule:EventRule spoke-us-east-1-sg-changes\n/,
      );
      // Only a preview: the state still has the role.
      const text = await rolloutCommand(fleet, ["--drift", "--stacks", "spoke-00[2]", "spoke-002"]);
      assert.equal(text.code, 2);
      assert.match(text.stderr, /--stacks spoke-00\[2\]: no stack file matches/);
      const again = await rolloutCommand(fleet, ["--drift", "--stacks", "spoke-002", "--canary", "0"]);
      assert.match(again.stdout, /spoke-002 +drifted +[\d.]+ s +1 delete, 1 update/);
      fs.rmSync(fleet.driftFile);
    });

    it("previews the fleet with the policy pack: nothing to change after the rollout", async () => {
      const run = await rolloutCommand(fleet, ["--preview", "--stacks", "hub", "spoke-*", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        statuses(jsonOf(run)).map(([, st]) => st),
        ["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"],
      );
      assert.match(
        fs.readFileSync(path.join(fleet.dir, ".rollout", "logs", "spoke-001.log"), "utf8"),
        /Policies:\n +✅ aws-security-guard@v[\d.]+ \(local: /,
      );
    });
  });

  describe("a hub and two spokes: what a finished stack leaves in the rollout's process", () => {
    let fleet: Fleet;
    before(async () => {
      fleet = await createFleet({ binary: binary!, spokes: 2 });
    });
    after(() => fleet?.dispose());

    it("no timer of a stack's program run is pending once the rollout ends", async () => {
      const recording = recordRunTimers();
      let run: Run;
      try {
        run = await rolloutCommand(fleet, ["--json"]);
      } finally {
        recording.stop();
      }
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(statuses(jsonOf(run)), [
        ["hub", "succeeded"],
        ["spoke-000", "succeeded"],
        ["spoke-001", "succeeded"],
      ]);
      // Every run's gRPC channels (resource monitor, engine) armed @grpc/grpc-js's 30-minute idle timer
      // after their last call...
      const idle = recording.timers.filter((t) => t.delayMs === 30 * 60_000);
      assert.deepEqual([...new Set(idle.map((t) => t.stack))].sort(), ["hub", "spoke-000", "spoke-001"]);
      // ...and none of those, nor any other timer created in a run, still holds that run's state.
      assert.deepEqual(
        recording.timers.filter(pending).map((t) => `${t.stack}: ${t.delayMs} ms`),
        [],
      );
    });
  });

  describe("a failing canary", () => {
    let fleet: Fleet;
    before(async () => {
      fleet = await createFleet({ binary: binary!, spokes: 3 });
      // The canary's stack file is wrong: a spoke must include us-east-1 (IAM events are only there).
      fleet.writeSpoke("spoke-000", ["eu-west-1"]);
    });
    after(() => fleet?.dispose());

    it("stops the rollout: the other spokes are not touched, and exit 1", async () => {
      const run = await rolloutCommand(fleet, ["--concurrency", "2"]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /^hub +succeeded /m);
      assert.match(
        run.stdout,
        /^spoke-000 +failed +[\d.]+ s +- +Pulumi\.spoke-000\.yaml: 1 configuration problem: - security-guard:regions = \["eu-west-1"\]: must include us-east-1: IAM's CloudTrail events are delivered only there$/m,
      );
      for (const s of ["spoke-001", "spoke-002"])
        assert.match(run.stdout, new RegExp(`^${s} +skipped +- +- +not started: spoke-000 failed$`, "m"));
      assert.match(
        run.stdout,
        /stopped: spoke-000 failed; nothing new was started, and 2 stacks were not touched: spoke-001, spoke-002\n/,
      );
      // Untouched: the backend has no stack for them.
      assert.deepEqual(await backendStacks(fleet), ["hub", "spoke-000"]);
    });

    it("--resume after the fix runs the failed and untouched stacks only, and finishes", async () => {
      const before = journalLines(fleet).length;
      fleet.writeSpoke("spoke-000");
      const run = await rolloutCommand(fleet, ["--resume", "--concurrency", "2", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const stacks = jsonOf(run);
      assert.deepEqual(statuses(stacks), [
        ["hub", "succeeded"],
        ["spoke-000", "succeeded"],
        ["spoke-001", "succeeded"],
        ["spoke-002", "succeeded"],
      ]);
      // The hub is not run again: this run's journal lines name the three spokes only.
      assert.deepEqual(
        journalLines(fleet)
          .slice(before)
          .filter((l) => l.status === "running")
          .map((l) => l.name)
          .sort(),
        ["spoke-000", "spoke-001", "spoke-002"],
      );
      assert.deepEqual(await backendStacks(fleet), ["hub", "spoke-000", "spoke-001", "spoke-002"]);
      // Nothing left: a second resume runs nothing and reports the earlier outcomes.
      const idle = await rolloutCommand(fleet, ["--resume"]);
      assert.equal(idle.code, 0);
      assert.match(idle.stdout, /^spoke-002 +succeeded \(earlier run\)/m);
    });
  });
});
