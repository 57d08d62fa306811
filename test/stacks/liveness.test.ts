// The hub's liveness parts under Pulumi mocks: the table, the function's rules and schedules, what
// its role and the coverage role may do, and that heartbeats never reach the notify rule.
import { strict as assert } from "assert";
import { MockedResource } from "../../verify/mockRuntime";
import {
  HUB_ACCOUNT,
  HUB_CONFIG,
  HUB_SECRET_KEYS,
  ORG_ID,
  defaultHub,
  doc,
  evaluateStack,
  ofType,
  one,
} from "../helpers/stacks";
import { DEFAULT_NOTIFY_FILTERS } from "../../handlers/findings/notifyFilters";
import { notifyPattern } from "../../handlers/findings/registry";
import { isRulerMatcher, loadRulerMatcher } from "../../verify/wiring/ruler";

const BUS = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/security-guard-events`;
const TABLE = `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-liveness`;

describe("hub liveness (heartbeats, silence, coverage) under Pulumi mocks", function () {
  this.timeout(180_000);
  let resources: MockedResource[];
  before(async () => {
    resources = (await defaultHub()).resources;
  });

  it("keeps last-seen per account, region and path in an on-demand, encrypted table with TTL", () => {
    const table = one(resources, "aws:dynamodb/table:Table", "liveness-table");
    assert.equal(table.props.name, "security-guard-liveness");
    assert.equal(table.props.billingMode, "PAY_PER_REQUEST");
    assert.equal(table.props.hashKey, "account");
    assert.equal(table.props.rangeKey, "regionPath");
    assert.deepEqual(table.props.ttl, { attributeName: "expiresAt", enabled: true });
    assert.equal((table.props.serverSideEncryption as { enabled: boolean }).enabled, true);
  });

  it("feeds heartbeats and account joins from the hub bus, and runs the check and the weekly summary on schedules", () => {
    const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
      r.name.includes("liveness"),
    );
    const pattern = (suffix: string) =>
      JSON.parse(String(one(resources, "aws:cloudwatch/eventRule:EventRule", suffix).props.eventPattern));
    const [forwarded, viaTrail] = pattern("liveness-heartbeats").$or;
    assert.deepEqual(forwarded, {
      source: ["security-guard.heartbeat"],
      "detail-type": ["Security Guard Heartbeat"],
    });
    assert.deepEqual(viaTrail.source, ["aws.scheduler"]);
    assert.deepEqual(pattern("liveness-account-joins"), {
      source: ["aws.organizations"],
      detail: { eventName: ["AcceptHandshake", "CreateAccount"] },
    });
    const schedule = (suffix: string) => one(resources, "aws:cloudwatch/eventRule:EventRule", suffix).props;
    assert.equal(schedule("liveness-check-schedule").scheduleExpression, "rate(15 minutes)");
    assert.equal(schedule("liveness-summary-schedule").scheduleExpression, "cron(0 8 ? * MON *)");
    assert.equal(rules.length, 4);
    const input = (suffix: string) =>
      JSON.parse(String(one(resources, "aws:cloudwatch/eventTarget:EventTarget", suffix).props.input));
    assert.deepEqual(input("liveness-check-schedule-target"), { "security-guard": "liveness-check" });
    assert.deepEqual(input("liveness-summary-schedule-target"), { "security-guard": "coverage-summary" });
    for (const suffix of ["liveness-heartbeats-target", "liveness-account-joins-target"])
      assert.deepEqual(
        one(resources, "aws:cloudwatch/eventTarget:EventTarget", suffix).props.deadLetterConfig,
        {
          arn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-events-dlq`,
        },
      );
  });

  it("lets the function record and read the table, post alerts on the hub bus, list the organization and read the spokes", () => {
    const statements = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "liveness-policy")).Statement;
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    assert.deepEqual(sid("LastSeen"), {
      Sid: "LastSeen",
      Effect: "Allow",
      Action: ["dynamodb:UpdateItem", "dynamodb:Scan"],
      Resource: TABLE,
    });
    assert.deepEqual(sid("PostAlerts"), {
      Sid: "PostAlerts",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: BUS,
    });
    assert.deepEqual(sid("ListOrganization")?.Action, "organizations:ListAccounts");
    assert.deepEqual(sid("ReadSpokes"), {
      Sid: "ReadSpokes",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: ["arn:aws:iam::*:role/security-guard-coverage-reader"],
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG_ID } },
    });
  });

  it("lets the function read the Slack mutes table for the weekly list, and nothing more", () => {
    const statements = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "liveness-policy")).Statement;
    assert.deepEqual(
      statements.find((s) => s.Sid === "ReadSlackMutes"),
      {
        Sid: "ReadSlackMutes",
        Effect: "Allow",
        Action: ["dynamodb:Scan", "dynamodb:Query"],
        Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-alert-mutes`,
      },
    );
    // The only statements naming the mutes table, and the hub key is decrypted only through DynamoDB.
    const onMutes = statements.filter((s) => JSON.stringify(s.Resource).includes("alert-mutes"));
    assert.deepEqual(
      onMutes.map((s) => s.Sid),
      ["ReadSlackMutes"],
    );
    // The table shares the hub key: Decrypt through DynamoDB in the hub Region, as for the liveness table.
    const keyUse = statements.find((s) => s.Sid === "UseEncryptedTable")!;
    assert.deepEqual(keyUse.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
    assert.deepEqual(keyUse.Condition, {
      StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
    });
    // Any other use of the key is bound to another service or to the function's own secrets.
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes("kms:") && x !== keyUse))
      assert.ok(
        !JSON.stringify(s.Condition ?? {}).includes("dynamodb"),
        `${String(s.Sid)} is not another way into DynamoDB's data`,
      );
  });

  it("without chat-ops there is no mutes table, and the function gets no access to one", async () => {
    const { resources: noChatops } = await evaluateStack(
      "hub",
      { ...HUB_CONFIG, chatops: { enabled: false } },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const statements = doc(one(noChatops, "aws:iam/rolePolicy:RolePolicy", "liveness-policy")).Statement;
    assert.equal(
      statements.find((s) => s.Sid === "ReadSlackMutes"),
      undefined,
    );
  });

  it("gives npm run coverage a read-only hub role: scan the table, list the organization, read the spokes", () => {
    const role = one(resources, "aws:iam/role:Role", "liveness-coverage");
    assert.equal(role.props.name, "security-guard-coverage");
    const actions = doc(
      one(resources, "aws:iam/rolePolicy:RolePolicy", "liveness-coverage-policy"),
    ).Statement.map((s) => s.Action);
    assert.deepEqual(actions, [
      "dynamodb:Scan",
      "kms:Decrypt",
      "organizations:ListAccounts",
      "sts:AssumeRole",
    ]);
  });

  it("posts the liveness alerts through the notify rule; heartbeats never reach Slack", async () => {
    const notify = notifyPattern(DEFAULT_NOTIFY_FILTERS);
    const event = (source: string, detailType: string) => ({
      version: "0",
      id: "1",
      source,
      "detail-type": detailType,
      account: HUB_ACCOUNT,
      region: "us-east-1",
      time: "2026-12-05T09:00:00Z",
      resources: [],
      detail: {},
    });
    const ruler = loadRulerMatcher();
    assert.ok(isRulerMatcher(ruler), JSON.stringify(ruler));
    const answers = await ruler.match([
      { id: "silent", pattern: notify, event: event("security-guard.liveness", "Spoke Region Silent") },
      {
        id: "heartbeat",
        pattern: notify,
        event: event("security-guard.heartbeat", "Security Guard Heartbeat"),
      },
    ]);
    assert.deepEqual(answers.get("silent"), { matches: true });
    assert.deepEqual(answers.get("heartbeat"), { matches: false });
  });
});

