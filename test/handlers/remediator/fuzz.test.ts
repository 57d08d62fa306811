// Deterministic fuzzing of the remediation function as deployed (the package `npm run lambdas`
// builds, in its own node process, against moto): 1,200 seeded events - real Config, SNS and
// CloudTrail shapes with fields replaced by hostile values (JavaScript names such as toString,
// constructor and __proto__, wrong types, huge or empty strings), plus junk. A case fails on an
// unhandled exception (the process dies or a result is missing), a hang (the run's time limit), a
// silent drop (an event that yields neither a report, an error nor a log line saying why), or a
// report or error text holding `undefined`, `[object Object]` or function source.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import {
  authorizeEvent,
  configEvent,
  configNotification,
  createGroup,
  credentialsIn,
  modifyEvent,
  prefixList,
  reportSink,
  snsEvent,
  spokeEc2,
  tcp,
} from "./support";
import { prng } from "../../helpers/fuzz";

const FUNCTION = "security-guard-remediator";
const REGION = "ap-northeast-2";
const SEED = 20261129;
const CASES = 1_200;

const hubConfig = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const HUB_ACCOUNT: string = hubConfig["security-guard:accountId"];
const DRY_RUN_ACCOUNT: string = hubConfig["security-guard:remediation"].dryRunAccounts[0];
const ACCOUNT = Object.keys(hubConfig["security-guard:accountNames"]).find(
  (a) => a !== HUB_ACCOUNT && a !== DRY_RUN_ACCOUNT,
) as string;

// Values CloudTrail records verbatim from failed and denied calls, and types no field expects.
const HOSTILE: unknown[] = [
  "toString",
  "constructor",
  "__proto__",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "prototype",
  "",
  " ",
  null,
  0,
  -1,
  22,
  65536,
  true,
  [],
  [null],
  {},
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  { toString: "x", valueOf: 1 },
  "x".repeat(5_000),
  "\u202e\u0000\ud83d\ude00<@U123>&amp;`*_",
  "0.0.0.0/0",
  "::/0",
  "0::0/0",
  "sg-0123456789abcdef0",
  "123456789012",
  "us-east-1",
];

/** Every path to a leaf or branch of a JSON value. */
function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== "object") return [prefix];
  const out: string[][] = [prefix];
  for (const k of Object.keys(v)) out.push(...paths((v as Record<string, unknown>)[k], [...prefix, k]));
  return out;
}

