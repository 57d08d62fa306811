// A synthetic day of an organization, for the noise benchmark: real-shaped events (the fixtures of
// test/fixtures, each copy with its own ids, account, region and time), seeded so every run makes
// the same day. Each raw event says how it reaches the hub: "bus" (a spoke's default bus in its
// region, then the forwarding rules), "hub-bus" (the remediator's reports), or an SNS topic (the
// Config delivery channel of us-east-1 spokes, CloudWatch alarm actions in us-east-1).
import * as fs from "fs";
import * as path from "path";
import { prng } from "../test/helpers/fuzz";

const FIXTURES = path.resolve(__dirname, "..", "test", "fixtures");
const load = (rel: string) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8")) as Record<string, any>;

export type Path = "bus" | "hub-bus" | "config-topic" | "alarm-topic";

export interface RawEvent {
  /** Unique per raw event: the id the notifier shows (EventBridge id, CloudTrail eventID, SNS MessageId). */
  id: string;
  path: Path;
  accountId: string;
  region: string;
  /** Seconds since the day's start: when it reaches the hub. */
  at: number;
  /** "security": must reach Slack; "noise": must not; group: the raw events that are one security event. */
  class: "security" | "noise";
  /** Events that are the same security event by two paths share a group. */
  group: string;
  what: string;
  /** The EventBridge event, or the SNS message body. */
  payload: Record<string, unknown>;
}

export interface DayShape {
  accounts: number;
  regions: string[];
  configItemChanges: number;
  readOnlyCalls: number;
  otherCalls: number;
  securityGroupChanges: number;
  iamChanges: number;
  /** Compliance changes of the guard's rule (each also arrives by SNS when in us-east-1). */
  guardCompliance: number;
  /** Compliance changes of rules the guard does not own (Control Tower's). */
  otherCompliance: number;
  alarms: number;
  /**
   * Security Hub "Findings - Imported": most are passed or informational/low checks, some already
   * triaged; a tenth of those that matter arrive twice (EventBridge delivers at least once).
   */
  securityHubFindings: number;
  /** GuardDuty findings: most below the default minimum severity (4). */
  guardDutyFindings: number;
}

export const FULL_DAY: DayShape = {
  accounts: 100,
  regions: ["us-east-1", "ap-northeast-1", "ap-northeast-2"],
  configItemChanges: 40_000,
  readOnlyCalls: 15_000,
  otherCalls: 3_000,
  securityGroupChanges: 300,
  iamChanges: 200,
  guardCompliance: 40,
  otherCompliance: 40,
  alarms: 30,
  securityHubFindings: 6_000,
  guardDutyFindings: 300,
};

/** A few of each, for the smoke test. */
export const SMOKE_DAY: DayShape = {
  accounts: 3,
  regions: ["us-east-1", "ap-northeast-2"],
  configItemChanges: 60,
  readOnlyCalls: 30,
  otherCalls: 5,
  securityGroupChanges: 6,
  iamChanges: 4,
  guardCompliance: 4,
  otherCompliance: 3,
  alarms: 4,
  securityHubFindings: 20,
  guardDutyFindings: 6,
};

export function accountIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(300_000_000_000 + i * 1_000_003).padStart(12, "0"));
}

const DAY = 86_400;
const START = Date.parse("2026-11-20T00:00:00Z");
const iso = (at: number) => new Date(START + at * 1000).toISOString();

