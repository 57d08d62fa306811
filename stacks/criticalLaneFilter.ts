// Which events of the hub's events topic take the notifier's critical lane (a queue read without a
// batching window, so they reach Slack in seconds instead of after the main queue's 20 s window):
// the signals the notifier rates critical and the alerts that carry a Revert button. A filter
// policy of scope MessageBody matches the EventBridge event JSON that the bus rule publishes
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html). SNS refuses one policy
// with all of them as "too complex" (a policy may name at most 5 keys,
// https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html), so each
// kind is its own subscription to the same queue. They still reach the main
// queue too: the second copy is a repeat for its incident (or a duplicate for the seen store) and
// is not posted again, so a filter that misses an event only costs time, never the event.
import { REMEDIATION_EVENT_SOURCE } from "../handlers/shared/constants";

/** GuardDuty's High band starts at 7 (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html). */
const GUARDDUTY_URGENT_SEVERITY = 7;

/** One filter policy per subscription of the critical lane's queue to the events topic. */
export function criticalLaneFilterPolicies(sshConfigRules: string[]): Array<Record<string, unknown>> {
  return [
    // Ingress changes: a world-open rule is critical and its alert carries Revert.
    {
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventName: ["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"] },
    },
    {
      "detail-type": ["Config Rules Compliance Change"],
      detail: {
        configRuleName: [...sshConfigRules],
        newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
      },
    },
    // The remediator's report: the incident's card says "remediated" seconds after the opening.
    { source: [REMEDIATION_EVENT_SOURCE] },
    { "detail-type": ["AWS Console Sign In via CloudTrail"], detail: { userIdentity: { type: ["Root"] } } },
    { source: ["aws.guardduty"], detail: { severity: [{ numeric: [">=", GUARDDUTY_URGENT_SEVERITY] }] } },
    { source: ["aws.securityhub"], detail: { findings: { Severity: { Label: ["CRITICAL"] } } } },
  ];
}
