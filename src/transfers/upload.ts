import { type ClientContext, failure, type Target, throwIfAborted } from "../client/context.js";
import { linkAbort } from "../client/link-abort.js";
import { fitPartSize, MAX_OBJECT_SIZE } from "../common/limits.js";
import { ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import type { PutResult } from "../common/write-params.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { errorCode } from "../errors/transient.js";
import { ValidationError } from "../errors/validation-error.js";
import { putResult } from "./put-result.js";
import { openSource, type UploadSource } from "./sources/open-source.js";
import type { OpenedSource } from "./sources/opened-source.js";
import { withSizeHint } from "./sources/with-size-hint.js";
import { uploadBody } from "./upload-body.js";
import { UploadChecksum } from "./upload-checksum.js";
import { resolveUploadOptions, type UploadOptions, type UploadSettings } from "./upload-options.js";
import { UploadRequests } from "./upload-requests.js";

/** See Scope.upload. */
export async function upload(
  scope: ScopeRef,
  source: UploadSource,
  Key: string,
  options: UploadOptions = {},
): Promise<PutResult> {
  const settings = resolveUploadOptions(scope, source, Key, options);
  const { context } = scope;
  const { signal, target } = settings;
  throwIfAborted(context, signal, target);
  const opened = await withSizeHint(
    await openWithinLimit(source, context, target),
    settings.size,
    target,
  );
  const reporter = new ProgressReporter(settings.onProgress, opened.size);
  const { abortGrace, params } = settings;
  const checksum = settings.checksum && new UploadChecksum(settings.checksum);
  const requests = new UploadRequests(scope, Key, opened, {
    params,
    reporter,
    abortGrace,
    checksum,
  });
  // At once if it aborted while the source was being opened: the event has passed then.
  const unlink = linkAbort(signal, requests.controller);
  try {
    const failed = await runUpload(requests, opened, settings);
    if (failed !== undefined) {
      await opened.release();
      await requests.settle();
    }
    // An abort that arrived while the object was being committed came too late to stop it.
    const committed = requests.committed;
    if (committed) {
      reporter.finish(requests.acknowledged);
      return putResult(scope, Key, { etag: committed.ETag, versionId: committed.VersionId });
    }
    await requests.cleanup();
    throwIfAborted(context, signal, target);
    throw uploadFailure(context, requests.firstError ?? failed, target);
  } finally {
    unlink();
    await opened.release();
  }
}

/**
 * Opens the source, refusing one of a known size over S3's object limit.
 * @throws ValidationError.
 */
async function openWithinLimit(
  source: UploadSource,
  context: ClientContext,
  target: Target & { bucket: string; key: string },
): Promise<OpenedSource> {
  const { operation } = target;
  const opened = await openSource(source, operation, context, target);
  if (opened.size !== undefined && opened.size > MAX_OBJECT_SIZE) {
    await opened.release();
    throw new ValidationError(
      `${operation}: ${opened.size} bytes is more than S3's ${MAX_OBJECT_SIZE} byte (50 TB) object limit`,
      { operation, bucket: target.bucket, key: target.key },
    );
  }
  return opened;
}

/** Sends the source through `requests` (see uploadBody); returns its failure, if any. */
async function runUpload(
  requests: UploadRequests,
  opened: OpenedSource,
  settings: UploadSettings,
): Promise<unknown> {
  try {
    const { concurrency, target } = settings;
    const partSize = fitPartSize(settings.partSize, opened.size);
    await uploadBody(requests, opened, { partSize, concurrency, target });
    return undefined;
  } catch (error) {
    return error ?? new Error("upload failed");
  }
}

/** An upload's failure as an S3Error: a request's, the source's, or a plain Error. */
function uploadFailure(context: ClientContext, error: unknown, target: Target): S3Error {
  if (isS3Error(error)) return error;
  // The caller did not abort (checked before): an AbortError is the source's own (a fetch
  // body cut off upstream), no abort of the caller's to report as "Aborted".
  const sourceAbort = (error as { name?: unknown } | undefined)?.name === "AbortError";
  if ((errorCode(error) === "UnknownError" || sourceAbort) && error instanceof Error) {
    // A plain Error (a stream chunk that is not bytes, say) is no failure of S3's.
    return new S3OperationError(
      context.secrets.redact(`upload s3://${target.bucket}/${target.key} failed: ${error.message}`),
      {
        code: "UploadFailed",
        bucket: target.bucket,
        key: target.key,
        operation: "upload",
        cause: error,
      },
    );
  }
  return failure(context, error, target);
}
