// Which schema library parses events at the notifier's edge: zod, valibot, or the Powertools
// parser (which validates with zod). Lambda packages here are not bundled (CallbackFunction copies
// `dependencies` whole into every function), so the judged figures are the installed size each
// adds to every package and the cold start of a fresh process that loads it and parses one
// CloudTrail event with a schema of the fields the notifier reads.
// `npm run bench:schema [-- --dir DIR]`: installs each candidate into DIR (a temporary folder by
// default) with npm, then measures. Prints a Markdown table; bench/RESULTS.md keeps one run.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const RUNS = 15;
const EVENT = path.resolve(
  __dirname,
  "..",
  "test/fixtures/events/eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json",
);

interface Candidate {
  name: string;
  packages: string[];
  /** Plain JavaScript run in a fresh node: load the library, build the schema, parse EVENT once. */
  script: string;
}

const ZOD_SCHEMA = (z: string) => `
const Identity = ${z}.object({ type: ${z}.string(), arn: ${z}.string().optional(), userName: ${z}.string().optional() });
const Detail = ${z}.object({ eventName: ${z}.string(), eventSource: ${z}.string(), awsRegion: ${z}.string(),
  eventID: ${z}.string(), eventTime: ${z}.string(), userIdentity: Identity, sourceIPAddress: ${z}.string().optional(),
  requestParameters: ${z}.record(${z}.string(), ${z}.unknown()).nullable().optional() });`;

const CANDIDATES: Candidate[] = [
  {
    name: "none (JSON.parse and hand checks)",
    packages: [],
    script: `const e = JSON.parse(require("fs").readFileSync(process.env.EVENT, "utf8"));
if (typeof e.detail.eventName !== "string") throw new Error("bad");`,
  },
  {
    name: "zod 4 (classic API)",
    packages: ["zod@4"],
    script: `const { z } = require("zod");${ZOD_SCHEMA("z")}
const Event = z.object({ "detail-type": z.string(), source: z.string(), account: z.string(), detail: Detail });
Event.parse(JSON.parse(require("fs").readFileSync(process.env.EVENT, "utf8")));`,
  },
  {
    name: "zod 4 mini",
    packages: ["zod@4"],
    script: `const z = require("zod/mini");
const Identity = z.object({ type: z.string(), arn: z.optional(z.string()), userName: z.optional(z.string()) });
const Detail = z.object({ eventName: z.string(), eventSource: z.string(), awsRegion: z.string(),
  eventID: z.string(), eventTime: z.string(), userIdentity: Identity, sourceIPAddress: z.optional(z.string()),
  requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))) });
const Event = z.object({ "detail-type": z.string(), source: z.string(), account: z.string(), detail: Detail });
Event.parse(JSON.parse(require("fs").readFileSync(process.env.EVENT, "utf8")));`,
  },
  {
    name: "valibot 1",
    packages: ["valibot@1"],
    script: `const v = require("valibot");
const Identity = v.object({ type: v.string(), arn: v.optional(v.string()), userName: v.optional(v.string()) });
const Detail = v.object({ eventName: v.string(), eventSource: v.string(), awsRegion: v.string(),
  eventID: v.string(), eventTime: v.string(), userIdentity: Identity, sourceIPAddress: v.optional(v.string()),
  requestParameters: v.optional(v.nullable(v.record(v.string(), v.unknown()))) });
const Event = v.object({ "detail-type": v.string(), source: v.string(), account: v.string(), detail: Detail });
v.parse(Event, JSON.parse(require("fs").readFileSync(process.env.EVENT, "utf8")));`,
  },
  {
    name: "Powertools parser 2 (EventBridge envelope, zod)",
    packages: ["@aws-lambda-powertools/parser@2", "zod@4"],
    script: `const { z } = require("zod");
const { EventBridgeEnvelope } = require("@aws-lambda-powertools/parser/envelopes/eventbridge");${ZOD_SCHEMA("z")}
EventBridgeEnvelope.parse(JSON.parse(require("fs").readFileSync(process.env.EVENT, "utf8")), Detail);`,
  },
];

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function coldMs(dir: string, script: string): number {
  const wrapped = `const t0 = performance.now(); ${script}; process.stdout.write(String(performance.now()));`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ["-e", wrapped], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", EVENT, NODE_PATH: path.join(dir, "node_modules") },
    });
    if (r.status !== 0) throw new Error(`candidate failed in ${dir}: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return median(times);
}

function main(): void {
  const i = process.argv.indexOf("--dir");
  const root = i > 0 ? process.argv[i + 1] : fs.mkdtempSync(path.join(os.tmpdir(), "schema-bench-"));
  const rows: string[] = [];
  let baseline = 0;
  for (const c of CANDIDATES) {
    const dir = path.join(root, c.name.replace(/[^a-z0-9]+/gi, "-"));
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, "package.json")))
      fs.writeFileSync(path.join(dir, "package.json"), '{"name":"bench","version":"1.0.0","private":true}');
    if (c.packages.length && !fs.existsSync(path.join(dir, "node_modules")))
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--omit=dev", ...c.packages], {
        cwd: dir,
        stdio: "ignore",
      });
    const bytes = fs.existsSync(path.join(dir, "node_modules"))
      ? dirBytes(path.join(dir, "node_modules"))
      : 0;
    const ms = coldMs(dir, c.script);
    if (!c.packages.length) baseline = ms;
    const versions = c.packages.length
      ? fs
          .readdirSync(path.join(dir, "node_modules"), { recursive: true })
          .map(String)
          .filter((f) =>
            /^(@aws-lambda-powertools\/[^/]+|zod|valibot|@standard-schema\/spec)\/package\.json$/.test(f),
          )
          .map((f) => {
            const pj = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", f), "utf8"));
            return `${pj.name}@${pj.version}`;
          })
          .join(", ")
      : "-";
    rows.push(
      `| ${c.name} | ${versions} | ${(bytes / 1024).toFixed(0)} KiB | ${ms.toFixed(1)} ms | ${baseline ? (ms / baseline).toFixed(2) : "1.00"} |`,
    );
  }
  process.stdout.write(
    `node ${process.version}, ${os.cpus().length} cores, median of ${RUNS} fresh processes each\n\n` +
      "| candidate | installed | node_modules added to every package | cold: load + build schema + parse one event | vs none |\n" +
      "| --- | --- | --- | --- | --- |\n" +
      rows.join("\n") +
      "\n",
  );
}

main();
