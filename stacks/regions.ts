// Regions we accept in stack config. A typo here ("ap-northeast-3a", "us-east1") would otherwise
// surface only at deploy time as an opaque provider error. List: https://docs.aws.amazon.com/general/latest/gr/rande.html
export const KNOWN_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
  "cn-north-1",
  "cn-northwest-1",
];

/**
 * The hub lives in us-east-1, and IAM is a global service whose CloudTrail events are delivered
 * only in us-east-1 (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html).
 */
export const HUB_REGION = "us-east-1";
export const IAM_EVENTS_REGION = "us-east-1";

/**
 * Where CloudTrail records console sign-ins (aws partition): root users in us-east-1; IAM users
 * through the global endpoint in us-east-1, or with an account alias cookie in us-east-2,
 * eu-north-1 or ap-southeast-2 (the console proxy picks by latency); IAM users through a Regional
 * endpoint in that Region, which is why every region a spoke covers also has the sign-in rule
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
 */
export const SIGN_IN_RECORD_REGIONS = ["us-east-1", "us-east-2", "eu-north-1", "ap-southeast-2"];

/** The regions beyond a spoke's own where it needs a sign-in rule. */
export function extraSignInRegions(regions: string[]): string[] {
  if (partitionOf(regions[0]) !== "aws") return [];
  return SIGN_IN_RECORD_REGIONS.filter((r) => !regions.includes(r));
}

export function partitionOf(region: string): "aws" | "aws-us-gov" | "aws-cn" {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}
