// What the incident logic needs of one finding (and nothing more): its identity across
// re-publications, what it says about its resource (still failing, passing now, remediated), the
// resource it is about, and AWS's own correlation when there is one. The notifier's sources fill
// it from the finding they parsed (toSignal in adapt.ts); the incident store and the Slack side
// read only this.
import type { SeverityLevel } from "../severityLevels";

/** What a signal says about its resource. */
export type SignalEffect = "fail" | "pass" | "remediated";

export interface SignalResource {
  /** The resource's id or ARN (an ARN's resource id is what keys the incident: see resourceKey). */
  uid: string;
  account?: string;
  region?: string;
  /** The resource's owner tag value, when known (the card shows it). */
  owner?: string;
}

/** AWS's own grouping of findings: a GuardDuty attack sequence, a Security Hub exposure finding. */
export interface SignalCorrelation {
  kind: "attack-sequence" | "exposure";
  uid: string;
  /** The uids of the findings it groups (an attack sequence's signals), when it lists them. */
  members?: string[];
}

export interface IncidentSignal {
  /**
   * The finding's identity across re-publications: GuardDuty re-publishes an active finding with a
   * new updatedAt every publishing interval (6 h by default,
   * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html), under the
   * same id; the uid is that id, so a re-publication is recognised as a repeat.
   */
  uid: string;
  /** Where it comes from, as users know it: "CloudTrail", "AWS Config", "Security Hub", ... */
  source: string;
  /** One line: what it says ("AuthorizeSecurityGroupIngress opened port 22 to 0.0.0.0/0"). */
  title: string;
  severity: SeverityLevel;
  effect: SignalEffect;
  /** When the source observed it (ISO 8601). */
  time: string;
  resource?: SignalResource;
  correlation?: SignalCorrelation;
  /**
   * "change": an action on the resource (a CloudTrail call) observed as it happened; "verdict"
   * (default): a posture evaluation (Config, Security Hub), which may lag the resource by minutes.
   */
  observation?: "change" | "verdict";
  /** The id of the event that carried it (CloudTrail eventID, EventBridge id, ...), when known. */
  eventId?: string;
}
