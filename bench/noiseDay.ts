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
  /**
   * Correlated sequences (test/fixtures, each copy on its own resource): the SSH sequence about one
   * security group (CloudTrail opens 22 to the world, Config NON_COMPLIANT, the remediator's
   * reports, Security Hub EC2.13 FAILED then PASSED), GuardDuty attack sequences with three member
   * findings each (one re-published 6 h later), and an Amazon Inspector flood on a few images.
   */
  sshSequences: number;
  attackSequences: number;
  inspectorImages: number;
  inspectorFindingsPerImage: number;
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
  sshSequences: 20,
  attackSequences: 5,
  inspectorImages: 3,
  inspectorFindingsPerImage: 100,
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
  sshSequences: 1,
  attackSequences: 1,
  inspectorImages: 1,
  inspectorFindingsPerImage: 3,
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
    // Each finding about its own security group: a control that passes about another resource
    // resolves nothing (the hub's resolve rule still hands it to the notifier, which skips it).
    const group = `sg-${(0xd0000 + i).toString(16).padStart(17, "0")}`;
    f.Resources[0].Id = `arn:aws:ec2:${r}:${account}:security-group/${group}`;
    f.Resources[0].Region = r;
    f.Resources[0].Details.AwsEc2SecurityGroup.GroupId = group;
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
  out.push(...correlated(shape, accounts, uuid));
  return out.sort((a, b) => a.at - b.at);
}

const SEQUENCE_DIR = path.join(FIXTURES, "incidents", "ssh-sequence");
const FIXTURE_SG = "sg-0a1b2c3d4e5f60718";
const FIXTURE_ACCOUNT = "222222222222";
const FIXTURE_REGION = "ap-northeast-2";

/**
 * The correlated sequences, placed by their index (no draws from the day's generator, so the rest
 * of the day is the same with or without them). Each copy is the fixture with its own account,
 * region, resource, ids and times.
 */
