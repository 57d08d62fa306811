// What the hub's Config topic passes on to the notifier queue. Every spoke's us-east-1 delivery
// channel publishes a ConfigurationItemChangeNotification for every change of every recorded
// resource, plus routine delivery notices; the subscription's filter policy passes only compliance
// changes of the guard's own Config rules and the ones listed in config, so the rest costs no queue
// message and no Lambda invocation
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html; a MessageBody policy
// matches the JSON the Config service publishes).

/**
 * The filter policy (scope MessageBody) of the Config topic's notifier subscription. SNS allows
 * 150 value combinations per policy: one message type times the rule names.
 */
export function configTopicFilterPolicy(configRuleNames: string[]): Record<string, unknown> {
  return { messageType: ["ComplianceChangeNotification"], configRuleName: [...configRuleNames] };
}

export const MAX_FILTERED_CONFIG_RULES = 150;