describe("hub: the organization analyzer's findings about member accounts", function () {
  this.timeout(180_000);

  it("are forwarded from the hub account's default bus to the hub bus with a hub role; its own resources' are not", async () => {
    const { resources } = await defaultHub();
    const rule = one(resources, "aws:cloudwatch/eventRule:EventRule", "org-findings-rule");
    assert.equal(rule.props.eventBusName, undefined, "the default bus");
    const pattern = JSON.parse(String(rule.props.eventPattern));
    assert.deepEqual(pattern, {
      source: ["aws.access-analyzer"],
      "detail-type": ["Access Analyzer Finding"],
      detail: { resourceOwnerAccount: [{ "anything-but": HUB_ACCOUNT }] },
    });
    const target = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "org-findings-to-hub");
    assert.equal(target.props.arn, BUS);
    assert.equal(target.props.roleArn, `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-hub-forwarder`);
    assert.deepEqual(target.props.deadLetterConfig, {
      arn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-hub-forwarding-dlq`,
    });
    const ruler = loadRulerMatcher();
    assert.ok(isRulerMatcher(ruler), JSON.stringify(ruler));
    const finding = (owner: string) => ({
      version: "0",
      id: owner,
      source: "aws.access-analyzer",
      "detail-type": "Access Analyzer Finding",
      account: HUB_ACCOUNT,
      region: "us-east-1",
      time: "2026-12-05T09:00:00Z",
      resources: [],
      detail: { resourceOwnerAccount: owner, status: "ACTIVE" },
    });
    const answers = await ruler.match([
      { id: "member", pattern, event: finding("222222222222") },
      { id: "own", pattern, event: finding(HUB_ACCOUNT) },
    ]);
    assert.deepEqual(answers.get("member"), { matches: true });
    assert.deepEqual(answers.get("own"), { matches: false });
  });
});
