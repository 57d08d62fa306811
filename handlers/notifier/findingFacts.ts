// What mute rules, de-duplication, the mute/ack buttons and incidents match on, read from the
// finding (never from the payload): one flat view, so a mute rule's fields map one to one.
import type { Finding, SeverityLevel, Skip } from "../findings/model";
import type { EventKind } from "./kinds";

export interface EventFacts {
  kind: EventKind;
  /**
   * What happened, by kind: the CloudTrail event name ("AuthorizeSecurityGroupIngress"), the Config
   * rule name of a compliance change, the new alarm state ("ALARM"), the remediation outcome
   * ("revoked"), the Config message type of other Config notifications, a finding type.
   */
  eventName?: string;
  accountId?: string;
  region?: string;
  /** The resource's id: security group id, IAM user/role/policy name, alarm name, resource id. */
  resourceId?: string;
  /** The resource's ARN when the event names one. */
  resourceArn?: string;
  /** Who made the change (CloudTrail userIdentity ARN, or principal id). */
  actor?: string;
  /** Config compliance verdict (NON_COMPLIANT, COMPLIANT, ...). */
  compliance?: string;
  /** The Config rule of a compliance change. */
  configRule?: string;
  /** When the event happened, as the event orders it. */
  time?: string;
  /** A security-group change that adds ingress from 0.0.0.0/0 or ::/0. */
  worldIngress?: boolean;
  /** The CloudTrail call failed (errorCode set): nothing changed. */
  failedCall?: boolean;
  /** The record could not be read at all. */
  unreadable?: boolean;
  /** A finding's status (ACTIVE/ARCHIVED/RESOLVED, ...). */
  status?: string;
  /** The source's own identity of this revision of the event (the finding's dedupe uid). */
  sourceId?: string;
  /** Our severity of the finding (absent for skipped records). */
  severity?: SeverityLevel;
  /** A Security Hub finding's identity (Acknowledge and Mute update its workflow status there). */
  securityHubFinding?: { id: string; productArn: string };
  /** A Security Hub OCSF finding's metadata.uid (Acknowledge and Mute update its status there). */
  securityHubOcsfUid?: string;
}

const isArn = (s: string | undefined): s is string => !!s && s.startsWith("arn:");

/** The facts of a finding, or of a record a source skips (what its skip names). */
export function factsOf(f: Finding | Skip): EventFacts {
  if ("skipped" in f)
    return {
      kind: f.kind as EventKind,
      ...(f.accountId ? { accountId: f.accountId } : {}),
      ...(f.event_name ? { eventName: f.event_name } : {}),
    };
  const r = f.resources[0];
  const arn = isArn(r?.uid) ? r.uid : isArn(r?.uid_alt) ? r.uid_alt : undefined;
  const out: EventFacts = {
    kind: f.kind as EventKind,
    severity: f.severity,
    eventName: f.event_name,
    accountId: f.cloud.account?.uid,
    region: f.cloud.region ?? f.cloud.region_label,
    resourceId: r?.uid,
    resourceArn: arn,
    actor: f.actor?.uid,
    compliance: f.compliance?.status,
    configRule: f.class_name === "compliance" ? f.compliance?.control : undefined,
    time: f.time,
    worldIngress: !!f.evidence.world_ingress,
    failedCall: !!f.api?.response?.error,
    status: f.status,
    sourceId: f.dedupe_uid,
    ...(f.unreadable ? { unreadable: true } : {}),
    ...(f.metadata.source === "securityhub" && f.uid && f.metadata.product_uid
      ? { securityHubFinding: { id: f.uid, productArn: f.metadata.product_uid } }
      : {}),
    ...(f.metadata.source === "security-hub-ocsf" && f.metadata.uid
      ? { securityHubOcsfUid: f.metadata.uid }
      : {}),
  };
  // Absent facts stay absent, so a view prints as before.
  return Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined && v !== false),
  ) as EventFacts;
}
