// AWS console deep links in the event's own region and partition. Console hosts per partition:
// aws: <region>.console.aws.amazon.com, aws-us-gov: console.amazonaws-us-gov.com,
// aws-cn: console.amazonaws.cn (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).

export type Partition = "aws" | "aws-us-gov" | "aws-cn";

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isRegionCode(region: string | undefined): region is string {
  return region !== undefined && REGION_RE.test(region);
}

/** Partition from a region code ("us-gov-west-1", "cn-north-1", ...). */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** Partition and region of an ARN ("arn:aws-cn:cloudwatch:cn-north-1:..."), if it is one. */
export function parseArn(
  arn: string | undefined,
): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  if (!arn) return undefined;
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(":"),
  };
}

export function consoleBase(region: string, partition: Partition): string {
  if (partition === "aws-us-gov") return "https://console.amazonaws-us-gov.com";
  if (partition === "aws-cn") return "https://console.amazonaws.cn";
  return `https://${region}.console.aws.amazon.com`;
}

export function consoleUrl(service: string, region: string, fragment: string, partition?: Partition): string {
  const p = partition ?? partitionOfRegion(region);
  return `${consoleBase(region, p)}/${service}/home?region=${region}#${fragment}`;
}

export function cloudTrailEventUrl(region: string, eventId: string, partition?: Partition): string {
  return consoleUrl("cloudtrail", region, `/events/${encodeURIComponent(eventId)}`, partition);
}

export function configRuleUrl(region: string, ruleName: string, partition?: Partition): string {
  return consoleUrl(
    "config",
    region,
    `/rules/details?configRuleName=${encodeURIComponent(ruleName)}`,
    partition,
  );
}

export function alarmUrl(region: string, alarmName: string, partition?: Partition): string {
  return consoleUrl("cloudwatch", region, `alarmsV2:alarm/${encodeURIComponent(alarmName)}`, partition);
}

export function securityGroupUrl(region: string, groupId: string, partition?: Partition): string {
  return consoleUrl("ec2", region, `SecurityGroup:groupId=${encodeURIComponent(groupId)}`, partition);
}

/**
 * CloudWatch alarm notifications name the region by its display name ("US East (N. Virginia)").
 * Names as the console and the alarm SNS message spell them
 * (https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints).
 */
export const REGION_DISPLAY_NAMES: Record<string, string> = {
  "US East (N. Virginia)": "us-east-1",
  "US East (Ohio)": "us-east-2",
  "US West (N. California)": "us-west-1",
  "US West (Oregon)": "us-west-2",
  "Africa (Cape Town)": "af-south-1",
  "Asia Pacific (Hong Kong)": "ap-east-1",
  "Asia Pacific (Hyderabad)": "ap-south-2",
  "Asia Pacific (Jakarta)": "ap-southeast-3",
  "Asia Pacific (Malaysia)": "ap-southeast-5",
  "Asia Pacific (Melbourne)": "ap-southeast-4",
  "Asia Pacific (Mumbai)": "ap-south-1",
  "Asia Pacific (Osaka)": "ap-northeast-3",
  "Asia Pacific (Seoul)": "ap-northeast-2",
  "Asia Pacific (Singapore)": "ap-southeast-1",
  "Asia Pacific (Sydney)": "ap-southeast-2",
  "Asia Pacific (Thailand)": "ap-southeast-7",
  "Asia Pacific (Tokyo)": "ap-northeast-1",
  "Canada (Central)": "ca-central-1",
  "Canada West (Calgary)": "ca-west-1",
  "Europe (Frankfurt)": "eu-central-1",
  "Europe (Ireland)": "eu-west-1",
  "Europe (London)": "eu-west-2",
  "Europe (Milan)": "eu-south-1",
  "Europe (Paris)": "eu-west-3",
  "Europe (Spain)": "eu-south-2",
  "Europe (Stockholm)": "eu-north-1",
  "Europe (Zurich)": "eu-central-2",
  "Israel (Tel Aviv)": "il-central-1",
  "Mexico (Central)": "mx-central-1",
  "Middle East (Bahrain)": "me-south-1",
  "Middle East (UAE)": "me-central-1",
  "South America (Sao Paulo)": "sa-east-1",
  "AWS GovCloud (US-West)": "us-gov-west-1",
  "AWS GovCloud (US-East)": "us-gov-east-1",
  "China (Beijing)": "cn-north-1",
  "China (Ningxia)": "cn-northwest-1",
};

export function guardDutyFindingUrl(region: string, findingId: string, partition?: Partition): string {
  return consoleUrl(
    "guardduty",
    region,
    `/findings?macros=current&fId=${encodeURIComponent(findingId)}`,
    partition,
  );
}

/** Security Hub's findings page filtered to one finding id (the console's own filter syntax). */
export function securityHubFindingUrl(region: string, findingId: string, partition?: Partition): string {
  const filter = encodeURIComponent(`Id=\\operator\\:EQUALS\\:${findingId}`);
  return consoleUrl("securityhub", region, `/findings?search=${filter}`, partition);
}

export function accessAnalyzerFindingUrl(
  region: string,
  analyzerName: string,
  findingId: string,
  partition?: Partition,
): string {
  return consoleUrl(
    "access-analyzer",
    region,
    `/findings/details/${encodeURIComponent(analyzerName)}/${encodeURIComponent(findingId)}`,
    partition,
  );
}
