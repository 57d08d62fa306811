// The emulated organization for the worker tests: instances in two spoke accounts and two regions,
// S3 buckets and a BucketSizeBytes datapoint, all created in moto through assumed-role credentials.
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  _InstanceType,
  EC2Client,
  Instance,
  RunInstancesCommand,
  StopInstancesCommand,
  DescribeInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { WorkerSettings } from "../../../handlers/chatops/worker";

export const PROD = "222222222222";
export const STAGING = "333333333333";
export const SANDBOX = "444444444444";
export const SEOUL = "ap-northeast-2";
export const TOKYO = "ap-northeast-1";
export const OPERATOR = "U0OPERATOR";
export const READER = "U0READER";

export const SETTINGS: WorkerSettings = {
  partition: "aws",
  defaultAccount: PROD,
  defaultRegion: SEOUL,
  regions: [SEOUL, TOKYO],
  accounts: { [PROD]: "prod", [STAGING]: "staging", [SANDBOX]: "sandbox" },
  users: {
    [OPERATOR]: { access: "operator", accounts: ["*"] },
    [READER]: { access: "read-only", accounts: [STAGING] },
  },
  readOnlyRoleName: "security-guard-chatops-readonly",
  operatorRoleName: "security-guard-chatops-operator",
  maxPostsPerResponseUrl: 5,
  stateWait: { timeoutMs: 50, pollMs: 10 },
};

export type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export async function credsFor(account: string): Promise<Creds> {
  const sts = new STSClient({ region: "us-east-1" });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/test-setup`,
      RoleSessionName: "test-setup",
    }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

export function ec2In(creds: Creds, region: string): EC2Client {
  return new EC2Client({ region, credentials: creds });
}

export async function run(
  creds: Creds,
  region: string,
  name: string | undefined,
  count = 1,
  type: _InstanceType = "t3.micro",
): Promise<Instance[]> {
  const out = await ec2In(creds, region).send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      MinCount: count,
      MaxCount: count,
      InstanceType: type,
      ...(name
        ? { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }] }
        : {}),
    }),
  );
  return out.Instances!;
}

export async function stop(creds: Creds, region: string, id: string): Promise<void> {
  const ec2 = ec2In(creds, region);
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })); // moto: stopping -> stopped on describe
}

export async function stateOf(creds: Creds, region: string, id: string): Promise<string> {
  const out = await ec2In(creds, region).send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0].Instances![0].State!.Name!;
}

export async function bucket(creds: Creds, name: string, region: string): Promise<void> {
  await new S3Client({ region, credentials: creds }).send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
    }),
  );
}

export async function bucketSize(
  creds: Creds,
  region: string,
  name: string,
  bytes: number,
  at: Date,
): Promise<void> {
  await new CloudWatchClient({ region, credentials: creds }).send(
    new PutMetricDataCommand({
      Namespace: "AWS/S3",
      MetricData: [
        {
          MetricName: "BucketSizeBytes",
          Dimensions: [
            { Name: "BucketName", Value: name },
            { Name: "StorageType", Value: "StandardStorage" },
          ],
          Timestamp: at,
          Value: bytes,
          Unit: "Bytes",
        },
      ],
    }),
  );
}
