// "AWS API Call via CloudTrail" events reach EventBridge only when a logging trail that records
// management write events covers the account and region (handlers/coverage/trails.ts). Without
// one, security-group and IAM forwarding and the remediation path that starts from them stay
// silent while `pulumi up` succeeds.
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { feedingTrail, trailFix, trailNotes, trailsCovering } from "../../handlers/coverage/trails";
import { SpokeConfig } from "../../stacks/configSchema";
import { Finding } from "./findings";
import { DeploySession } from "./session";

export async function checkTrail(
  config: SpokeConfig,
  region: string,
  session: DeploySession,
): Promise<Finding[]> {
  const base = { check: "trail", account: config.accountId, region };
  if (config.createTrail) {
    return [
      {
        ...base,
        resource: "security-guard (multi-region trail)",
        blocks: false,
        message: "the stack creates its own multi-region trail (createTrail: true)",
      },
    ];
  }
  const states = await trailsCovering((r) => new CloudTrailClient(session.client(r)), region);
  const feeding = feedingTrail(states);
  if (feeding) {
    const t = feeding.trail;
    return [
      {
        ...base,
        resource: t.TrailARN ?? String(t.Name),
        blocks: false,
        message: `trail ${t.Name} covers this region, is logging and records management write events${t.IsOrganizationTrail ? " (organization trail)" : ""}`,
      },
    ];
  }
  // The trail to repair: one that is not logging first, then one without management writes.
  const repairable =
    states.find((s) => !s.unreadable && !s.logging) ??
    states.find((s) => !s.unreadable && !s.managementWrites);
  const notes = trailNotes(states);
  return [
    {
      ...base,
      resource: repairable?.trail.TrailARN ?? "CloudTrail (no logging trail)",
      blocks: true,
      message:
        `no logging trail with management write events covers ${config.accountId} in ${region}${notes.length ? ` (${notes.join("; ")})` : ""}: ` +
        "security-group and IAM changes would never reach the hub",
      fix: trailFix(repairable),
    },
  ];
}