function correlated(shape: DayShape, accounts: string[], uuid: () => string): RawEvent[] {
  const out: RawEvent[] = [];
  const stamp = (at: number) => iso(at).replace(/\.\d{3}Z$/, "Z");
  const push = (
    e: Record<string, any>,
    at: number,
    klass: RawEvent["class"],
    what: string,
    group?: string,
  ) => {
    e.id = uuid();
    e.time = stamp(at);
    // The id the notifier shows: CloudTrail's eventID, GuardDuty's finding id, Inspector's
    // finding ARN, else the EventBridge id.
    const eventId =
      e.detail?.eventID ??
      (e.source === "aws.guardduty" ? e.detail.id : undefined) ??
      (e.source === "aws.inspector2" ? e.detail.findingArn : undefined) ??
      e.id;
    out.push({
      id: eventId,
      path: "bus",
      accountId: e.account,
      region: e.region,
      at,
      class: klass,
      group: group ?? eventId,
      what,
      payload: e,
    });
  };
  // Outside us-east-1, so the Config verdict arrives by EventBridge only (one path).
  const regions = shape.regions.filter((r) => r !== "us-east-1");
  const files = fs.readdirSync(SEQUENCE_DIR).sort();
  const sequenceFile = (name: string) => fs.readFileSync(path.join(SEQUENCE_DIR, name), "utf8");
  for (let i = 0; i < shape.sshSequences; i++) {
    const account = accounts[(i * 7) % accounts.length];
    const region = regions[i % regions.length] ?? shape.regions[0];
    const sg = `sg-5e9${i.toString(16).padStart(14, "0")}`;
    const copy = (name: string) =>
      JSON.parse(
        sequenceFile(name)
          .replaceAll(FIXTURE_SG, sg)
          .replaceAll(FIXTURE_ACCOUNT, account)
          .replaceAll(FIXTURE_REGION, region)
          .replaceAll(
            "0d6f1e2a-7b3c-4d5e-8f90-a1b2c3d4e5f6",
            `0d6f1e2a-7b3c-4d5e-8f90-${i.toString(16).padStart(12, "0")}`,
          ),
      ) as Record<string, any>;
    const t0 = 9 * 3600 + i * 1500;
    const [ct, config, , failed, passed] = files.map(copy);
    ct.detail.eventID = uuid();
    ct.detail.eventTime = stamp(t0);
    push(ct, t0, "security", "SSH sequence: CloudTrail opens 22 to 0.0.0.0/0");
    config.detail.newEvaluationResult.resultRecordedTime = iso(t0 + 60);
    config.detail.notificationCreationTime = iso(t0 + 61);
    push(config, t0 + 63, "security", "SSH sequence: Config NON_COMPLIANT (restricted-ssh)");
    failed.detail.findings[0].UpdatedAt = iso(t0 + 300);
    push(failed, t0 + 300, "security", "SSH sequence: Security Hub EC2.13 FAILED");
    passed.detail.findings[0].UpdatedAt = iso(t0 + 12 * 3600);
    // The hub's resolve rule passes it: it resolves the sequence's incident, without a post of its own.
    push(passed, t0 + 12 * 3600, "security", "SSH sequence: Security Hub EC2.13 PASSED (resolves)");
  }
  const member = load("events/findings/guardduty-iam-anomalous-behavior-high.json");
  const attack = load("events/findings/guardduty-attack-sequence-iam-compromised-credentials.json");
  for (let i = 0; i < shape.attackSequences; i++) {
    const account = accounts[(i * 11 + 3) % accounts.length];
    const region = shape.regions[i % shape.regions.length];
    const t0 = 10 * 3600 + i * 2400;
    const memberIds = [0, 1, 2].map((m) => `a77ac0${i.toString(16).padStart(4, "0")}${m}`.padEnd(32, "0"));
    const arn = (fid: string) =>
      `arn:aws:guardduty:${region}:${account}:detector/0a1b2c3d4e5f/finding/${fid}`;
    const memberEvent = (m: number, at: number) => {
      const e = structuredClone(member);
      e.account = account;
      e.region = region;
      e.detail.id = memberIds[m];
      e.detail.arn = arn(memberIds[m]);
      e.detail.accountId = account;
      e.detail.region = region;
      e.detail.updatedAt = iso(at);
      if (e.detail.resource?.accessKeyDetails) e.detail.resource.accessKeyDetails.userName = `user-${i}-${m}`;
      return e;
    };
    const seq = structuredClone(attack);
    const seqId = `5e9a77ac${i.toString(16).padStart(4, "0")}`.padEnd(32, "0");
    seq.account = account;
    seq.region = region;
    seq.detail.id = seqId;
    seq.detail.arn = arn(seqId);
    seq.detail.accountId = account;
    seq.detail.region = region;
    seq.detail.updatedAt = iso(t0 + 600);
    const s = seq.detail.service.detection.sequence;
    s.uid = seqId;
    s.signals = memberIds.map((fid, m) => ({ ...s.signals[0], uid: arn(fid), name: `member ${m}` }));
    const what = "GuardDuty attack sequence: member finding";
    push(memberEvent(0, t0), t0, "security", what, memberIds[0]);
    push(seq, t0 + 600, "security", "GuardDuty attack sequence", seqId);
    push(memberEvent(1, t0 + 660), t0 + 660, "security", what, memberIds[1]);
    push(memberEvent(2, t0 + 720), t0 + 720, "security", what, memberIds[2]);
    // GuardDuty re-publishes an active finding every 6 h: the same finding (group) again.
    push(
      memberEvent(1, t0 + 660 + 6 * 3600),
      t0 + 660 + 6 * 3600,
      "security",
      "GuardDuty finding re-published",
      memberIds[1],
    );
  }
  const inspector = load("events/findings/inspector-ecr-image-high-no-exploit.json");
  for (let img = 0; img < shape.inspectorImages; img++) {
    const account = accounts[(img * 13 + 5) % accounts.length];
    const region = shape.regions[0];
    const repo = `flood/app${img}`;
    const image = `arn:aws:ecr:${region}:${account}:repository/${repo}/sha256:${img.toString(16).padStart(64, "0")}`;
    for (let f = 0; f < shape.inspectorFindingsPerImage; f++) {
      const e = structuredClone(inspector);
      const at = 14 * 3600 + img * 600 + f * 2;
      e.account = account;
      e.region = region;
      e.resources = [image];
      const d = e.detail;
      d.awsAccountId = account;
      d.findingArn = `arn:aws:inspector2:${region}:${account}:finding/f10d${img.toString(16).padStart(4, "0")}${f.toString(16).padStart(24, "0")}`;
      // The hub's default filter passes Inspector findings with a known exploit only.
      d.exploitAvailable = "YES";
      d.title = `CVE-2026-${10_000 + f} - a package of ${repo}`;
      d.packageVulnerabilityDetails.vulnerabilityId = `CVE-2026-${10_000 + f}`;
      d.resources[0].id = image;
      d.resources[0].region = region;
      d.resources[0].details.awsEcrContainerImage.repositoryName = repo;
      d.resources[0].details.awsEcrContainerImage.registry = account;
      push(e, at, "security", "Amazon Inspector finding (flood on a few images)");
    }
  }
  return out;
}
