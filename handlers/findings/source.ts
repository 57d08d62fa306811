// The contract of a source module: one per signal source, in handlers/findings/sources/, listed in
// registry.ts. A module recognises its events, parses them with a schema (parse.ts), maps them to a
// Finding (model.ts), and declares everything else the guard needs to know about it: its severity
// rules (the README's severity table), the EventBridge patterns a spoke forwards it with and the
// hub's notify filter lets through (the stacks build their rules from these), and its fixtures
// (test/fixtures/events/...; the tests render and route every one). Console links are built by the
// module into `Finding.links` from validated parts. Adding a source is one module, its line in
// registry.ts, its fixtures and its test: the stacks' rules and the README's tables (`npm run
// config:docs`) are built from them.
import type { EventKind, Finding, SeverityLevel, Skip } from "./model";
import type { WorldPrefixes } from "../shared/world";
import type { NotifyFilters } from "./notifyFilters";

/** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = Record<string, unknown>;

/** What the edge knows about the record a payload arrived in (not the payload: the module parses that). */
export interface Delivery {
  /** SNS MessageId, SQS messageId, EventBridge id, or a position ("Records[2]"). */
  recordId: string;
  via: "sns" | "sqs" | "direct";
  /** Topic or queue ARN the record came through. */
  origin?: string;
  /** SNS Subject, when given. */
  subject?: string;
  /** The SNS MessageId of a notification that arrived inside an SQS message. */
  snsMessageId?: string;
}

export interface MapContext {
  delivery: Delivery;
  /** Missing or mistyped fields, in reading order: shown on the message and logged. */
  problems: string[];
  /** What counts as the world (hub key worldPrefixes); default IPv4 /8, IPv6 /16, 2000::/3 always. */
  world?: WorldPrefixes;
}

/** A finding as a source maps it: everything but our severity, which the registry rates. */
export interface Draft extends Omit<Finding, "severity" | "severity_why" | "related"> {
  related?: Draft[];
}

/** Settings the severity rules may depend on. */
export interface SeverityContext {
  /** Config rules whose NON_COMPLIANT verdict means SSH is open to the world. */
  sshConfigRules: readonly string[];
  /** What counts as the world (hub key worldPrefixes): handed to the sources through MapContext. */
  world?: WorldPrefixes;
}

/** One row of the severity table: the first row (of the finding's source) whose test holds decides. */
export interface SeverityRule {
  severity: SeverityLevel;
  /** The condition as the README's table states it. */
  when: string;
  test: (finding: Draft, ctx: SeverityContext) => boolean;
}

/** What a spoke's settings say about forwarding (additive: new sources add optional members). */
export interface SpokeForwarding {
  /** The spoke's region this rule would be created in. */
  region: string;
  /** Config rules whose compliance changes are forwarded (the guard's and the spoke's extra rules). */
  configRuleNames: readonly string[];
  /** Opt-in: denied API calls (CIS 4.1). */
  forwardUnauthorizedCalls: boolean;
}

/** One EventBridge rule on every spoke's default bus, forwarding to the hub bus. */
export interface ForwardRule {
  /** Short name: the rule is `<prefix>-<name>`. Stable: renaming it replaces the deployed rule. */
  name: string;
  /**
   * "every": each region the spoke covers. "global": only where global services (IAM,
   * Organizations) record their events (us-east-1 in the aws partition). "sign-in": each region the
   * spoke covers, and the regions it does not cover where CloudTrail still records console sign-ins
   * (stacks/regions.ts SIGN_IN_RECORD_REGIONS: there the spoke creates this rule alone).
   */
  regions: "every" | "global" | "sign-in";
  /** The pattern, or undefined when this spoke's settings leave the rule out (an opt-in). */
  pattern: (spoke: SpokeForwarding) => EventPattern | undefined;
}

/** One row of the README's detection table. */
export interface Detection {
  /** What is detected, for users: "Security-group changes (CIS 4.10)". */
  what: string;
  /** Where it comes from: "CloudTrail, every region". */
  from: string;
  /**
   * The spoke rules that forward it, when not every rule of this source: another source's rule
   * (attack sequences come with the GuardDuty findings), or none for what the hub finds itself.
   */
  rules?: readonly string[];
}

export interface SourceModule {
  /** Stable id ("cloudtrail", "guardduty"): Finding.metadata.source, logs, docs. */
  id: string;
  /** For users: "AWS CloudTrail management events". */
  name: string;
  /** Routing kinds this source's findings carry (routes' and mute rules' `kinds`). */
  kinds: readonly EventKind[];
  /** The README's detection table rows. */
  detects: readonly Detection[];
  /**
   * Whether `payload` is this source's: a cheap look at detail-type, source or messageType, never
   * a full parse. The registry asks sources in order; the first that says yes maps the payload.
   */
  recognise: (payload: Record<string, unknown>, delivery: Delivery) => boolean;
  /** Parse (with a schema, leniently: parse.ts) and map. Never throws for bad content. */
  map: (payload: Record<string, unknown>, ctx: MapContext) => Draft | Skip;
  /** In order; the registry appends the table's last row ("anything else": medium). */
  severity: readonly SeverityRule[];
  /** Spoke forwarding rules (none: the source is not forwarded, e.g. the hub's own reports). */
  forward?: readonly ForwardRule[];
  /** The hub notify rule's `$or` branches for this source. */
  notify?: (filters: NotifyFilters) => EventPattern[];
  /**
   * The hub resolve rule's `$or` branches: verdicts that end an open incident (a control that now
   * passes), at any severity. The notifier posts none on its own: each resolves its incident or is
   * skipped. A rule of their own, as the notify pattern is near EventBridge's 2,048 characters.
   */
  resolve?: (filters: NotifyFilters) => EventPattern[];
  /**
   * Event sources (EventBridge `source`) whose every event the hub notifies: merged into one branch
   * of the notify pattern ("source": [...]) instead of a branch each.
   */
  notifyAll?: readonly string[];
  /** Fixture files (relative to test/fixtures/events) of this source's events. */
  fixtures: readonly string[];
}
