// Writes each Lambda's deployment package exactly as `aws.lambda.CallbackFunction` serialized it
// (the `code` archive it passed to the provider): DIR/<function>/__index.js plus node_modules.
import * as fs from "fs";
import * as path from "path";
import { evaluateStacks } from "./evaluateStacks";
import { MockedResource } from "./mockRuntime";
import { listStackFiles, readStackFile } from "./stackFiles";

export interface PackagedFunction {
  function: string;
  stack: string;
  dir: string;
  handler: string;
  runtime: string;
  environment: string[];
  unpackedBytes: number;
  files: number;
  /** Top-level packages in node_modules (what `dependencies` contributed). */
  packages: string[];
}

export interface LambdaManifest {
  generatedAt: string;
  functions: PackagedFunction[];
}

async function writeEntry(target: string, entry: unknown): Promise<void> {
  const e = entry as {
    path?: Promise<string>;
    text?: Promise<string>;
    assets?: Promise<Record<string, unknown>>;
  };
  // Archive.isInstance is true for every archive kind: look at what the value actually holds.
  const [filePath, text, assets] = await Promise.all([e.path, e.text, e.assets]);
  if (typeof filePath === "string") {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(path.resolve(filePath), target, { recursive: true, dereference: true });
  } else if (typeof text === "string") {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } else if (assets && typeof assets === "object") {
    for (const [name, child] of Object.entries(assets)) await writeEntry(path.join(target, name), child);
  } else {
    throw new Error(`unsupported asset in a Lambda package at ${target}`);
  }
}

function dirStats(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const s = dirStats(p);
      bytes += s.bytes;
      files += s.files;
    } else {
      bytes += fs.statSync(p).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** Writes the packages of every Lambda function among `resources`. */
export async function writeLambdaPackages(
  stack: string,
  resources: MockedResource[],
  outDir: string,
): Promise<PackagedFunction[]> {
  const out: PackagedFunction[] = [];
  for (const r of resources.filter((x) => x.type === "aws:lambda/function:Function")) {
    const fnName = String(r.props.name);
    const dir = path.join(outDir, fnName);
    fs.rmSync(dir, { recursive: true, force: true });
    await writeEntry(dir, r.rawInputs.code);
    const env = ((r.props.environment as { variables?: Record<string, unknown> } | undefined)?.variables ??
      {}) as Record<string, unknown>;
    const { bytes, files } = dirStats(dir);
    const nm = path.join(dir, "node_modules");
    out.push({
      function: fnName,
      stack,
      dir,
      handler: String(r.props.handler),
      runtime: String(r.props.runtime),
      environment: Object.keys(env).sort(),
      unpackedBytes: bytes,
      files,
      packages: fs.existsSync(nm) ? fs.readdirSync(nm).sort() : [],
    });
  }
  return out;
}

/** Evaluates the stacks (default: every stack file in the repository) and writes their functions' packages and manifest.json to outDir. */
export async function buildLambdas(outDir: string, stackPaths?: string[]): Promise<LambdaManifest> {
  const root = path.resolve(__dirname, "..");
  const stacks = stackPaths?.length ? stackPaths.map((p) => readStackFile(p)) : listStackFiles(root);
  fs.mkdirSync(outDir, { recursive: true });
  const functions: PackagedFunction[] = [];
  const failures: string[] = [];
  await evaluateStacks(stacks, async ({ stack, evaluation, error }) => {
    if (error) failures.push(`${stack.file}: ${error.message}`);
    else functions.push(...(await writeLambdaPackages(stack.stack, evaluation!.resources, outDir)));
  });
  if (failures.length > 0) throw new Error(`could not evaluate:\n${failures.join("\n")}`);
  const manifest: LambdaManifest = { generatedAt: new Date().toISOString(), functions };
  fs.writeFileSync(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
