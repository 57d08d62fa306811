// A second, independent EventBridge pattern matcher: AWS's event-ruler (Java, Apache-2.0,
// https://github.com/aws/event-ruler), the library AWS publishes as its event-pattern matcher. It
// decides the route cells moto cannot evaluate (corpus.ts MOTO_LIMITATIONS) and cross-checks the
// others. tools/event-ruler/Match.java wraps Ruler.matchesRule(event, rule); the build is
// provisioned by scripts/ensure-event-ruler.js (mvn + javac into tools/event-ruler/build/).
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface RulerPair {
  id: string;
  pattern: Record<string, unknown> | string;
  event: Record<string, unknown> | string;
}

export type RulerAnswer = { matches: boolean } | { error: string };

export interface RulerMatcher {
  /** "event-ruler <version>" */
  engine: string;
  /** Evaluates every pair in one run of the Java program. */
  match(pairs: RulerPair[]): Promise<Map<string, RulerAnswer>>;
}

/** Why event-ruler is not used (no Java, or tools/event-ruler/build not provisioned). */
export interface RulerUnavailable {
  unavailable: string;
}

export function isRulerMatcher(r: RulerMatcher | RulerUnavailable | undefined): r is RulerMatcher {
  return !!r && "match" in r;
}

const PROVISION = "node scripts/ensure-event-ruler.js";

function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/**
 * The event-ruler matcher of tools/event-ruler/build, or why it cannot be used. Never provisions
 * (that needs Maven and the network): run `node scripts/ensure-event-ruler.js` first.
 */
export function loadRulerMatcher(
  options: { root?: string; timeoutMs?: number } = {},
): RulerMatcher | RulerUnavailable {
  const root = options.root ?? path.resolve(__dirname, "..", "..");
  const build = path.join(root, "tools", "event-ruler", "build");
  const classes = path.join(build, "classes");
  const lib = path.join(build, "lib");
  const jars = fs.existsSync(lib) ? fs.readdirSync(lib) : [];
  const rulerJar = jars.find((f) => /^event-ruler-.+\.jar$/.test(f));
  if (!fs.existsSync(path.join(classes, "Match.class")) || !rulerJar) {
    return { unavailable: `event-ruler not provisioned in ${path.relative(root, build)} (${PROVISION})` };
  }
  const java = javaCommand();
  const probe = spawnSync(java, ["-version"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    return { unavailable: `no Java runtime (${java}: ${probe.error?.message ?? `exit ${probe.status}`})` };
  }
  const version = rulerJar.replace(/^event-ruler-/, "").replace(/\.jar$/, "");
  const classpath = [classes, path.join(lib, "*")].join(path.delimiter);
  const timeoutMs = options.timeoutMs ?? 120_000;

  return {
    engine: `event-ruler ${version}`,
    match(pairs) {
      return new Promise((resolve, reject) => {
        if (pairs.length === 0) return resolve(new Map());
        const child = spawn(java, ["-cp", classpath, "Match"], { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`event-ruler: no answer within ${timeoutMs} ms for ${pairs.length} pairs`));
        }, timeoutMs);
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.on("error", (err) => {
          clearTimeout(timer);
          reject(new Error(`event-ruler: cannot start ${java}: ${err.message}`));
        });
        child.on("close", (code) => {
          clearTimeout(timer);
          if (code !== 0) return reject(new Error(`event-ruler: exit ${code}: ${stderr.trim()}`));
          const answers = new Map<string, RulerAnswer>();
          for (const line of stdout.split("\n").filter((l) => l.trim())) {
            const a = JSON.parse(line) as { id: string; matches?: boolean; error?: string };
            answers.set(
              a.id,
              typeof a.matches === "boolean" ? { matches: a.matches } : { error: String(a.error) },
            );
          }
          const missing = pairs.filter((p) => !answers.has(p.id)).map((p) => p.id);
          if (missing.length > 0)
            return reject(new Error(`event-ruler: no answer for ${missing.slice(0, 5).join(", ")}`));
          resolve(answers);
        });
        const text = (v: Record<string, unknown> | string) => (typeof v === "string" ? v : JSON.stringify(v));
        child.stdin.on("error", () => undefined); // a crash is reported by "close"
        child.stdin.end(
          pairs
            .map((p) => JSON.stringify({ id: p.id, pattern: text(p.pattern), event: text(p.event) }))
            .join("\n") + "\n",
        );
      });
    },
  };
}
