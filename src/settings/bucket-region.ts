import { GetBucketLocationCommand } from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { AccessDeniedError } from "../errors/access-denied-error.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { type BucketFactOptions, headBucket } from "./head-bucket.js";

/**
 * The region a LocationConstraint names: none (S3 leaves it empty for us-east-1) is
 * "us-east-1", the legacy "EU" is "eu-west-1", any other as it is.
 */
export function regionOfConstraint(constraint: string | null | undefined): string {
  if (!constraint) return "us-east-1";
  return constraint === "EU" ? "eu-west-1" : constraint;
}

/** Whether GetBucketLocation was refused: not allowed (403), or not made by the store. */
function refused(error: unknown): error is S3Error {
  if (error instanceof AccessDeniedError) return true;
  return isS3Error(error) && (error.status === 501 || error.code === "NotImplemented");
}

/** The x-amz-bucket-region of the answer an SDK error came from, if any. */
function answeredRegion(error: S3Error): string | undefined {
  const cause = error.cause as { $response?: { headers?: Record<string, string> } } | undefined;
  return cause?.$response?.headers?.["x-amz-bucket-region"];
}

/**
 * See Bucket.region: GetBucketLocation; when that is refused (403 without
 * s3:GetBucketLocation, or 501), the x-amz-bucket-region of a HeadBucket, which AWS sends even
 * when it answers 403 to it (someone else's bucket). Neither: the GetBucketLocation's error.
 */
export async function bucketRegion(
  scope: ScopeRef,
  options: BucketFactOptions = {},
): Promise<string> {
  const { context, bucketName: bucket } = scope;
  const { signal } = options;
  try {
    const command = new GetBucketLocationCommand({ Bucket: bucket });
    const output = await send(context, { operation: "GetBucketLocation", bucket }, command, {
      signal,
    });
    return regionOfConstraint(output.LocationConstraint);
  } catch (error) {
    if (!refused(error)) throw error;
    const region = await headBucket(context, bucket, signal).then(
      (facts) => facts?.region,
      (headError: unknown) => {
        if (signal?.aborted || !isS3Error(headError)) throw headError;
        return answeredRegion(headError);
      },
    );
    if (region === undefined) throw error;
    return region;
  }
}
