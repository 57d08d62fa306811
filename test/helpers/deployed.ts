// "As deployed" testing: build the Lambda packages exactly as
// CallbackFunction serializes them, into a directory outside the repository, and run them in a
// separate node process that sees only what the Lambda runtime provides (the AWS SDK v3).
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { buildLambdas } from "../../verify/lambdaPackages";
import { LambdaManifest } from "../../verify/lambdaPackages";
import { LAMBDA_RUNTIME, runtimeNodeMajor } from "../../stacks/lambdaRuntime";

const REPO = path.resolve(__dirname, "..", "..");
type Built = { dir: string; manifest: LambdaManifest };
const built: { promise?: Promise<Built>; ungrouped?: Promise<Built> } = {};

/**
 * Builds the hub's packages once per test process (into the OS temp dir, outside the repo).
 * `grouping: false` builds them from the same hub config with grouping turned off, for suites
 * about something else that expect every event to post at once (test/handlers/notifier/grouping
 * tests the digest runs on the default build).
 */
export function buildDeployedPackages(opts: { grouping?: boolean } = {}): Promise<Built> {
  const key = opts.grouping === false ? "ungrouped" : "promise";
  if (!built[key]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-lambdas-"));
    let stackFile = path.join(REPO, "Pulumi.hub.yaml");
    if (key === "ungrouped") {
      const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-hub-ungrouped-"));
      const text = fs.readFileSync(stackFile, "utf8");
      if (/security-guard:grouping:/.test(text))
        throw new Error("Pulumi.hub.yaml sets grouping: update this helper");
      stackFile = path.join(configDir, "Pulumi.hub.yaml");
      fs.writeFileSync(stackFile, `${text.trimEnd()}\n  security-guard:grouping:\n    enabled: false\n`);
    }
    built[key] = buildLambdas(dir, [stackFile]).then((manifest) => ({ dir, manifest }));
  }
  return built[key]!;
}

/**
 * Builds the hub's packages from the repo's hub stack file with `config` set over it (keys without
 * the `security-guard:` namespace), for suites about a setting that file leaves as it is. Each call
 * builds anew, into the OS temp dir.
 */
export async function buildDeployedPackagesWith(config: Record<string, unknown>): Promise<Built> {
  const hub = parse(fs.readFileSync(path.join(REPO, "Pulumi.hub.yaml"), "utf8"));
  for (const [key, value] of Object.entries(config)) hub.config[`security-guard:${key}`] = value;
  const stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sg-hub-with-")), "Pulumi.hub.yaml");
  fs.writeFileSync(stackFile, stringify(hub));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-lambdas-with-"));
  return { dir, manifest: await buildLambdas(dir, [stackFile]) };
}

/**
 * Builds the hub's packages with `chatops` merged into the hub stack file's chat-ops config; returns
 * the directory of each function named in `functions`.
 */
export async function buildWithChatops(
  chatops: Record<string, unknown>,
  functions: string[],
): Promise<Record<string, string>> {
  const hub = parse(fs.readFileSync(path.join(REPO, "Pulumi.hub.yaml"), "utf8"));
  const { manifest } = await buildDeployedPackagesWith({
    chatops: { ...hub.config["security-guard:chatops"], ...chatops },
  });
  return Object.fromEntries(
    functions.map((name) => [name, manifest.functions.find((f) => f.function === name)!.dir]),
  );
}

/** A NODE_PATH directory holding only the AWS SDK v3, as the Lambda Node.js runtime provides. */
function lambdaRuntimeModules(): string {
  const dir = path.join(os.tmpdir(), `sg-lambda-runtime-${process.pid}`);
  if (!fs.existsSync(path.join(dir, "@aws-sdk"))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules", "@aws-sdk"), path.join(dir, "@aws-sdk"), "dir");
  }
  return dir;
}

/**
 * The packages run on the Node major of the runtime the stacks deploy, or not at all: a test under
 * another Node would pass or fail for reasons AWS never sees. `npm test` (and every `npm run`
 * script) runs the project's own Node from node_modules/.bin, which package.json pins to it.
 */
export function assertRuntimeNode(version: string = process.versions.node): void {
  const wanted = runtimeNodeMajor(LAMBDA_RUNTIME);
  const running = Number(version.split(".")[0]);
  if (running !== wanted)
    throw new Error(
      `the functions deploy on ${LAMBDA_RUNTIME} (Node ${wanted}), but these tests run Node ${version} ` +
        `(${process.execPath}): run them through npm (npm test, npm run test:only), which puts the ` +
        `project's Node ${wanted} from node_modules/.bin first on PATH, or install Node ${wanted}`,
    );
}

export interface InvokeResult {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * Invokes a deployed package's handler once per event in one fresh node process (one "container").
 * `env` is the function's environment (endpoints, credentials, its own variables): nothing of this
 * process's environment leaks in but PATH.
 */
export async function invokeDeployed(
  functionDir: string,
  events: unknown[],
  env: Record<string, string>,
  options: {
    handler?: string;
    timeoutMs?: number;
    /**
     * What context.getRemainingTimeInMillis() starts from at each invocation, or per invocation
     * (default: a fixed 30 s).
     */
    remainingMs?: number | number[];
    /**
     * When each event happens in a replayed day's simulated time (ms, one per event): the
     * container's monotonic clock moves by the simulated pauses (see invokeRunner.js).
     */
    simulatedAtMs?: number[];
  } = {},
): Promise<{
  results: InvokeResult[];
  /** How long each invocation took, in milliseconds (in the order of `results`). */
  durations: number[];
  /** When each invocation started, epoch milliseconds (in the order of `results`). */
  startedAt: number[];
  stdout: string;
  stderr: string;
}> {
  assertRuntimeNode();
  if (options.simulatedAtMs && options.simulatedAtMs.length !== events.length)
    throw new Error(
      `simulatedAtMs has ${options.simulatedAtMs.length} times for ${events.length} events: one per event`,
    );
  const functionName = path.basename(functionDir);
  const child = spawn(process.execPath, [path.join(__dirname, "invokeRunner.js")], {
    cwd: functionDir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: lambdaRuntimeModules(),
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}`,
      LAMBDA_TASK_ROOT: functionDir,
      AWS_REGION: "us-east-1",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(
    JSON.stringify({
      dir: functionDir,
      handler: options.handler ?? "__index.handler",
      events,
      functionName,
      remainingMs: options.remainingMs,
      simulatedAtMs: options.simulatedAtMs,
      nodeMajor: runtimeNodeMajor(LAMBDA_RUNTIME),
    }),
  );
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `deployed ${functionName} did not finish within ${options.timeoutMs ?? 60000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const marker = stdout.lastIndexOf("__RESULTS__");
  if (marker < 0)
    throw new Error(`deployed ${functionName} exited ${code} without results:\n${stdout}\n${stderr}`);
  const timed = JSON.parse(stdout.slice(marker + "__RESULTS__".length).trim()) as Array<
    InvokeResult & { ms?: number; at?: number }
  >;
  return {
    results: timed.map(({ ms: _ms, at: _at, ...r }) => r),
    durations: timed.map((r) => r.ms ?? NaN),
    startedAt: timed.map((r) => r.at ?? NaN),
    stdout: stdout.slice(0, marker),
    stderr,
  };
}
