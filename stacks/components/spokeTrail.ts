// The spoke's own CloudTrail trail, for accounts without an organization trail: multi-region
// management events into the spoke's Config delivery bucket (under cloudtrail/).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SpokeConfig } from "../configSchema";
import { NAME_PREFIX } from "../names";
import { IAM_EVENTS_REGION, partitionOf } from "../regions";

/** A multi-region management-event trail, for accounts without an organization trail. */
export function createTrail(
  name: string,
  config: Pick<SpokeConfig, "accountId" | "regions">,
  bucket: aws.s3.Bucket,
  opts: pulumi.CustomResourceOptions,
) {
  const partition = partitionOf(config.regions[0]);
  const sourceArn = `arn:${partition}:cloudtrail:${IAM_EVENTS_REGION}:${config.accountId}:trail/${NAME_PREFIX}`;
  const policy = new aws.s3.BucketPolicy(
    `${name}-bucket-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "CloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucket.arn,
            Condition: { StringEquals: { "aws:SourceArn": sourceArn } },
          },
          {
            Sid: "CloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/cloudtrail/AWSLogs/${config.accountId}/*`,
            Condition: {
              StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": sourceArn },
            },
          },
        ],
      }),
    },
    opts,
  );
  return new aws.cloudtrail.Trail(
    name,
    {
      name: NAME_PREFIX,
      s3BucketName: bucket.bucket,
      s3KeyPrefix: "cloudtrail",
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
    },
    { ...opts, dependsOn: [policy] },
  );
}
