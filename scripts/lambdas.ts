// npm run lambdas -- --out DIR [--stack FILE ...]
// Writes every function's deployable package as CallbackFunction serialized it, and
// DIR/manifest.json (function, stack, handler, runtime, environment variable names, bytes).
import * as path from "path";
import { buildLambdas } from "../verify/lambdaPackages";

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
