#!/usr/bin/env node
// Provisions AWS's event-ruler (Java, Apache-2.0), the second EventBridge pattern matcher of the
// wiring checks (verify/wiring/ruler.ts), when tools/event-ruler/build/ lacks it or is stale:
//   mvn dependency:copy-dependencies (tools/event-ruler/pom.xml) -> tools/event-ruler/build/lib
//   javac tools/event-ruler/Match.java                          -> tools/event-ruler/build/classes
// Idempotent: exits at once when the build matches pom.xml and Match.java (build/.stamp).
// Needs java, javac (JAVA_HOME/bin or PATH) and mvn (MVN or PATH); exits 1 naming what is missing.
const { execFileSync, spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const dir = path.join(root, "tools", "event-ruler");
const build = path.join(dir, "build");
const lib = path.join(build, "lib");
const classes = path.join(build, "classes");
const stampFile = path.join(build, ".stamp");
const tag = "[ensure-event-ruler]";

const javaBin = (name) => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", name) : name);
const tools = { java: javaBin("java"), javac: javaBin("javac"), mvn: process.env.MVN || "mvn" };

function stamp() {
  const h = crypto.createHash("sha256");
  for (const f of ["pom.xml", "Match.java"]) h.update(fs.readFileSync(path.join(dir, f)));
  return h.digest("hex");
}

function upToDate(expected) {
  try {
    return (
      fs.readFileSync(stampFile, "utf8").trim() === expected &&
      fs.existsSync(path.join(classes, "Match.class")) &&
      fs.readdirSync(lib).some((f) => /^event-ruler-.*\.jar$/.test(f)) &&
      fs.readdirSync(lib).some((f) => /^jackson-databind-.*\.jar$/.test(f))
    );
  } catch {
    return false;
  }
}

const expected = stamp();
if (upToDate(expected)) process.exit(0);

const missing = Object.entries(tools)
  .filter(([name, cmd]) => {
    const r = spawnSync(cmd, [name === "mvn" ? "-v" : "-version"], { stdio: "ignore" });
    return r.error || r.status !== 0;
  })
  .map(([name, cmd]) => (cmd === name ? name : `${name} (${cmd})`));
if (missing.length > 0) {
  console.error(
    `${tag} cannot provision event-ruler: ${missing.join(", ")} not found. Install a JDK (8 or later) and ` +
      `Maven (Debian/Ubuntu: apt-get install default-jdk-headless maven), or set JAVA_HOME / MVN.`,
  );
  process.exit(1);
}

const started = Date.now();
const rel = (p) => path.relative(root, p);
fs.rmSync(build, { recursive: true, force: true });
fs.mkdirSync(classes, { recursive: true });
console.log(`${tag} mvn dependency:copy-dependencies (${rel(path.join(dir, "pom.xml"))}) -> ${rel(lib)}`);
// Maven's own output (quiet mode still writes colour resets) is shown only when it fails.
const mvn = spawnSync(
  tools.mvn,
  ["-q", "-B", "-f", path.join(dir, "pom.xml"), "dependency:copy-dependencies"],
  {
    encoding: "utf8",
  },
);
if (mvn.error || mvn.status !== 0) {
  console.error(`${mvn.stdout ?? ""}${mvn.stderr ?? ""}`);
  console.error(`${tag} mvn failed (${mvn.error?.message ?? `exit ${mvn.status}`})`);
  process.exit(1);
}
const jars = fs.readdirSync(lib).filter((f) => f.endsWith(".jar"));
console.log(`${tag} ${jars.length} jars: ${jars.sort().join(", ")}`);
console.log(`${tag} javac ${rel(path.join(dir, "Match.java"))} -> ${rel(classes)}`);
execFileSync(
  tools.javac,
  ["-nowarn", "-encoding", "UTF-8", "-cp", path.join(lib, "*"), "-d", classes, path.join(dir, "Match.java")],
  { stdio: "inherit" },
);
fs.rmSync(path.join(build, "target"), { recursive: true, force: true });
fs.writeFileSync(stampFile, `${expected}\n`);
if (!upToDate(expected)) {
  console.error(`${tag} ${rel(build)} incomplete after provisioning`);
  process.exit(1);
}
console.log(`${tag} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
