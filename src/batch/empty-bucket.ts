import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { isUnsupported } from "../errors/unsupported.js";
import { abortUploads } from "./abort-uploads.js";
import { deleteAll } from "./delete-all.js";
import { deleteVersions, type Survivor } from "./delete-versions.js";

/** Survivors the error names one by one; the rest are counted. */
const NAMED_SURVIVORS = 10;

/**
 * `run`'s result, or undefined when the store answers that it has no `operation` at all (501,
 * 405): a store without ListMultipartUploads has no uploads to abort, one without
 * ListObjectVersions no versions to delete.
 */
async function unlessUnsupported<T>(
  operation: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (isUnsupported(error) && error.operation === operation) return undefined;
    throw error;
  }
}

function describeSurvivor(survivor: Survivor): string {
  const version = survivor.versionId === undefined ? "" : ` (version ${survivor.versionId})`;
  const why = survivor.message.includes(survivor.code)
    ? survivor.message
    : `${survivor.code}: ${survivor.message}`;
  return `${JSON.stringify(survivor.key)}${version}: ${why}`;
}

/** The error of a bucket `emptyBucket` could not empty, naming what is left by key. */
function notEmptied(bucket: string, survivors: Survivor[]): S3OperationError {
  const named = survivors.slice(0, NAMED_SURVIVORS).map(describeSurvivor).join("; ");
  const more =
    survivors.length > NAMED_SURVIVORS ? `; ${survivors.length - NAMED_SURVIVORS} more` : "";
  return new S3OperationError(
    `deleteBucket s3://${bucket}: ${survivors.length} versions or objects could not be deleted, so the bucket is left: ${named}${more}`,
    { code: "BucketNotEmpty", bucket, operation: "deleteBucket", retryable: false },
  );
}

/**
 * What `deleteBucket({ force })` does before its DeleteBucket: aborts every incomplete upload,
 * deletes every version and delete marker (see `deleteVersions`), then deletes what a plain
 * listing still shows, which on a store without versions is everything. A store without
 * ListMultipartUploads or ListObjectVersions (501, 405) goes on without them.
 * @throws S3OperationError "BucketNotEmpty" naming what is left by key (with its version)
 * and why; the listings' errors.
 */
export async function emptyBucket(
  bucket: ScopeRef,
  signal: AbortSignal | undefined,
): Promise<void> {
  await unlessUnsupported("ListMultipartUploads", () => abortUploads(bucket, { signal }));
  const left = await unlessUnsupported("ListObjectVersions", () => deleteVersions(bucket, signal));
  // The plain listing comes once the versions are gone (in a versioned bucket it finds
  // nothing then), never while some are left: deleting their keys would only add markers.
  const survivors = left?.length ? left : (await deleteAll(bucket, { signal })).failed;
  if (survivors.length > 0) throw notEmptied(bucket.bucketName, survivors);
}
