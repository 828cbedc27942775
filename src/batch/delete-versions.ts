import { DeleteObjectsCommand, type ObjectIdentifier } from "@aws-sdk/client-s3";
import { failure, send, type Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { listVersions } from "../listing/list-versions.js";
import { deleteAlone, XML_INVALID } from "./delete-alone.js";
import { isGone } from "./delete-batch.js";
import { failureOf, newOutcome, type Outcome } from "./outcome.js";
import type { DeleteFailure } from "./results.js";

/**
 * One DeleteObjects request for a page of versions; records what could not be deleted (a
 * failed request: every version of it) by key. Never throws.
 */
async function deleteVersionBatch(
  bucket: ScopeRef,
  batch: ObjectIdentifier[],
  outcome: Outcome,
  signal: AbortSignal | undefined,
): Promise<void> {
  const Bucket = bucket.bucketName;
  const record = (key: string, code: string, message: string) =>
    outcome.failed.push(failureOf(bucket, key, { code, message }));
  const target: Target = { operation: "DeleteObjects", bucket: Bucket };
  try {
    const response = await send(
      bucket.context,
      target,
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }),
      { signal },
    );
    for (const error of response.Errors ?? []) {
      if (isGone(error.Code)) continue;
      record(error.Key ?? "", error.Code ?? "UnknownError", error.Message ?? "");
    }
  } catch (error) {
    const s3Error = failure(bucket.context, error, target);
    for (const version of batch) record(version.Key ?? "", s3Error.code, s3Error.message);
  }
}

/**
 * Deletes every version and delete marker in a bucket, page by page (one page of up to 1000
 * versions in memory at a time): what `deleteBucket({ force })` needs after `deleteAll`, which
 * in a versioned bucket only adds delete markers. Keys XML cannot carry go one by one.
 * Returns what could not be deleted; throws only when the listing itself fails.
 */
export async function deleteVersions(
  bucket: ScopeRef,
  signal?: AbortSignal,
): Promise<DeleteFailure[]> {
  const outcome = newOutcome();
  for await (const versions of listVersions(bucket, signal)) {
    const batch = versions.filter((version) => !XML_INVALID.test(version.Key ?? ""));
    for (const version of versions.filter((entry) => XML_INVALID.test(entry.Key ?? ""))) {
      await deleteAlone(bucket, version.Key ?? "", outcome, signal, version.VersionId);
    }
    if (batch.length > 0) await deleteVersionBatch(bucket, batch, outcome, signal);
  }
  return outcome.failed;
}
