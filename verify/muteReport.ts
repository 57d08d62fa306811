// The mute rules of every hub that can no longer or never mute anything: expired, or naming an
// account, region or event the guard never receives from the stacks in this repository.
// `npm run plan` prints them (a report, not a failure: an expired rule is harmless, but stale).
import { MuteRuleReport, muteRuleReport } from "../handlers/notifier/mutes";
import { EventKind } from "../handlers/notifier/settings";
import { HubConfig, SpokeConfig, StackConfig } from "../stacks/configSchema";
import { forwardedConfigRules, notifiedConfigRules } from "../stacks/configRules";
import { FORWARDED_SECURITY_GROUP_EVENTS } from "../handlers/findings/sources/cloudTrail";

export interface MuteReportLine extends MuteRuleReport {
  stackFile: string;
}

export function muteReport(configs: StackConfig[], now: number): MuteReportLine[] {
  const spokes = configs.filter((c): c is SpokeConfig => c.role === "spoke");
  const out: MuteReportLine[] = [];
  for (const hub of configs.filter((c): c is HubConfig => c.role === "hub")) {
    if (!hub.mutes.length) continue;
    const accounts = [
      ...spokes.map((s) => s.accountId),
      ...hub.memberAccounts,
      ...Object.keys(hub.accountNames),
      hub.accountId,
    ];
    const regions = [...new Set([...spokes.flatMap((s) => s.regions), ...hub.regions])];
    const rules = [...new Set([...notifiedConfigRules(hub), ...spokes.flatMap(forwardedConfigRules)])];
    const eventNames: Partial<Record<EventKind, string[]>> = {
      "security-group": FORWARDED_SECURITY_GROUP_EVENTS,
      "config-compliance": rules,
      alarm: ["ALARM", "OK", "INSUFFICIENT_DATA"],
      remediation: ["revoked", "dry-run", "exempt", "already-compliant", "group-not-found"],
      iam: ["*"],
      other: ["*"],
    };
    for (const line of muteRuleReport(hub.mutes, { now, accounts, regions, eventNames }))
      out.push({ stackFile: hub.stackFile, ...line });
  }
  return out;
}

export function formatMuteReport(lines: MuteReportLine[]): string[] {
  return lines.map((l) => `MUTE ${l.stackFile}: mutes[${l.index}] ${l.name}: ${l.problem}`);
}
