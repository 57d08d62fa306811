// Provisions the Pulumi CLI that `npm run preview:engine` drives, built from the Go module proxy with
// this repository's pinned wrapper module (tools/pulumi-cli: go.mod + go.sum fix every dependency):
//   go build -trimpath -ldflags "-s -w -X .../version.Version=vX" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
// (`node scripts/ensure-pulumi.js`, and every engine run) into a cache outside the clone, keyed by version and go.sum:
//   ${XDG_CACHE_HOME:-~/.cache}/security-guard/pulumi-<version>-<go.sum hash>/bin/pulumi
// Idempotent: returns at once when that binary exists. Where Go is missing it reports "skipped" (the
// engine commands then print SKIPPED and exit 0); a failed build throws.
// Plain JavaScript: `.ci/run` provisions the CLI with plain node before anything else runs.
// `go install pulumi@version` is refused (the CLI's own go.mod has replace directives), hence the wrapper.
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const moduleDir = path.join(root, "tools", "pulumi-cli");
const MAIN_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";

/** The CLI version pinned by the wrapper module (its requirement on pkg/v3). */
function pinnedVersion() {
  const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const m = /^\s*(?:require\s+)?github\.com\/pulumi\/pulumi\/pkg\/v3\s+(v\S+)/m.exec(goMod);
  if (!m) throw new Error(`${moduleDir}/go.mod does not require github.com/pulumi/pulumi/pkg/v3`);
  return m[1];
}

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "security-guard");
}

/** Where the pinned CLI lives once built (whether or not it exists yet). */
function pulumiBinary() {
  const sum = crypto
    .createHash("sha256")
    .update(fs.readFileSync(path.join(moduleDir, "go.sum")))
    .digest("hex")
    .slice(0, 12);
  return path.join(cacheRoot(), `pulumi-${pinnedVersion()}-${sum}`, "bin", "pulumi");
}

function goVersion() {
  const r = spawnSync(process.env.GO || "go", ["env", "GOVERSION"], { encoding: "utf8" });
  return r.error || r.status !== 0 ? undefined : r.stdout.trim();
}

/**
 * Builds the CLI unless cached. Returns { status: "cached" | "built" | "skipped", binary, reason?, seconds? }.
 * Throws when the build fails.
 */
function ensurePulumi({ log = console.log } = {}) {
  const binary = pulumiBinary();
  if (fs.existsSync(binary)) return { status: "cached", binary };
  const go = goVersion();
  if (!go) {
    return {
      status: "skipped",
      binary,
      reason:
        "Go is not installed (https://go.dev/dl; Debian: apt-get install golang), so the Pulumi CLI cannot be built here",
    };
  }
  const version = pinnedVersion();
  log(`building the Pulumi CLI ${version} with ${go} (cold: a few minutes and ~300 MB of modules)`);
  const started = Date.now();
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  const r = spawnSync(
    process.env.GO || "go",
    [
      "build",
      "-mod=readonly",
      "-trimpath",
      "-ldflags",
      `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
      "-o",
      partial,
      MAIN_PACKAGE,
    ],
    { cwd: moduleDir, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (r.error || r.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(`go build of the Pulumi CLI failed (exit ${r.status ?? r.error})`);
  }
  // A real file, not a symlink: the CLI finds its plugins relative to its own resolved path.
  fs.renameSync(partial, binary);
  return { status: "built", binary, seconds: Math.round((Date.now() - started) / 1000) };
}

module.exports = { ensurePulumi, pulumiBinary, pinnedVersion };
