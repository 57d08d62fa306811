// Lambda package sizes: each function's package as `npm run lambdas` writes it, unpacked and
// zipped (Info-ZIP `zip`, default deflate level, as a deployment zip), against what a naive
// CallbackFunction of the same handler would ship: no `codePathOptions.extraExcludePackages` (so
// every package in `dependencies` and their dependencies; @pulumi/* is always left out) and the
// AWS SDK bundled (the closure of every `@aws-sdk/*` package the handler requires).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LambdaManifest } from "../verify/lambdaPackages";

const REPO = path.resolve(__dirname, "..");

export interface PackageSize {
  function: string;
  unpackedBytes: number;
  zippedBytes: number;
  naiveUnpackedBytes: number;
  naiveZippedBytes: number;
  /** Packages (top-level names) the naive package adds or keeps. */
  naivePackages: number;
}

/** Files under `dir` (relative to `base`), skipping `skip` directories; symlinks are not followed. */
function listFiles(dir: string, base: string, skip: (p: string) => boolean, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip(p)) listFiles(p, base, skip, out);
    } else if (e.isFile()) out.push(path.relative(base, p));
  }
  return out;
}

const bytesOf = (base: string, files: string[]) =>
  files.reduce((n, f) => n + fs.statSync(path.join(base, f)).size, 0);

/** Adds `files` (relative to `cwd`) to `zipFile`, creating it if needed. */
function zipAdd(zipFile: string, cwd: string, files: string[]): void {
  if (!fs.existsSync("/usr/bin/zip") && !process.env.PATH?.split(":").some((d) => fs.existsSync(`${d}/zip`)))
    throw new Error("the lambdas bench needs Info-ZIP `zip` on PATH (apt-get install zip)");
  execFileSync("zip", ["-q", "-X", zipFile, "-@"], { cwd, input: files.join("\n") + "\n" });
}

/** Node's resolution of package `name` from `fromDir`, within the repository. */
function resolvePackage(name: string, fromDir: string): string | undefined {
  for (let d = fromDir; d.startsWith(REPO); d = path.dirname(d)) {
    const p = path.join(d, "node_modules", name);
    if (fs.existsSync(path.join(p, "package.json"))) return fs.realpathSync(p);
    if (d === path.dirname(d)) break;
  }
  return undefined;
}

/** Directories of `names` and everything they depend on (dependencies, optionalDependencies). */
export function packageClosure(names: string[]): Set<string> {
  const dirs = new Set<string>();
  const todo = names.map((name) => ({ name, from: REPO }));
  for (let next = todo.pop(); next; next = todo.pop()) {
    if (next.name.startsWith("@pulumi/")) continue; // CallbackFunction always leaves these out
    const dir = resolvePackage(next.name, next.from);
    if (!dir || dirs.has(dir)) continue;
    dirs.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }))
      todo.push({ name: dep, from: dir });
  }
  return dirs;
}

export function measurePackages(manifest: LambdaManifest, workDir: string): PackageSize[] {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  fs.mkdirSync(workDir, { recursive: true });
  return manifest.functions.map((f) => {
    const own = listFiles(f.dir, f.dir, () => false);
    const zip = path.join(workDir, `${f.function}.zip`);
    const naiveZip = path.join(workDir, `${f.function}.naive.zip`);
    for (const z of [zip, naiveZip]) fs.rmSync(z, { force: true });
    zipAdd(zip, f.dir, own);

    const source = fs.readFileSync(path.join(f.dir, "__index.js"), "utf8");
    const sdk = [...source.matchAll(/require\("(@aws-sdk\/[^/"]+)[^"]*"\)/g)].map((m) => m[1]);
    const dirs = packageClosure([...Object.keys(rootPkg.dependencies ?? {}), ...new Set(sdk)]);
    const naiveFiles = [...dirs].flatMap((d) =>
      listFiles(d, REPO, (p) => p === path.join(d, "node_modules")),
    );
    const ownCode = own.filter((p) => !p.startsWith(`node_modules${path.sep}`));
    zipAdd(naiveZip, f.dir, ownCode);
    zipAdd(naiveZip, REPO, naiveFiles);
    return {
      function: f.function,
      unpackedBytes: bytesOf(f.dir, own),
      zippedBytes: fs.statSync(zip).size,
      naiveUnpackedBytes: bytesOf(f.dir, ownCode) + bytesOf(REPO, naiveFiles),
      naiveZippedBytes: fs.statSync(naiveZip).size,
      naivePackages: dirs.size,
    };
  });
}
