// The finding: what every signal the hub receives becomes at the notifier's edge, and the only thing
// severity, routing, mutes, de-duplication, grouping, formatting and email read after it. Field
// names follow OCSF (https://schema.ocsf.io) where OCSF has the concept, so Security Hub V2 and
// Security Lake users recognise them: class_uid/class_name, severity_id-style ratings, uid, status,
// time, finding_info's first_seen/last_seen, cloud {partition, account.uid, region}, resources[],
// actor, api, compliance, remediation. Times stay ISO-8601 strings as the sources write them
// (OCSF uses epoch ms): messages show them as given, and a source's odd spelling stays visible.
// Types only, plus the class table: this file imports nothing, so every part can depend on it.

/** Our severity scale, most severe first (routes' minSeverity and the severity table use it). */
export const SEVERITY_LEVELS = ["critical", "high", "medium", "low", "info"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/**
 * The OCSF class of a finding, by our short name. OCSF 1.3 class uids; `alarm` and `other` have no
 * OCSF class of their own and use the base event (0), `heartbeat` likewise.
 */
export const FINDING_CLASSES = {
  api_activity: { class_uid: 6003, class_name: "API Activity" },
  authentication: { class_uid: 3002, class_name: "Authentication" },
  account_change: { class_uid: 3001, class_name: "Account Change" },
  compliance: { class_uid: 2003, class_name: "Compliance Finding" },
  detection: { class_uid: 2004, class_name: "Detection Finding" },
  vulnerability: { class_uid: 2002, class_name: "Vulnerability Finding" },
  data_security: { class_uid: 2006, class_name: "Data Security Finding" },
  remediation: { class_uid: 7001, class_name: "Remediation Activity" },
  alarm: { class_uid: 0, class_name: "Alarm" },
  heartbeat: { class_uid: 0, class_name: "Heartbeat" },
  other: { class_uid: 0, class_name: "Base Event" },
} as const;
export type FindingClass = keyof typeof FINDING_CLASSES;

/**
 * The routing kind (routes' and mute rules' `kinds`): a short name a source module declares
 * ("iam", "security-group", "guardduty", ...). The registry lists every kind its sources declare.
 */
export type EventKind = string;

/** The source's own rating, as it gives it, and on our scale when it maps onto it. */
export interface SourceSeverity {
  /** The source's label: GuardDuty "High", ASFF "CRITICAL", OCSF "Critical", Inspector "HIGH". */
  label?: string;
  /** The source's number, when it has one (GuardDuty 1.0-10.0, ASFF Normalized 0-100). */
  score?: number;
  /** The label or score on our scale; absent when the source gave none (or none we understand). */
  level?: SeverityLevel;
}

export interface CloudContext {
  /** "aws", "aws-cn", "aws-us-gov", from an ARN when the event has one. */
  partition?: string;
  account?: { uid?: string; name?: string };
  /** Region code; absent when unknown or not a code (see region_label). */
  region?: string;
  /** The region as the event named it when that is not a code (CloudWatch's SNS "Asia Pacific (Seoul)"). */
  region_label?: string;
}

/** One resource a finding is about (OCSF resource details). The first one is "the" resource. */
export interface Resource {
  /**
   * The id as the source names it: security group id, user name, alarm name, bucket, or an ARN.
   * Absent only when the source names the resource's type but not which one.
   */
  uid?: string;
  /** The other spelling when known: the ARN when uid is an id, or the id when uid is an ARN. */
  uid_alt?: string;
  /** The source's type name: "AWS::EC2::SecurityGroup", "AwsEc2Instance", "Instance", "AWS::S3::Bucket". */
  type?: string;
  name?: string;
  region?: string;
  account_uid?: string;
  tags?: Record<string, string>;
  /** A few more source facts worth showing (e.g. an access key's user type, a group's VPC). */
  data?: Record<string, string>;
}

/** Who acted (OCSF actor, src_endpoint and session facts, flattened). */
export interface Actor {
  /** CloudTrail identity type ("IAMUser", "AssumedRole", "Root", "AWSService", ...). */
  type?: string;
  /** Short human description: "IAM user alice", "role Admin (session bob)". */
  name?: string;
  /** ARN or principal id behind it. */
  uid?: string;
  /** The AWS service that called on the principal's behalf (userIdentity.invokedBy). */
  invoked_by?: string;
  /** Source IP address (CloudTrail sourceIPAddress, GuardDuty remote IP). */
  ip?: string;
  user_agent?: string;
  /** Whether MFA was used (console sign-in), when recorded. */
  mfa?: boolean;
  /** MFA as recorded ("Yes", "No"), for display. */
  mfa_label?: string;
  /** Where the remote party is (GuardDuty remoteIpDetails). */
  location?: { country?: string };
  /** The remote party's network organization (ASN org). */
  org?: string;
  /** A domain the finding names instead of an IP (DNS request). */
  domain?: string;
  /** The API the remote party called, or the action type, when neither IP nor domain is known. */
  operation?: string;
  action_type?: string;
}

/** An API call (OCSF api). */
export interface ApiCall {
  operation: string;
  /** The service endpoint ("ec2.amazonaws.com"). */
  service?: string;
  /** The call failed: nothing changed. */
  response?: { error?: string; message?: string };
}

/** A compliance verdict (OCSF compliance). */
export interface Compliance {
  /** The rule or control: a Config rule name, "EC2.19", a CIS recommendation. */
  control?: string;
  /** Where the control comes from: "CIS AWS Foundations Benchmark", a Config rule ARN, a standard ARN. */
  standard?: string;
  /** The verdict as the source writes it: NON_COMPLIANT, COMPLIANT, FAILED, PASSED, ... */
  status?: string;
  previous_status?: string;
}

/** A CIS monitoring control (or similar benchmark item) a finding falls under. */
export interface ControlRef {
  /** "4.3". */
  cis: string;
  /** Security Hub control id, or "none". */
  securityHub: string;
  title: string;
}

/** A security-group rule as the event names it. */
export interface RuleChange {
  /** "ingress", "egress", or "rule" when the event does not say. */
  direction: string;
  /** "tcp 22", "all traffic", ... */
  what: string;
  /** CIDRs, prefix lists and groups. */
  peers: string[];
  /** A peer is the whole internet (0.0.0.0/0 or ::/0). */
  world: boolean;
  rule_uid?: string;
  description?: string;
}

/** One ingress permission open to the world that an event added (Revert takes back exactly these). */
export interface WorldPermission {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** A range that is the world by handlers/shared/world (0.0.0.0/0, 0.0.0.0/1, 2000::/3, ...). */
  cidr: string;
}

/** One permission a remediation revoked (or would revoke). */
export interface PermissionChange {
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  rule_uids: string[];
  /** The report's entry could not be read. */
  unreadable?: boolean;
}

/** A name/value pair the source recorded, for events shown by their fields (no dedicated layout). */
export interface Observable {
  name: string;
  value: string;
  /** The value is a list of scalars: each one as recorded. */
  values?: string[];
  /** The value is a count ("3 item(s)") standing for what was too deep to show. */
  counted?: boolean;
}

/**
 * What the event shows, beyond the common fields: each source fills what it has. Additive: a new
 * source adds optional members here.
 */
export interface Evidence {
  /** An API call's request parameters as scalar leaves (bounded; `more` counts the rest); absent: none recorded. */
  parameters?: { items: Observable[]; more: number };
  /** Security-group rules the call adds, removes or names. */
  rules?: RuleChange[];
  /** Rule ids the call names without their content. */
  rule_uids?: Array<{ direction: string; uid: string }>;
  /** A group the call creates. */
  new_group?: { name?: string; vpc?: string; description?: string };
  /** The change opens ingress to 0.0.0.0/0 or ::/0 ... */
  world_ingress?: boolean;
  /** ... on port 22. */
  world_ssh?: boolean;
  /** Access Analyzer: who gets access ("AWS": "*", "AWS": "123456789012"). */
  principals?: Observable[];
  /** Actions (permissions) granted, shared or unused. */
  actions?: string[];
  /** Condition keys that limit the access. */
  conditions?: string[];
  /** The access is public. */
  public?: boolean;
  /** Alarm: the metric and the threshold condition, as text. */
  metric?: string;
  condition?: string;
  /** Remediation report: what triggered it, and the permissions it revoked (or would). */
  trigger?: { kind?: string; event_uid?: string; event_name?: string; rule?: string };
  permissions?: PermissionChange[];
  /** Unknown events: fields that identify what it is about, and the detail's keys. */
  identifying?: Observable[];
  keys?: string[];
  /** Unknown events: the ARNs the event lists. */
  resource_uids?: string[];
  /** Other notices: a few lines of what they say (S3 object, failure reason, rule names). */
  notes?: string[];
  /** A plain-text message, as received. */
  text?: string;
  /** The start of an unreadable record, as received. */
  excerpt?: string;
  /** A finding's workflow and record state (Security Hub). */
  workflow?: { status?: string; record_state?: string };
  /** The product that reported it (Security Hub's ProductName). */
  product?: string;
  /** Malware names a scan found (GuardDuty Malware Protection). */
  threats?: string[];
  /**
   * The findings and activity AWS correlated into this one (a GuardDuty attack sequence's signals,
   * a Security Hub exposure finding's contributing findings), in the order the source lists them.
   */
  signals?: Signal[];
  /** What the source says characterises it, by name (attack tactics, techniques, network endpoints). */
  indicators?: Observable[];
  /** Software vulnerabilities (OCSF vulnerabilities: CVE, affected packages, exploit and fix). */
  vulnerabilities?: Vulnerability[];
}

/** One correlated signal (OCSF related_events). */
export interface Signal {
  /** The finding type or API call ("UnauthorizedAccess:IAMUser/TorIPCaller", "AttachRolePolicy"). */
  name: string;
  /** The signal's own id at its source (a finding ARN), when given. */
  uid?: string;
  /** What kind of signal: GuardDuty's FINDING or CLOUD_TRAIL, Security Hub's contributing "Finding". */
  type?: string;
  /** The source's rating of the signal alone, as text ("5", "High"). */
  severity?: string;
  count?: number;
  first_seen?: string;
  last_seen?: string;
  /** One line: the signal's description or the traits it contributes. */
  detail?: string;
}

/** A software vulnerability (OCSF vulnerability: cve, affected_packages, is_exploit_available, is_fix_available). */
export interface Vulnerability {
  /** "CVE-2024-6387" (or the source's id when it is not a CVE). */
  uid: string;
  /** "openssh-server 8.9p1 (fixed in 1:8.9p1-3ubuntu0.10)". */
  packages: string[];
  exploit_available?: boolean;
  /** "YES", "NO", "PARTIAL", as the source says. */
  fix_available?: string;
  /** CVSS base score and the EPSS probability (0-1), when known. */
  cvss?: number;
  epss?: number;
  /** When an exploit was last seen in the wild, as written by the source. */
  last_exploited?: string;
}

/** A console link. URLs are built by source modules from validated parts, never copied from events. */
export interface Link {
  text: string;
  url: string;
}

/**
 * What an alert about this finding may act on (the notifier's buttons, the chat-ops worker's
 * checks). Absent: the alert offers Mute 24 h and Acknowledge when it names an account and region.
 */
export interface Actionable {
  /** The security group the event changed and the world-open ingress it added (Revert, Exempt). */
  security_group?: { uid: string; added: WorldPermission[] };
  /** The alert offers no buttons at all (remediation reports: the alert they follow has them). */
  none?: boolean;
}

/** Where the finding came from: the source module and the event that carried it. */
export interface Metadata {
  /** The source module's id ("cloudtrail", "guardduty", ...). */
  source: string;
  /** The id the footer and logs show: CloudTrail eventID, finding id, EventBridge id, SNS MessageId. */
  event_uid?: string;
  /** What that id names, for the footer: "CloudTrail event", "GuardDuty finding", "SNS message". */
  event_label: string;
  /** The EventBridge detail-type / SNS message type the source recognised. */
  event_type?: string;
  /** The product that reported it, when not the source itself (Security Hub's product name). */
  product?: string;
  /** The reporting product's id (Security Hub's ProductArn): with `uid`, what identifies the finding there. */
  product_uid?: string;
  /** OCSF metadata.uid: a Security Hub OCSF finding's global id (what BatchUpdateFindingsV2 takes). */
  uid?: string;
}

/** One finding. Built by a source module's `map`; `severity` is ours, from the source's rules. */
export interface Finding {
  class_name: FindingClass;
  /** OCSF class uid (FINDING_CLASSES[class_name].class_uid). */
  class_uid: number;
  /** Routing kind (routes' and mutes' `kinds`). */
  kind: EventKind;
  /** Our severity (set by the registry from the source's severity rules). */
  severity: SeverityLevel;
  /** The severity rule that decided it, as the README's table states it. */
  severity_why: string;
  /** The source's own rating. */
  severity_source?: SourceSeverity;
  /** The finding's own id at its source (CloudTrail eventID, GuardDuty finding id, ASFF Id). */
  uid?: string;
  /**
   * What happened, as mute rules and buttons name it: the CloudTrail event name, a finding type, a
   * Config rule name, an alarm state, a remediation outcome, a Config message type.
   */
  event_name?: string;
  /** The source's status: ACTIVE/ARCHIVED/RESOLVED, NEW/SUPPRESSED, ALARM/OK, Success/Failure, an outcome. */
  status?: string;
  status_previous?: string;
  /** Why the status is what it is (alarm state reason). */
  status_reason?: string;
  /** When it happened, as the event orders itself (ISO-8601 as written by the source). */
  time?: string;
  first_seen?: string;
  last_seen?: string;
  /** How many times the source saw it (GuardDuty count). */
  count?: number;
  /** Headline (the message header). */
  title: string;
  /** A longer description (finding description, alarm description, Config annotation). */
  desc?: string;
  cloud: CloudContext;
  resources: Resource[];
  actor?: Actor;
  api?: ApiCall;
  compliance?: Compliance;
  /** Benchmark controls it falls under (CIS 4.x). */
  controls?: ControlRef[];
  /** Finding types (GuardDuty "UnauthorizedAccess:EC2/SSHBruteForce", ASFF Types). */
  types?: string[];
  evidence: Evidence;
  /** How to fix it (OCSF remediation). */
  remediation?: { desc?: string; references?: string[] };
  links: Link[];
  actions?: Actionable;
  /**
   * The source's identity of this revision of the finding, the same on every path that delivers it
   * (de-duplication): "cloudtrail|<eventID>", "guardduty|<id>@<updatedAt>". Absent: the notifier
   * derives a key from kind, account, region, name, resource, verdict and time.
   */
  dedupe_uid?: string;
  /** AWS's own correlation, when it groups signals (attack sequence id, exposure finding id). */
  correlation_uid?: string;
  /** Other findings that arrived in the same event (Security Hub sends up to 100 per event). */
  related?: Finding[];
  metadata: Metadata;
  /** The record could not be read at all (no source recognised it as anything). */
  unreadable?: boolean;
}

/** A record a source recognises but deliberately does not post, and why (routine notices). */
export interface Skip {
  skipped: string;
  kind: EventKind;
  accountId?: string;
  /** What mute rules and logs would see of it. */
  event_name?: string;
}