/** A copy of `event` with the value at `at` replaced (an own property, even for "__proto__"). */
function replaced(event: unknown, at: string[], value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = JSON.parse(JSON.stringify(event));
  let cur = copy;
  for (const k of at.slice(0, -1)) cur = cur[k];
  Object.defineProperty(cur, at[at.length - 1], {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return JSON.parse(JSON.stringify(copy));
}

/** Fields that decide whether an event reaches AWS (ids, shapes, rule and event names). */
const ID_FIELDS =
  /^(account|region|groupId|resourceId|awsAccountId|awsRegion|recipientAccountId|GroupId|Message|Records|detail-type|detail|messageType|configRuleName|resourceType|newEvaluationResult|complianceType|eventName|errorCode|requestParameters|ipPermissions|items|ModifySecurityGroupRulesRequest|SecurityGroupRule|Sns|EventSource|\d+)$/;
/** Hostile values that happen to be valid ids. */
const VALID_IDS = ["sg-0123456789abcdef0", "123456789012", "us-east-1", "0.0.0.0/0", "::/0", "0::0/0", 22];

const BAD_TEXT = /undefined|\[object Object\]|function\s*\w*\s*\(|=>/;

describe("remediator fuzz: 1,200 seeded hostile events against the deployed package (moto)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  let fnDir: string;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    fnDir = manifest.functions.find((f) => f.function === FUNCTION)!.dir;
  });

  it("never throws unhandled, hangs, drops silently or shows undefined / [object Object] / source", async () => {
    const hubCreds = await credentialsIn(HUB_ACCOUNT, `${FUNCTION}-role`);
    const sink = await reportSink({ busName: "security-guard-events", credentials: hubCreds });
    const spoke = await spokeEc2(ACCOUNT, REGION);
    const pl = await prefixList(spoke, ["0.0.0.0/0"]);
    const groups = [
      await createGroup(spoke, "ssh", [tcp(22, 22, ["0.0.0.0/0"], ["::/0"])]),
      await createGroup(spoke, "wide", [
        tcp(0, 65535, ["0.0.0.0/0"]),
        { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "toString" }] },
      ]),
      await createGroup(spoke, "halves", [tcp(22, 22, ["0.0.0.0/1", "128.0.0.0/1"])]),
      await createGroup(spoke, "listed", [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: pl }] },
      ]),
      await createGroup(spoke, "constructor", [tcp(20, 25, ["0.0.0.0/0"])], { constructor: "__proto__" }),
    ];

    const random = prng(SEED);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
    const templates: Array<(gid: string) => unknown> = [
      (groupId) => configEvent({ account: ACCOUNT, region: REGION, groupId }),
      (groupId) =>
        snsEvent([{ id: "m-1", body: configNotification({ account: ACCOUNT, region: REGION, groupId }) }]),
      (groupId) =>
        authorizeEvent({
          account: ACCOUNT,
          region: REGION,
          groupId,
          permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
        }),
      (groupId) =>
        modifyEvent({
          account: ACCOUNT,
          region: REGION,
          groupId,
          rule: { IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv6: "::/0" },
        }),
    ];
    const events: unknown[] = [];
    for (let i = 0; i < CASES; i++) {
      const base = pick(templates)(pick(groups));
      // One case in forty keeps the ids that reach AWS intact (so the change path is fuzzed too,
      // with hostile values in the other fields); the rest may break anything.
      const reachesAws = i % 40 === 0;
      const last = (p: string[]) => p[p.length - 1] ?? "";
      const critical = (p: string[]) => ID_FIELDS.test(last(p));
      let event = base;
      if (!reachesAws) {
        // Break one field the handler needs before any AWS call, with a value no id can be: the
        // case then exercises parsing and reporting of junk without a round trip to the emulator.
        const at = pick(paths(event).filter(critical));
        event = replaced(event, at, pick(HOSTILE.filter((v) => !VALID_IDS.includes(v as string))));
      }
      const mutations = Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++)
        event = replaced(event, pick(paths(event).filter((p) => !reachesAws || !critical(p))), pick(HOSTILE));
      events.push(event);
    }

    const { results, stdout, stderr } = await invokeDeployed(
      fnDir,
      events,
      {
        AWS_ENDPOINT_URL: moto().endpoint,
        AWS_ACCESS_KEY_ID: hubCreds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: hubCreds.secretAccessKey,
        AWS_SESSION_TOKEN: hubCreds.sessionToken,
        REPORT_EVENT_BUS: sink.busArn,
      },
      { timeoutMs: 280_000 },
    );

    assert.strictEqual(results.length, CASES, `every event answered (no crash)\n${stderr.slice(-2000)}`);
    const lines = (stdout + stderr)
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const pid = /req-1-(\d+)/.exec(stdout + stderr)?.[1];
    const problems: string[] = [];
    let reports = 0;
    results.forEach((r, i) => {
      const requestId = `req-${i + 1}-${pid}`;
      if (r.ok) {
        const value = r.value as unknown[];
        reports += value.length;
        const text = JSON.stringify(value);
        if (BAD_TEXT.test(text))
          problems.push(`case ${i}: report shows ${BAD_TEXT.exec(text)![0]}: ${text.slice(0, 300)}`);
        const said = lines.some((l) => l.requestId === requestId);
        if (value.length === 0 && !said) problems.push(`case ${i}: no report and no log line (silent drop)`);
      } else {
        const error = String(r.error);
        if (/\[object Object\]|function\s*\w*\s*\(/.test(error))
          problems.push(`case ${i}: error shows ${error.slice(0, 300)}`);
        if (!/^\w+: /.test(error)) problems.push(`case ${i}: error without a name: ${error.slice(0, 300)}`);
      }
    });
    assert.deepStrictEqual(problems.slice(0, 20), []);
    // The changes really happened, and every returned report reached the bus.
    assert.ok(reports > 0, "some cases reached the change path");
    assert.strictEqual((await sink.drain()).length, reports);
  });
});
