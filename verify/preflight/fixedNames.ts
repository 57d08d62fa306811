// The stacks give some resources fixed physical names (policies, encryption contexts and spokes'
// trust refer to them before they exist). A leftover of a failed or destroyed-by-hand run with
// the same name makes the create call fail (IAM EntityAlreadyExists, CloudWatch Logs
// ResourceAlreadyExistsException, KMS AlreadyExistsException, EventBridge
// ResourceAlreadyExistsException, S3 BucketAlreadyExists / BucketAlreadyOwnedByYou outside
// us-east-1). The names come from the stack itself, evaluated under the mock runtime.
import { CloudTrailClient, GetTrailCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { KMSClient, ListAliasesCommand } from "@aws-sdk/client-kms";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../../handlers/shared/errors";
import { MockedResource } from "../mockRuntime";
import { Finding } from "./findings";
import { DeploySession } from "./session";

export interface NamedResource {
  /** Pulumi type token. */
  type: string;
  /** Pulumi resource name (what `pulumi import` needs). */
  urnName: string;
  /** The physical name AWS sees. */
  physicalName: string;
  region: string;
}

/** Physical name of each resource type whose name collides, read from the resource's inputs. */
const NAME_INPUT: Record<string, string> = {
  "aws:iam/role:Role": "name",
  "aws:s3/bucket:Bucket": "bucket",
  "aws:cloudwatch/logGroup:LogGroup": "name",
  "aws:kms/alias:Alias": "name",
  "aws:cloudwatch/eventBus:EventBus": "name",
  "aws:cloudtrail/trail:Trail": "name",
};

/** The fixed-name resources a stack would create, from its evaluation under the mock runtime. */
export function namedResources(resources: MockedResource[]): NamedResource[] {
  const out: NamedResource[] = [];
  for (const r of resources) {
    const input = NAME_INPUT[r.type];
    const physicalName = input ? r.props[input] : undefined;
    if (typeof physicalName !== "string") continue;
    out.push({ type: r.type, urnName: r.name, physicalName, region: r.region ?? "us-east-1" });
  }
  return out;
}

/** Whether a resource of this name exists in the account (true), or is taken elsewhere ("foreign"). */
async function exists(r: NamedResource, session: DeploySession): Promise<boolean | "foreign"> {
  const opts = session.client(r.region);
  switch (r.type) {
    case "aws:iam/role:Role":
      try {
        await new IAMClient(opts).send(new GetRoleCommand({ RoleName: r.physicalName }));
        return true;
      } catch (err) {
        if (errorCode(err) === "NoSuchEntity" || errorCode(err) === "NoSuchEntityException") return false;
        throw err;
      }
    case "aws:s3/bucket:Bucket":
      try {
        // Custom endpoints (an emulator) serve buckets by path, not by virtual host.
        const s3 = new S3Client({ ...opts, forcePathStyle: !!process.env.AWS_ENDPOINT_URL });
        await s3.send(new HeadBucketCommand({ Bucket: r.physicalName }));
        return true;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || errorCode(err) === "NotFound") return false;
        if (status === 403) return "foreign";
        throw err;
      }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const out = await new CloudWatchLogsClient(opts).send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: r.physicalName }),
      );
      return (out.logGroups ?? []).some((g) => g.logGroupName === r.physicalName);
    }
    case "aws:kms/alias:Alias": {
      const kms = new KMSClient(opts);
      let marker: string | undefined;
      do {
        const out = await kms.send(new ListAliasesCommand({ Marker: marker }));
        if ((out.Aliases ?? []).some((a) => a.AliasName === r.physicalName)) return true;
        marker = out.Truncated ? out.NextMarker : undefined;
      } while (marker);
      return false;
    }
    case "aws:cloudwatch/eventBus:EventBus":
      try {
        await new EventBridgeClient(opts).send(new DescribeEventBusCommand({ Name: r.physicalName }));
        return true;
      } catch (err) {
        if (errorCode(err) === "ResourceNotFoundException") return false;
        throw err;
      }
    case "aws:cloudtrail/trail:Trail":
      try {
        await new CloudTrailClient(opts).send(new GetTrailCommand({ Name: r.physicalName }));
        return true;
      } catch (err) {
        if (errorCode(err) === "TrailNotFoundException") return false;
        throw err;
      }
    default:
      return false;
  }
}

export async function checkFixedNames(
  account: string,
  stack: string,
  resources: NamedResource[],
  session: DeploySession,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const r of resources) {
    const found = await exists(r, session);
    if (!found) continue;
    const global = r.type === "aws:iam/role:Role" || r.type === "aws:s3/bucket:Bucket";
    findings.push({
      check: "fixed-name",
      account,
      region: global ? "global" : r.region,
      resource: `${r.type.split(":")[1].split("/")[1]} ${r.physicalName}`,
      blocks: true,
      message:
        found === "foreign"
          ? "the name is taken by another account (S3 bucket names are global): the stack cannot create it"
          : "a resource with this fixed name already exists (a leftover of an earlier run, or this stack's own " +
            "if it is already deployed): creating it would fail",
      fix:
        found === "foreign"
          ? `the bucket name is derived from the account id; ask the owner of ${r.physicalName} to delete it`
          : `if this stack deployed it, nothing to do; else adopt it: pulumi import --stack ${stack} ${r.type} ${r.urnName} ${r.physicalName}` +
            " (or delete the leftover)",
    });
  }
  return findings;
}
