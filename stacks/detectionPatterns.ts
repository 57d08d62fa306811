// Spoke forwarding patterns for the detection services (GuardDuty, Security Hub, IAM Access
// Analyzer) and the CIS AWS Foundations Benchmark monitoring controls (v1.4 and v3.0 section 4,
// Security Hub CloudWatch.1-14), written as EventBridge rules on CloudTrail events instead of
// CloudWatch Logs metric filters: no log group or alarm per control, and the event itself (actor,
// resource, parameters) reaches Slack instead of a metric count.
// Sources and detail-types: https://docs.aws.amazon.com/eventbridge/latest/ref/events.html
// Pattern limit (2,048 characters): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
import { CIS_CHANGE_CONTROLS, CIS_ORGANIZATIONS_CONTROL } from "../handlers/shared/cisControls";
import { EventPattern, SECURITY_GROUP_EVENT_NAMES } from "./eventPatterns";

const CLOUDTRAIL = "AWS API Call via CloudTrail";
const SIGN_IN = "AWS Console Sign In via CloudTrail";

/** Every region: the CIS change controls, one rule ($or keeps it to one rule per region). */
export const cisChanges: EventPattern = {
  "detail-type": [CLOUDTRAIL],
  $or: CIS_CHANGE_CONTROLS.reduce<Record<string, unknown>[]>((out, c) => {
    // Controls of one service share a branch, so the pattern stays small.
    const same = out.find((b) => (b.source as string[])[0] === c.source);
    if (same) (same.detail as { eventName: string[] }).eventName.push(...c.eventNames);
    else
      out.push({
        source: [c.source],
        detail: { eventSource: [c.eventSource], eventName: [...c.eventNames] },
      });
    return out;
  }, []),
};

/** us-east-1 only: AWS Organizations changes (CIS 4.15). */
export const organizationsChanges: EventPattern = {
  source: [CIS_ORGANIZATIONS_CONTROL.source],
  "detail-type": [CLOUDTRAIL],
  detail: {
    eventSource: [CIS_ORGANIZATIONS_CONTROL.eventSource],
    eventName: CIS_ORGANIZATIONS_CONTROL.eventNames,
  },
};

/**
 * us-east-1 only (console sign-in events of IAM users and the root user are recorded there):
 * sign-in without MFA (CIS 4.2, CloudWatch.3: IAM users only, as the control is written, so
 * federated/SSO sign-ins that carry MFA elsewhere are not reported), console authentication
 * failures (4.6, CloudWatch.6) and every root sign-in (4.3, CloudWatch.1).
 */
export const consoleSignIns: EventPattern = {
  source: ["aws.signin"],
  "detail-type": [SIGN_IN],
  detail: {
    eventName: ["ConsoleLogin"],
    $or: [
      {
        userIdentity: { type: ["IAMUser"] },
        additionalEventData: { MFAUsed: [{ "anything-but": "Yes" }] },
        responseElements: { ConsoleLogin: ["Success"] },
      },
      { responseElements: { ConsoleLogin: ["Failure"] } },
      { userIdentity: { type: ["Root"] } },
    ],
  },
};

/**
 * Event names other forwarding rules already send: root-usage and unauthorized-call rules leave
 * them out, so one event is forwarded by one rule only (two rules would post it twice).
 */
export const FORWARDED_ELSEWHERE = {
  eventSources: ["iam.amazonaws.com", CIS_ORGANIZATIONS_CONTROL.eventSource],
  eventNames: [...SECURITY_GROUP_EVENT_NAMES, ...CIS_CHANGE_CONTROLS.flatMap((c) => c.eventNames)],
};

/**
 * Every region: API calls made by the root user (CIS 4.3, CloudWatch.1), as the control's filter
 * defines it (not invoked by an AWS service, not an AWS service event).
 */
export const rootUsage: EventPattern = {
  "detail-type": [CLOUDTRAIL],
  detail: {
    userIdentity: { type: ["Root"], invokedBy: [{ exists: false }] },
    eventType: [{ "anything-but": "AwsServiceEvent" }],
    eventSource: [{ "anything-but": FORWARDED_ELSEWHERE.eventSources }],
    eventName: [{ "anything-but": FORWARDED_ELSEWHERE.eventNames }],
  },
};

/**
 * Opt-in, every region: unauthorized API calls (CIS 4.1, CloudWatch.2). Denied calls are often
 * read-only, which EventBridge delivers only to rules that ask for them; expect volume from
 * misconfigured automation.
 */
export const unauthorizedCalls: EventPattern = {
  "detail-type": [CLOUDTRAIL],
  detail: {
    errorCode: [{ wildcard: "*UnauthorizedOperation" }, { prefix: "AccessDenied" }],
    eventSource: [{ "anything-but": FORWARDED_ELSEWHERE.eventSources }],
    eventName: [{ "anything-but": FORWARDED_ELSEWHERE.eventNames }],
  },
};

/** Every region: GuardDuty findings (new and updated; the hub's notify rule applies the minimum severity). */
export const guardDutyFindings: EventPattern = {
  source: ["aws.guardduty"],
  "detail-type": ["GuardDuty Finding"],
};

/** Every region: Security Hub findings as imported (the hub filters workflow, record state and severity). */
export const securityHubFindings: EventPattern = {
  source: ["aws.securityhub"],
  "detail-type": ["Security Hub Findings - Imported"],
};

/** Every region: IAM Access Analyzer findings (external or public access). */
export const accessAnalyzerFindings: EventPattern = {
  source: ["aws.access-analyzer"],
  "detail-type": ["Access Analyzer Finding"],
};
