// AWS Config compliance changes: the EventBridge "Config Rules Compliance Change" event and the SNS
// ComplianceChangeNotification of a delivery channel, which carry the same fields
// (https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html).
// The spokes forward the guard's rules' verdicts (and the rules a spoke lists) only: other rules'
// verdicts (Control Tower's, Security Hub's) stay in their account.
import { configRuleUrl, isRegionCode, parseArn, type Partition } from "../links";
import { FINDING_CLASSES } from "../model";
import { Json, isEventBridge, isObject, object, parseLenient, text } from "../parse";
import type { Delivery, Draft, SourceModule } from "../source";

const DETAIL_TYPE = "Config Rules Compliance Change";
const SNS_TYPE = "ComplianceChangeNotification";

function bodySchema() {
  const qualifier = object({ configRuleName: text(), resourceType: text(), resourceId: text() });
  return object({
    configRuleName: text(),
    configRuleARN: text(),
    resourceType: text(),
    resourceId: text(),
    awsAccountId: text(),
    awsRegion: text(),
    notificationCreationTime: text(),
    newEvaluationResult: object({
      complianceType: text(),
      resultRecordedTime: text(),
      annotation: text(),
      evaluationResultIdentifier: object({ evaluationResultQualifier: qualifier, orderingTimestamp: text() }),
    }),
    oldEvaluationResult: object({ complianceType: text() }),
  });
}

function envelopeSchema() {
  return object({ id: text(), account: text(), region: text(), time: text() });
}

/** The notification id: the EventBridge id, else the SNS MessageId (also inside SQS). */
export function notificationId(delivery: Delivery): string {
  return delivery.snsMessageId ?? delivery.recordId;
}

function mapCompliance(body: Json, event: Json | undefined, problems: string[], delivery: Delivery): Draft {
  const where = event ? "detail" : "";
  const b =
    parseLenient(bodySchema(), body, {
      problems,
      prefix: where,
      required: ["newEvaluationResult.complianceType"],
    }) ?? {};
  const env = event ? (parseLenient(envelopeSchema(), event, { problems }) ?? {}) : {};
  const q = b.newEvaluationResult?.evaluationResultIdentifier?.evaluationResultQualifier;
  const rule = b.configRuleName ?? q?.configRuleName;
  const dot = where ? `${where}.` : "";
  if (!rule) problems.push(`${dot}configRuleName is missing`);
  const compliance = b.newEvaluationResult?.complianceType ?? "UNKNOWN";
  const resourceId = b.resourceId ?? q?.resourceId;
  const resourceType = b.resourceType ?? q?.resourceType;
  const accountId = b.awsAccountId ?? env.account;
  const region = b.awsRegion ?? env.region;
  if (!accountId) problems.push(`${dot}awsAccountId is missing`);
  if (!region) problems.push(`${dot}awsRegion is missing`);
  const ruleArn = parseArn(b.configRuleARN);
  const eventId = env.id ?? notificationId(delivery);
  const resource = resourceId ?? "unknown resource";
  return {
    ...FINDING_CLASSES.compliance,
    class_name: "compliance",
    kind: "config-compliance",
    uid: eventId,
    event_name: rule,
    status: compliance,
    // Both paths (SNS and EventBridge) carry the same ordering timestamp for one evaluation.
    time:
      b.newEvaluationResult?.evaluationResultIdentifier?.orderingTimestamp ??
      b.newEvaluationResult?.resultRecordedTime ??
      b.notificationCreationTime ??
      env.time,
    last_seen: b.newEvaluationResult?.resultRecordedTime ?? b.notificationCreationTime ?? env.time,
    title: `${resource} is ${compliance} with ${rule ?? "an unnamed Config rule"}`,
    desc: b.newEvaluationResult?.annotation,
    cloud: { ...(ruleArn ? { partition: ruleArn.partition } : {}), account: { uid: accountId }, region },
    resources:
      resourceId || resourceType
        ? [{ ...(resourceId ? { uid: resourceId } : {}), ...(resourceType ? { type: resourceType } : {}) }]
        : [],
    compliance: {
      ...(rule ? { control: rule } : {}),
      ...(b.configRuleARN ? { standard: b.configRuleARN } : {}),
      status: compliance,
      ...(b.oldEvaluationResult?.complianceType
        ? { previous_status: b.oldEvaluationResult.complianceType }
        : {}),
    },
    evidence: {},
    links:
      rule && region && isRegionCode(region)
        ? [
            {
              text: "Open rule in AWS Config",
              url: configRuleUrl(region, rule, ruleArn?.partition as Partition | undefined),
            },
          ]
        : [],
    metadata: {
      source: "config-compliance",
      event_uid: eventId,
      event_label: event ? "EventBridge event" : "Config notification",
      event_type: event ? DETAIL_TYPE : SNS_TYPE,
    },
  };
}

export const configCompliance: SourceModule = {
  id: "config-compliance",
  name: "AWS Config rule compliance changes",
  kinds: ["config-compliance"],
  detects: [
    {
      what: "Config rule verdicts: the guard's restricted-ssh rule and the rules a spoke lists (`extraConfigRules`)",
      from: "AWS Config, every region (EventBridge; and the hub's Config topic in us-east-1)",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE) || p.messageType === SNS_TYPE,

  map(payload, ctx): Draft {
    if (payload.messageType === SNS_TYPE)
      return mapCompliance(payload, undefined, ctx.problems, ctx.delivery);
    return mapCompliance(isObject(payload.detail) ? payload.detail : {}, payload, ctx.problems, ctx.delivery);
  },

  severity: [
    {
      severity: "critical",
      when: "the guard's SSH Config rule reports NON_COMPLIANT",
      test: (f, ctx) =>
        f.compliance?.control !== undefined &&
        ctx.sshConfigRules.includes(f.compliance.control) &&
        f.compliance.status === "NON_COMPLIANT",
    },
    {
      severity: "high",
      when: "any other Config rule reports NON_COMPLIANT",
      test: (f) => f.compliance?.status === "NON_COMPLIANT",
    },
    {
      severity: "low",
      when: "a Config verdict NOT_APPLICABLE or INSUFFICIENT_DATA",
      test: (f) => f.compliance?.status !== "COMPLIANT",
    },
    { severity: "info", when: "a Config rule reports COMPLIANT", test: () => true },
  ],

  forward: [
    {
      name: "config-compliance",
      regions: "every",
      pattern: (spoke) => ({
        source: ["aws.config"],
        "detail-type": [DETAIL_TYPE],
        detail: { configRuleName: [...spoke.configRuleNames] },
      }),
    },
  ],
  notifyAll: ["aws.config"],
  fixtures: [
    "eventbridge/config-compliance-change-compliant.json",
    "eventbridge/config-compliance-change-noncompliant.json",
    "messages/config-compliance-change-notification.json",
    "sns/lambda-sns-config-compliance-noncompliant.json",
  ],
};
