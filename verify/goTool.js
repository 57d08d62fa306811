// Builds a Go command from the Go module proxy with a pinned wrapper module in tools/<name> (go.mod and
// go.sum fix every dependency; a `//go:build tools` file blank-imports the command), into a cache
// outside the clone keyed by version and go.sum, so reruns and other clones do not rebuild:
//   ${XDG_CACHE_HOME:-~/.cache}/security-guard/<name>-<version>-<go.sum hash>/bin/<binary>
// Idempotent: returns at once when that binary exists. Where Go is missing it reports "skipped"; a
// failed build throws. Plain JavaScript: `.ci/run` provisions tools with plain node before anything else.
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");

/**
 * A tool: `name` (its folder under tools/), `cacheName` (default `name`), `binary` (file name), `mainPackage`
 * (the Go package built), `requirement` (the module whose go.mod requirement is the tool's version),
 * `ldflags(version)` (optional extra linker flags).
 */
function goTool(spec) {
  const moduleDir = path.join(root, "tools", spec.name);

  /** The version pinned by the wrapper module (its requirement on `spec.requirement`). */
  function pinnedVersion() {
    const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
    const escaped = spec.requirement.replace(/[.]/g, "\\.");
    const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
    if (!m) throw new Error(`${moduleDir}/go.mod does not require ${spec.requirement}`);
    return m[1];
  }

  /** Where the pinned binary lives once built (whether or not it exists yet). */
  function binaryPath() {
    const sum = crypto
      .createHash("sha256")
      .update(fs.readFileSync(path.join(moduleDir, "go.sum")))
      .digest("hex")
      .slice(0, 12);
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    const dir = `${spec.cacheName ?? spec.name}-${pinnedVersion()}-${sum}`;
    return path.join(base, "security-guard", dir, "bin", spec.binary);
  }

  /** Builds unless cached: { status: "cached" | "built" | "skipped", binary, reason?, seconds? }; throws on a failed build. */
  function ensure({ log = console.log } = {}) {
    const binary = binaryPath();
    if (fs.existsSync(binary)) return { status: "cached", binary };
    const r0 = spawnSync(process.env.GO || "go", ["env", "GOVERSION"], { encoding: "utf8" });
    const go = r0.error || r0.status !== 0 ? undefined : r0.stdout.trim();
    if (!go) {
      return {
        status: "skipped",
        binary,
        reason: `Go is not installed (https://go.dev/dl; Debian: apt-get install golang), so ${spec.binary} cannot be built here`,
      };
    }
    const version = pinnedVersion();
    log(`building ${spec.binary} ${version} with ${go}`);
    const started = Date.now();
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    const partial = `${binary}.partial-${process.pid}`;
    const ldflags = ["-s -w", spec.ldflags ? spec.ldflags(version) : ""].join(" ").trim();
    const r = spawnSync(
      process.env.GO || "go",
      ["build", "-mod=readonly", "-trimpath", "-ldflags", ldflags, "-o", partial, spec.mainPackage],
      { cwd: moduleDir, stdio: ["ignore", "inherit", "inherit"] },
    );
    if (r.error || r.status !== 0) {
      fs.rmSync(partial, { force: true });
      throw new Error(`go build of ${spec.binary} failed (exit ${r.status ?? r.error})`);
    }
    // A real file, not a symlink: a CLI may find its plugins relative to its own resolved path.
    fs.renameSync(partial, binary);
    return { status: "built", binary, seconds: Math.round((Date.now() - started) / 1000) };
  }

  return { ensure, binaryPath, pinnedVersion };
}

module.exports = { goTool };
