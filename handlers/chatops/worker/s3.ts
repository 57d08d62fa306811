// s3 list / s3 usage, run with the assumed read-only role's credentials.
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetBucketLocationCommand,
  ListBucketsCommand,
  ListBucketsCommandOutput,
  S3Client,
} from "@aws-sdk/client-s3";
import { errorCode } from "../../shared/errors";
import { CommandContext, CommandResult } from "./context";
import { escapeSlack, formatBytes, listText } from "./format";

const DAY_MS = 24 * 60 * 60 * 1000;

export async function s3List(ctx: CommandContext): Promise<CommandResult> {
  const s3 = new S3Client({ region: ctx.region, credentials: ctx.credentials, followRegionRedirects: true });
  try {
    const buckets: NonNullable<ListBucketsCommandOutput["Buckets"]> = [];
    let token: string | undefined;
    do {
      const out: ListBucketsCommandOutput = await ctx.call("S3 ListBuckets", (abortSignal) =>
        s3.send(new ListBucketsCommand({ ContinuationToken: token }), { abortSignal }),
      );
      buckets.push(...(out.Buckets ?? []));
      token = out.ContinuationToken;
    } while (token);
    if (buckets.length === 0) return { outcome: "ok", text: `No S3 buckets in ${ctx.accountLabel}.` };
    buckets.sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? ""));
    const lines = buckets.map(
      (b) =>
        `• \`${escapeSlack(b.Name ?? "?")}\`` +
        (b.BucketRegion ? ` ${b.BucketRegion}` : "") +
        (b.CreationDate ? `, created ${b.CreationDate.toISOString().slice(0, 10)}` : ""),
    );
    return {
      outcome: "ok",
      text: listText(
        `*S3 buckets in ${ctx.accountLabel}* (${buckets.length}); size of one: \`s3 usage <bucket>\`:`,
        lines,
        "(not shown)",
      ),
    };
  } finally {
    s3.destroy();
  }
}

/** GetBucketLocation's LocationConstraint: empty for us-east-1, "EU" for the oldest eu-west-1 buckets
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html). */
export function bucketRegion(constraint: string | undefined | null): string {
  if (!constraint) return "us-east-1";
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

/**
 * BucketSizeBytes (namespace AWS/S3, dimensions BucketName and StorageType=StandardStorage) is
 * reported once a day, statistic Average, in the bucket's region
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html), so the latest
 * datapoint of the last 2 days is the current size of the standard storage class.
 */
export async function s3Usage(ctx: CommandContext, bucket: string): Promise<CommandResult> {
  const s3 = new S3Client({ region: ctx.region, credentials: ctx.credentials, followRegionRedirects: true });
  let region: string;
  try {
    region = bucketRegion(
      (
        await ctx.call("S3 GetBucketLocation", (abortSignal) =>
          s3.send(new GetBucketLocationCommand({ Bucket: bucket }), { abortSignal }),
        )
      ).LocationConstraint,
    );
  } catch (err) {
    if ((errorCode(err) ?? "Error") === "NoSuchBucket") {
      return { outcome: "not-found", text: `Bucket \`${bucket}\` does not exist in ${ctx.accountLabel}.` };
    }
    throw err;
  } finally {
    s3.destroy();
  }
  if (!ctx.regions.includes(region)) {
    return {
      outcome: "denied",
      text:
        `Sorry, \`s3 usage ${bucket}\` was not run: the bucket is in region \`${region}\`, which chat-ops does not enable. ` +
        `Regions: ${ctx.regions.map((r) => `\`${r}\``).join(", ")}.`,
    };
  }
  const cw = new CloudWatchClient({ region, credentials: ctx.credentials });
  try {
    const end = new Date(ctx.now());
    const out = await ctx.call("CloudWatch GetMetricStatistics", (abortSignal) =>
      cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/S3",
          MetricName: "BucketSizeBytes",
          Dimensions: [
            { Name: "BucketName", Value: bucket },
            { Name: "StorageType", Value: "StandardStorage" },
          ],
          StartTime: new Date(end.getTime() - 2 * DAY_MS),
          EndTime: end,
          Period: 86400,
          Statistics: ["Average"],
          Unit: "Bytes",
        }),
        { abortSignal },
      ),
    );
    const latest = (out.Datapoints ?? [])
      .filter((d) => d.Timestamp && typeof d.Average === "number")
      .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
    if (!latest) {
      return {
        outcome: "ok",
        text:
          `No BucketSizeBytes datapoint for \`${bucket}\` (${region}, ${ctx.accountLabel}) in the last 2 days. ` +
          `S3 reports storage metrics once a day; a new or empty bucket may have none yet.`,
      };
    }
    const bytes = Math.round(latest.Average!);
    return {
      outcome: "ok",
      text:
        `*\`${bucket}\`* (${region}, ${ctx.accountLabel}): *${formatBytes(bytes)}* ` +
        `(${bytes.toLocaleString("en-US")} bytes, standard storage) as of ${latest.Timestamp!.toISOString().slice(0, 10)}.`,
    };
  } finally {
    cw.destroy();
  }
}
