// npm run lambdas -- --out DIR [--stack FILE ...]
// Writes every function's deployable package as CallbackFunction serialized it, and
// DIR/manifest.json (function, stack, handler, runtime, environment variable names, bytes).
import * as fs from "fs";
import * as path from "path";
import { evaluateStacks } from "./lib/evaluateStacks";
import { LambdaManifest, PackagedFunction, writeLambdaPackages } from "./lib/lambdaPackages";
import { listStackFiles, readStackFile } from "./lib/stackFiles";

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

async function main(argv: string[]): Promise<void> {
  const outIdx = argv.indexOf("--out");
  if (outIdx < 0 || !argv[outIdx + 1]) {
    console.error("usage: npm run lambdas -- --out DIR [--stack Pulumi.<stack>.yaml ...]");
    process.exit(2);
  }
  const stacks: string[] = [];
  argv.forEach((a, i) => a === "--stack" && argv[i + 1] && stacks.push(argv[i + 1]));
  const outDir = path.resolve(argv[outIdx + 1]);
  const manifest = await buildLambdas(outDir, stacks);
  for (const f of manifest.functions) {
    console.log(
      `${f.function.padEnd(32)} ${f.stack.padEnd(12)} ${(f.unpackedBytes / 1024).toFixed(1).padStart(9)} KiB  ${f.packages.join(", ") || "(no packages)"}`,
    );
  }
  console.log(`wrote ${manifest.functions.length} packages and manifest.json to ${outDir}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
