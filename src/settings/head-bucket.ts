import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { type ClientContext, send } from "../client/context.js";
import { BucketNotFoundError } from "../errors/bucket-not-found-error.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";

/** Options of `bucket.exists()` and `bucket.region()`. */
export interface BucketFactOptions {
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** What a HeadBucket of a bucket that exists tells. */
export interface HeadBucketFacts {
  /** The region the store names in x-amz-bucket-region (AWS and MinIO do), if it does. */
  region: string | undefined;
}

/**
 * HeadBucket of `bucket`: its facts, or undefined when it does not exist (404, NoSuchBucket).
 * What it shows is remembered in `context.knownBuckets` (see bucketExists).
 * @throws AccessDeniedError on 403 (a HEAD's answer says no more than that), S3OperationError.
 */
export async function headBucket(
  context: ClientContext,
  bucket: string,
  signal: AbortSignal | undefined,
): Promise<HeadBucketFacts | undefined> {
  try {
    const output = await send(
      context,
      { operation: "HeadBucket", bucket },
      new HeadBucketCommand({ Bucket: bucket }),
      { signal },
    );
    context.knownBuckets.add(bucket);
    return { region: output.BucketRegion };
  } catch (error) {
    // A HEAD's 404 has no body to name NoSuchBucket: it maps to ObjectNotFoundError.
    if (error instanceof ObjectNotFoundError || error instanceof BucketNotFoundError) {
      context.knownBuckets.delete(bucket);
      return undefined;
    }
    throw error;
  }
}
