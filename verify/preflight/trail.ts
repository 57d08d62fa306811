// "AWS API Call via CloudTrail" events reach EventBridge only when a trail with logging on covers
// the account and region (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail).
// Without one, security-group and IAM forwarding and the remediation path that starts from them
// stay silent while `pulumi up` succeeds. DescribeTrails with shadow trails lists the trails that
// apply to a region, including an organization trail created in the management account.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { errorText } from "../../handlers/shared/errors";
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
  const client = new CloudTrailClient(session.client(region));
  const trails =
    (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  const covering = trails.filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
  const notes: string[] = [];
  for (const t of covering) {
    try {
      const status = await client.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
      if (status.IsLogging) {
        return [
          {
            ...base,
            resource: t.TrailARN ?? String(t.Name),
            blocks: false,
            message: `trail ${t.Name} covers this region and is logging${t.IsOrganizationTrail ? " (organization trail)" : ""}`,
          },
        ];
      }
      notes.push(`trail ${t.Name} covers this region but is not logging`);
    } catch (err) {
      notes.push(`trail ${t.Name}: status unreadable (${errorText(err)})`);
    }
  }
  for (const t of trails.filter((x) => !covering.includes(x)))
    notes.push(`trail ${t.Name} records only ${t.HomeRegion}`);
  const stopped = covering.find((t) =>
    notes.includes(`trail ${t.Name} covers this region but is not logging`),
  );
  return [
    {
      ...base,
      resource: stopped?.TrailARN ?? "CloudTrail (no logging trail)",
      blocks: true,
      message:
        `no logging trail covers ${config.accountId} in ${region}${notes.length ? ` (${notes.join("; ")})` : ""}: ` +
        "security-group and IAM changes would never reach the hub",
      fix: stopped
        ? `aws cloudtrail start-logging --name ${stopped.TrailARN} --region ${stopped.HomeRegion}`
        : "set security-guard:createTrail: true, or create a logging organization trail (multi-region) in the management account",
    },
  ];
}
