// Which AWS Config rules' compliance changes reach the hub: the guard's own (the restricted-ssh rule
// every spoke deploys, and the rules remediation acts on) plus the ones a stack lists. Verdicts of
// other rules (Control Tower's, Security Hub's) are not forwarded by spokes nor passed by the
// hub's Config topic subscription.
import { HubConfig, SpokeConfig } from "./configSchema";
import { RESTRICTED_SSH_RULE_NAME } from "./names";

function unique(names: string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** The guard's rule, the rules remediation acts on, and the extra ones, each once. */
export function notifiedRuleNames(remediationRules: string[], extraRules: string[]): string[] {
  return unique([RESTRICTED_SSH_RULE_NAME, ...remediationRules, ...extraRules]);
}

/** Rules whose verdicts the hub passes from its Config topic to the notifier. */
export function notifiedConfigRules(config: HubConfig): string[] {
  return notifiedRuleNames(config.remediation.configRuleNames, config.extraConfigRules ?? []);
}

/** Rules whose compliance changes a spoke forwards to the hub bus. */
export function forwardedConfigRules(config: Pick<SpokeConfig, "extraConfigRules">): string[] {
  return unique([RESTRICTED_SSH_RULE_NAME, ...(config.extraConfigRules ?? [])]);
}
