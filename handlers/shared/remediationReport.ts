// The remediation function reports every decision to the hub bus as an EventBridge event with
// source REMEDIATION_EVENT_SOURCE and detail-type REMEDIATION_DETAIL_TYPE; the notifier formats it.
// This is that event's `detail`, the contract between the two functions.

export type RemediationOutcome =
  /** Offending permissions were revoked. */
  | "revoked"
  /** Dry-run mode: the offending permissions were found and would have been revoked. */
  | "dry-run"
  /** The group carries the exemption tag: nothing was changed. */
  | "exempt"
  /** The group has no SSH-to-the-world permission (already fixed, or never had one). */
  | "already-compliant"
  /** The group no longer exists. */
  | "group-not-found";

/** One IP permission as revoked (or as it would be revoked in dry-run). */
export interface RevokedPermission {
  /** "tcp", "udp", "icmp", "-1" (all traffic), ... as EC2 reports it. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  /** The world-open CIDRs removed: "0.0.0.0/0", "::/0", or CIDRs that together cover everything. */
  cidrs: string[];
  /** Managed prefix lists removed from the permission (they held 0.0.0.0/0 or ::/0). */
  prefixListIds?: string[];
  /** Security group rule ids, when EC2 reported them. */
  ruleIds?: string[];
}

export interface RemediationReport {
  outcome: RemediationOutcome;
  accountId: string;
  region: string;
  groupId: string;
  groupName?: string;
  vpcId?: string;
  permissions: RevokedPermission[];
  /**
   * Permissions authorized in place of the revoked ones: the same sources and ports without TCP
   * port 22, so only SSH closes (absent when the whole rule was revoked, or nothing was wider).
   */
  added?: RevokedPermission[];
  /** Why this run happened: the triggering event. */
  trigger: {
    /** exemption-expired: the scheduled check removed the group's expired exemption. */
    kind: "config-compliance" | "cloudtrail" | "exemption-expired";
    /** EventBridge event id, SNS message id, or CloudTrail eventID. */
    eventId?: string;
    eventName?: string;
    configRuleName?: string;
  };
  /** Who opened the rule, when the trigger was a CloudTrail event (ARN or principal description). */
  openedBy?: string;
  openedAt?: string;
  /** Human-readable explanation of the outcome ("exempt by tag security-guard:ssh-exempt=true"). */
  reason: string;
}
