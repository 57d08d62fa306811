import { strict as assert } from "assert";
import type { OfflineResource } from "../../verify/policy/offline";
import { goodHub, res, withProps, without } from "./fixtures";
import { assertNone, assertNoneOf, assertOnly, violationsOf } from "./run";

const FN = "aws:lambda/function:Function";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const EIC = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";

/** The remediator without its function-level dead-letter queue (it keeps its invoke config's). */
const withoutDeadLetterQueue = (hub: OfflineResource[]) =>
  withProps(hub, `${FN}::hub-remediator`, (p) => ({ ...p, deadLetterConfig: undefined }));

describe("policy lambda-has-failure-destination", () => {
  it("passes the hub: every function has a dead-letter queue and an on-failure destination", () => {
    assertNone(goodHub());
  });

  it("flags a function without either", () => {
    const v = assertOnly(
      withoutDeadLetterQueue(without(goodHub(), "hub-remediator-async")),
      "lambda-has-failure-destination",
      "Lambda function security-guard-remediator has no deadLetterConfig.targetArn and no FunctionEventInvokeConfig with destinationConfig.onFailure.destination.",
    );
    assert.equal(
      v.urn,
      "urn:pulumi:hub::security-guard::security-guard:hub:GuardFunction$aws:lambda/function:Function::hub-remediator",
    );
    assert.equal(v.type, FN);
  });

  it("flags an invoke config that only has onSuccess", () => {
    const hub = withProps(withoutDeadLetterQueue(goodHub()), "hub-remediator-async", (p) => ({
      ...p,
      destinationConfig: { onSuccess: { destination: "arn:aws:sqs:us-east-1:999999999999:ok" } },
    }));
    assertOnly(hub, "lambda-has-failure-destination", "security-guard-remediator has no deadLetterConfig");
  });

  it("ties an invoke config to its function by name, by (qualified) ARN, or by dependency", () => {
    const fn = res(FN, "f", { name: "f", runtime: "nodejs22.x" });
    const dest = { destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:1:dlq" } } };
    const byArn = res(EIC, "arn", { functionName: "arn:aws:lambda:us-east-1:1:function:f:live", ...dest });
    const byDep = res(EIC, "dep", { functionName: "other-name", ...dest }, { dependencies: [fn.urn] });
    const byOther = res(EIC, "other", { functionName: "arn:aws:lambda:us-east-1:1:function:g", ...dest });
    assertNoneOf("lambda-has-failure-destination", [fn, byArn]);
    assertNoneOf("lambda-has-failure-destination", [fn, byDep]);
    assert.equal(violationsOf("lambda-has-failure-destination", [fn, byOther]).length, 1);
  });

  it("cannot judge unknown dead-letter targets or unknown invoke-config function names", () => {
    const fn = res(FN, "f", {
      name: "f",
      deadLetterConfig: { targetArn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
    });
    assertNoneOf("lambda-has-failure-destination", [fn]);
    const fn2 = res(FN, "g", { name: "g" });
    const eic = res(EIC, "x", {
      functionName: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:1:dlq" } },
    });
    assertNoneOf("lambda-has-failure-destination", [fn2, eic]);
  });
});

describe("policy lambda-log-group-retention", () => {
  it("flags a function whose log group is missing", () => {
    assertOnly(
      without(goodHub(), "hub-notifier-logs"),
      "lambda-log-group-retention",
      "Lambda function security-guard-notifier has no log group /aws/lambda/security-guard-notifier in the stack.",
    );
  });

  it("flags a log group without retention, on the log group", () => {
    const v = assertOnly(
      withProps(goodHub(), "hub-notifier-logs", (p) => ({ ...p, retentionInDays: 0 })),
      "lambda-log-group-retention",
      "Log group /aws/lambda/security-guard-notifier of Lambda function security-guard-notifier has no retentionInDays",
    );
    assert.equal(v.type, LOGS);
    assert.equal(v.name, "hub-notifier-logs");
  });

  it("does not accept a log group of the same name in another region", () => {
    const fn = res(FN, "f", { name: "f", region: "us-east-1" });
    const lg = res(LOGS, "lg", { name: "/aws/lambda/f", retentionInDays: 7, region: "eu-west-1" });
    assert.deepEqual(
      violationsOf("lambda-log-group-retention", [fn, lg]).map((v) => v.message.split("\n")[1]),
      ["Lambda function f has no log group /aws/lambda/f in the stack."],
    );
  });

  it("uses loggingConfig.logGroup when set, and flags a function without a name", () => {
    const fn = res(FN, "f", { name: "f", loggingConfig: { logFormat: "JSON", logGroup: "/custom/f" } });
    assertNoneOf("lambda-log-group-retention", [
      fn,
      res(LOGS, "lg", { name: "/custom/f", retentionInDays: 14 }),
    ]);
    assert.deepEqual(
      violationsOf("lambda-log-group-retention", [res(FN, "anon", { runtime: "nodejs22.x" })]).map(
        (v) => v.message.split("\n")[1],
      ),
      ["Lambda function anon has no explicit name, so its log group cannot be declared."],
    );
  });
});

describe("policy lambda-runtime-pinned", () => {
  it("flags a missing runtime, a deprecated runtime with its dates, one outside the allowed list, and ignoreChanges on runtime", () => {
    const v = violationsOf(
      "lambda-runtime-pinned",
      [
        res(FN, "none", { name: "none" }),
        res(FN, "old", { name: "old", runtime: "nodejs18.x" }),
        res(FN, "twenty", { name: "twenty", runtime: "nodejs20.x" }),
        res(FN, "ancient", { name: "ancient", runtime: "nodejs8.10" }),
        res(FN, "py", { name: "py", runtime: "python3.13" }),
        res(
          FN,
          "ignored",
          { name: "ignored", runtime: "nodejs24.x" },
          { opts: { ignoreChanges: ["runtime"] } },
        ),
      ],
      { config: { "lambda-runtime-pinned": { asOf: "2026-12-05" } } },
    );
    assert.deepEqual(
      v.map((x) => [x.name, x.level, x.message.split("\n")[1]]),
      [
        ["none", "mandatory", "runtime is not set."],
        [
          "old",
          "mandatory",
          "runtime nodejs18.x was deprecated by AWS Lambda on 2025-09-01: use nodejs24.x.",
        ],
        [
          "twenty",
          "mandatory",
          "runtime nodejs20.x was deprecated by AWS Lambda on 2026-04-30 (new functions blocked from 2026-08-31, updates from 2026-09-30): use nodejs24.x.",
        ],
        [
          "ancient",
          "mandatory",
          "runtime nodejs8.10 was deprecated by AWS Lambda on 2021-07-30: use nodejs24.x.",
        ],
        [
          "py",
          "mandatory",
          "runtime python3.13 is not one of the allowed runtimes (nodejs22.x, nodejs24.x).",
        ],
        [
          "ignored",
          "mandatory",
          "runtime is listed in ignoreChanges, so it is not pinned (pass runtime explicitly).",
        ],
      ],
    );
  });

  it("refuses a deprecated runtime even when the allowed list names it, from its deprecation day on", () => {
    const fn = [res(FN, "f", { name: "f", runtime: "nodejs22.x" })];
    const at = (asOf: string) =>
      violationsOf("lambda-runtime-pinned", fn, {
        config: { "lambda-runtime-pinned": { asOf, allowedRuntimes: ["nodejs22.x"] } },
      }).map((x) => x.message.split("\n")[1]);
    assert.deepEqual(at("2027-04-29"), []);
    assert.deepEqual(at("2027-04-30"), [
      "runtime nodejs22.x was deprecated by AWS Lambda on 2027-04-30 (new functions blocked from 2027-06-01, updates from 2027-07-01): use nodejs24.x.",
    ]);
    assert.throws(() => at("next spring"), /asOf must be an ISO date such as 2027-01-31, got "next spring"/);
  });

  it("passes allowed runtimes, container images, unknown runtimes; the list is configurable", () => {
    const resources = [
      res(FN, "a", { name: "a", runtime: "nodejs22.x" }),
      res(FN, "b", { name: "b", packageType: "Image" }),
      res(FN, "c", { name: "c", runtime: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
      res(FN, "d", { name: "d", runtime: "nodejs24.x" }),
    ];
    const config = { "lambda-runtime-pinned": { asOf: "2026-12-05" } };
    assertNoneOf("lambda-runtime-pinned", resources, { config });
    assert.deepEqual(
      violationsOf("lambda-runtime-pinned", resources, {
        config: { "lambda-runtime-pinned": { asOf: "2026-12-05", allowedRuntimes: ["nodejs24.x"] } },
      }).map((v) => v.name),
      ["a"],
    );
  });
});

describe("policy lambda-runtime-deprecation-soon", () => {
  const fns = [
    res(FN, "a", { name: "a", runtime: "nodejs22.x" }),
    res(FN, "b", { name: "b", runtime: "nodejs24.x" }),
    res(FN, "c", { name: "c", runtime: "nodejs20.x" }),
    res(FN, "d", { name: "d", packageType: "Image" }),
  ];
  const at = (config: Record<string, unknown>) =>
    violationsOf("lambda-runtime-deprecation-soon", fns, {
      config: { "lambda-runtime-deprecation-soon": config },
    }).map((x) => [x.name, x.level, x.message.split("\n")[1]]);

  it("advises within 120 days of the deprecation date, naming the date and the runtime to move to", () => {
    assert.deepEqual(at({ asOf: "2026-12-30" }), []);
    assert.deepEqual(at({ asOf: "2026-12-31" }), [
      [
        "a",
        "advisory",
        "runtime nodejs22.x is deprecated by AWS Lambda on 2027-04-30, in 120 days (new functions blocked from 2027-06-01, updates from 2027-07-01): move to nodejs24.x.",
      ],
    ]);
    // A deprecated runtime is lambda-runtime-pinned's (mandatory), not an advice.
    assert.deepEqual(at({ asOf: "2027-04-30" }), []);
  });

  it("takes the warning period from its config", () => {
    assert.deepEqual(
      at({ asOf: "2026-12-05", warnDays: 200 }).map((x) => x[0]),
      ["a"],
    );
  });
});