export function generateDay(shape: DayShape, seed = 15): RawEvent[] {
  // Seeded, so every run makes the same day.
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const accounts = accountIds(shape.accounts);
  let n = 0;
  const id = (tag: string) => {
    n++;
    const hex = n.toString(16).padStart(12, "0");
    return `${tag}0${hex.slice(0, 3)}-0000-4000-8000-${hex}`.replace(/^(.{8})0/, "$1");
  };
  const uuid = () => {
    n++;
    return `00000015-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  };
  const out: RawEvent[] = [];
  // Working hours carry most changes: a time of day with a bump between 08:00 and 18:00 UTC.
  const when = () => (rand() < 0.7 ? 8 * 3600 + rand() * 10 * 3600 : rand() * DAY);

  const cloudTrail = (
    file: string,
    klass: RawEvent["class"],
    what: string,
    region?: string,
    edit?: (d: Record<string, any>) => void,
  ) => {
    const e = structuredClone(load(file));
    const account = pick(accounts);
    const r = region ?? pick(shape.regions);
    const at = when();
    e.id = uuid();
    e.account = account;
    e.region = r;
    e.time = iso(at).replace(/\.\d{3}Z$/, "Z");
    e.detail.eventID = uuid();
    e.detail.awsRegion = r;
    e.detail.recipientAccountId = account;
    e.detail.eventTime = e.time;
    if (e.detail.userIdentity) e.detail.userIdentity.accountId = account;
    edit?.(e.detail);
    out.push({
      id: e.detail.eventID,
      path: "bus",
      accountId: account,
      region: r,
      at,
      class: klass,
      group: e.detail.eventID,
      what,
      payload: e,
    });
  };

  // Configuration-item changes: every us-east-1 delivery channel publishes every change to the hub topic.
  const ci = load("events/messages/config-item-change-notification.json");
  for (let i = 0; i < shape.configItemChanges; i++) {
    const m = structuredClone(ci);
    const account = pick(accounts);
    const at = rand() * DAY;
    m.configurationItem.awsAccountId = account;
    m.configurationItem.awsRegion = "us-east-1";
    m.configurationItem.resourceId = `i-${(i + 1).toString(16).padStart(17, "0")}`;
    m.configurationItem.configurationItemCaptureTime = iso(at);
    m.notificationCreationTime = iso(at + 5);
    const mid = uuid();
    out.push({
      id: mid,
      path: "config-topic",
      accountId: account,
      region: "us-east-1",
      at,
      class: "noise",
      group: mid,
      what: "configuration-item change",
      payload: m,
    });
  }
  for (let i = 0; i < shape.readOnlyCalls; i++) {
    if (rand() < 0.5)
      cloudTrail(
        "wiring/cloudtrail-ec2-describe-security-groups-readonly-seoul.json",
        "noise",
        "read-only EC2 call",
      );
    else
      cloudTrail(
        "wiring/cloudtrail-iam-getuser-readonly-virginia.json",
        "noise",
        "read-only IAM call",
        "us-east-1",
      );
  }
  for (let i = 0; i < shape.otherCalls; i++)
    cloudTrail("wiring/cloudtrail-s3-putobject-virginia.json", "noise", "S3 data call", "us-east-1");

  const sg = [
    "events/eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json",
    "events/eventbridge/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json",
    "events/eventbridge/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json",
    "wiring/cloudtrail-sg-authorize-ingress-private-https-virginia.json",
  ];
  for (let i = 0; i < shape.securityGroupChanges; i++) {
    // One in ten opens SSH to the world; the rest are everyday rule edits.
    const file = i % 10 === 0 ? sg[0] : sg[1 + (i % 3)];
    cloudTrail(file, "security", "security-group change", undefined, (d) => {
      if (d.requestParameters?.groupId)
        d.requestParameters.groupId = `sg-${(i + 1).toString(16).padStart(17, "0")}`;
    });
  }
  const iam = [
    "events/eventbridge/cloudtrail-iam-createuser-root.json",
    "events/eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json",
    "events/eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json",
  ];
  for (let i = 0; i < shape.iamChanges; i++)
    cloudTrail(iam[i % iam.length], "security", "IAM change", "us-east-1");

  const compliance = (rule: string, klass: RawEvent["class"], i: number) => {
    const e = structuredClone(load("wiring/config-restricted-ssh-noncompliant-seoul.json"));
    const account = pick(accounts);
    const r = i % 2 === 0 ? "us-east-1" : pick(shape.regions);
    const at = when();
    const resource = `sg-${(0xc0000 + i).toString(16).padStart(17, "0")}`;
    e.id = uuid();
    e.account = account;
    e.region = r;
    e.time = iso(at + 2).replace(/\.\d{3}Z$/, "Z");
    const d = e.detail;
    d.awsAccountId = account;
    d.awsRegion = r;
    d.resourceId = resource;
    d.configRuleName = rule;
    d.configRuleARN = `arn:aws:config:${r}:${account}:config-rule/config-rule-${i}`;
    d.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.configRuleName = rule;
    d.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId = resource;
    d.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp = iso(at);
    d.newEvaluationResult.resultRecordedTime = iso(at + 1);
    d.notificationCreationTime = iso(at + 2);
    const group = `compliance-${i}-${rule}`;
    out.push({
      id: e.id,
      path: "bus",
      accountId: account,
      region: r,
      at: at + 3,
      class: klass,
      group,
      what: `compliance change (${klass === "security" ? "guard's rule" : "other rule"})`,
      payload: e,
    });
    // us-east-1 delivery channels also publish the same verdict to the hub's Config topic.
    if (r === "us-east-1") {
      const mid = uuid();
      out.push({
        id: mid,
        path: "config-topic",
        accountId: account,
        region: r,
        at: at + 4,
        class: klass,
        group,
        what: "compliance change by SNS (duplicate path)",
        payload: structuredClone(d),
      });
    }
  };
  for (let i = 0; i < shape.guardCompliance; i++) compliance("security-guard-restricted-ssh", "security", i);
  for (let i = 0; i < shape.otherCompliance; i++)
    compliance("AWSControlTower_AWS-GR_RESTRICTED_SSH", "noise", shape.guardCompliance + i);

  for (let i = 0; i < shape.alarms; i++) {
    const e = structuredClone(load("events/eventbridge/cloudwatch-alarm-state-change-alarm.json"));
    const account = pick(accounts);
    const r = i % 2 === 0 ? "us-east-1" : pick(shape.regions);
    const at = when();
    const name = `guard-alarm-${i}`;
    const state = i % 3 === 2 ? "OK" : "ALARM";
    e.id = uuid();
    e.account = account;
    e.region = r;
    e.time = iso(at).replace(/\.\d{3}Z$/, "Z");
    e.resources = [`arn:aws:cloudwatch:${r}:${account}:alarm:${name}`];
    e.detail.alarmName = name;
    e.detail.state.value = state;
    e.detail.state.timestamp = iso(at).replace("Z", "+0000");
    const group = `alarm-${i}`;
    out.push({
      id: e.id,
      path: "bus",
      accountId: account,
      region: r,
      at: at + 1,
      class: "security",
      group,
      what: "alarm state change",
      payload: e,
    });
    // Alarm actions publish to SNS in their own region only: us-east-1 alarms reach the hub's alarm topic too.
    if (r === "us-east-1") {
      const m = structuredClone(load("events/messages/cloudwatch-alarm.json"));
      m.AlarmName = name;
      m.AWSAccountId = account;
      m.NewStateValue = state;
      m.OldStateValue = state === "OK" ? "ALARM" : "OK";
      m.StateChangeTime = iso(at).replace("Z", "+0000");
      m.Region = "US East (N. Virginia)";
      m.AlarmArn = `arn:aws:cloudwatch:${r}:${account}:alarm:${name}`;
      const mid = uuid();
      out.push({
        id: mid,
        path: "alarm-topic",
        accountId: account,
        region: r,
        at: at + 2,
        class: "security",
        group,
        what: "alarm action by SNS (duplicate path)",
        payload: m,
      });
    }
  }
  // Findings. Security Hub sets Workflow.Status RESOLVED when a control passes; the hub's default
  // filter passes MEDIUM and up, NEW, ACTIVE.
  const sh = load("events/findings/securityhub-imported-ec2-19-critical.json");
  const labels: Array<[string, number]> = [
    ["INFORMATIONAL", 0.45],
    ["LOW", 0.25],
    ["MEDIUM", 0.15],
    ["HIGH", 0.1],
    ["CRITICAL", 0.05],
  ];
  const label = () => {
    let x = rand();
    for (const [l, w] of labels) if ((x -= w) < 0) return l;
    return "LOW";
  };
  let mattersSeen = 0;
  for (let i = 0; i < shape.securityHubFindings; i++) {
    const e = structuredClone(sh);
    const f = e.detail.findings[0];
    const account = pick(accounts);
    const r = pick(shape.regions);
    const at = when();
    const passed = rand() < 0.6;
    const triaged = !passed && rand() < 0.15;
    f.Severity.Label = label();
    f.Compliance.Status = passed ? "PASSED" : "FAILED";
    f.Workflow.Status = passed ? "RESOLVED" : triaged ? "NOTIFIED" : "NEW";
    f.AwsAccountId = account;
    f.Region = r;
    f.Id = `arn:aws:securityhub:${r}:${account}:security-control/EC2.19/finding/${uuid()}`;
    f.UpdatedAt = iso(at);
    e.account = account;
    e.region = r;
    e.time = iso(at).replace(/\.\d{3}Z$/, "Z");
    const matters = !passed && !triaged && f.Severity.Label !== "INFORMATIONAL" && f.Severity.Label !== "LOW";
    // Every tenth that matters (the first included) is delivered twice.
    const copies = matters && mattersSeen++ % 10 === 0 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const copy = c === 0 ? e : structuredClone(e);
      copy.id = uuid();
      out.push({
        id: copy.id,
        path: "bus",
        accountId: account,
        region: r,
        at: at + c * 30,
        class: matters ? "security" : "noise",
        group: f.Id,
        what: matters
          ? c === 0
            ? "Security Hub finding (failed, MEDIUM and up, NEW)"
            : "Security Hub finding delivered twice"
          : "Security Hub finding (passed, low or triaged)",
        payload: copy,
      });
    }
  }
  const gd = load("events/findings/guardduty-ec2-ssh-bruteforce-seoul.json");
  for (let i = 0; i < shape.guardDutyFindings; i++) {
    const e = structuredClone(gd);
    const account = pick(accounts);
    const r = pick(shape.regions);
    const at = when();
    const severity = rand() < 0.6 ? 2 : rand() < 0.8 ? 5 : 8;
    e.id = uuid();
    e.account = account;
    e.region = r;
    e.time = iso(at).replace(/\.\d{3}Z$/, "Z");
    e.detail.id = uuid().replace(/-/g, "");
    e.detail.accountId = account;
    e.detail.region = r;
    e.detail.severity = severity;
    e.detail.updatedAt = iso(at);
    out.push({
      // GuardDuty messages name the finding id.
      id: e.detail.id,
      path: "bus",
      accountId: account,
      region: r,
      at,
      class: severity >= 4 ? "security" : "noise",
      group: e.detail.id,
      what: severity >= 4 ? "GuardDuty finding (severity 4 and up)" : "GuardDuty finding (low)",
      payload: e,
    });
  }
  void id;
  return out.sort((a, b) => a.at - b.at);
}
