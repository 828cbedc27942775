import { AbortMultipartUploadCommand, ListPartsCommand } from "@aws-sdk/client-s3";
import { AttemptLog, type ClockOffset } from "../client/attempt-log.js";
import { type ClientContext, request, send } from "../client/context.js";
import { log } from "../client/logger.js";
import { retryDelayFor, sleep } from "../client/retry-policy.js";
import { isS3Error } from "../errors/s3-error.js";
import { type ListedUpload, listUploads } from "../listing/list-uploads.js";

/**
 * @internal AbortMultipartUpload of one upload. One that is already gone (NoSuchUpload) counts
 * as aborted: false is returned instead of true.
 * @throws S3Error when the abort failed after the SDK's retries.
 */
export async function abortUpload(
  context: ClientContext,
  Bucket: string,
  Key: string,
  UploadId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await send(
      context,
      { operation: "AbortMultipartUpload", bucket: Bucket, key: Key },
      new AbortMultipartUploadCommand({ Bucket, Key, UploadId }),
      { signal },
    );
    return true;
  } catch (error) {
    if (isS3Error(error) && error.code === "NoSuchUpload") return false;
    throw error;
  }
}

/** How often an upload is aborted before giving up on confirming it is gone. */
const ABORT_ATTEMPTS = 4;

function isNoSuchUpload(error: unknown): boolean {
  return isS3Error(error) && (error.code === "NoSuchUpload" || error.status === 404);
}

/**
 * @internal Aborts the multipart upload of a failed write (`operation`: upload, copy…) and
 * confirms with ListParts that it is gone. S3 documents that a part still in progress can
 * survive an abort, so while ListParts still finds the upload it aborts again, up to
 * ABORT_ATTEMPTS times. An error that outlived the SDK's retries ends it at once (no second
 * retry layer). Never throws: the write's own error matters more; what could not be confirmed
 * is logged.
 */
export async function abortAndConfirm(
  context: ClientContext,
  Bucket: string,
  Key: string,
  UploadId: string,
  operation: string,
): Promise<void> {
  let problem: unknown = "parts still listed after every abort";
  for (let attempt = 1; attempt <= ABORT_ATTEMPTS; attempt++) {
    try {
      await abortUpload(context, Bucket, Key, UploadId);
    } catch (error) {
      problem = error;
      break;
    }
    try {
      await request(context, { operation: "ListParts", bucket: Bucket, key: Key }, (client) =>
        client.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 1 })),
      );
    } catch (error) {
      if (isNoSuchUpload(error)) return;
      problem = error;
      break;
    }
    // The upload is still listed: a part raced the abort. Give it a moment and abort again.
    await sleep(retryDelayFor(context.policy, attempt));
  }
  log(
    context.logger,
    "warn",
    `s3kit ${operation}: could not confirm the multipart upload was aborted`,
    {
      bucket: Bucket,
      key: Key,
      uploadId: UploadId,
      error: problem instanceof Error ? problem.message : String(problem),
    },
  );
}

/**
 * @internal Lists the incomplete uploads of exactly `Key` (not of the keys it prefixes) and
 * aborts those that `select` picks from the whole list, told the server's clock against ours
 * as the listing's answer showed it (undefined without a Date header). Returns the ids aborted.
 * @throws S3Error when the listing or an abort failed.
 */
export async function abortUploadsOfKey(
  context: ClientContext,
  Bucket: string,
  Key: string,
  select: (uploads: ListedUpload[], offset: ClockOffset | undefined) => ListedUpload[],
): Promise<string[]> {
  const uploads: ListedUpload[] = [];
  const listing = new AttemptLog();
  const listed = {
    context: { ...context, client: listing.on(context.client) },
    bucketName: Bucket,
  };
  await listUploads(listed, Key, undefined, async (page) => {
    uploads.push(...page.filter((upload) => upload.Key === Key));
  });
  const aborted: string[] = [];
  for (const { UploadId } of select(uploads, listing.clockOffset())) {
    if (await abortUpload(context, Bucket, Key, UploadId)) aborted.push(UploadId);
  }
  return aborted;
}
