import { throwIfAborted } from "../client/context.js";
import { olderThanOption, transferConcurrencyOf } from "../common/checks.js";
import { forEachLimited } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { type ListedUpload, listUploads } from "../listing/list-uploads.js";
import { relativeName } from "../prefix/keys.js";
import { abortUpload } from "../transfers/multipart.js";

/** Options of `abortUploads`. */
export interface AbortUploadsOptions {
  /**
   * Only abort uploads initiated before this moment: a Date, or an age in milliseconds
   * (`olderThan: 24 * 3600_000` spares the last day's uploads, which may still be running).
   * @default `undefined`: every incomplete upload under the scope, whatever its age
   */
  olderThan?: Date | number;
  /**
   * AbortMultipartUpload requests at once, 1 … 64.
   * @default 8
   */
  concurrency?: number;
  /**
   * Cancels the call: it then rejects with S3OperationError, code "Aborted"; the uploads
   * aborted until then stay aborted.
   */
  signal?: AbortSignal;
}

/** `AbortUploadsOptions` checked, with their defaults. */
interface AbortSettings {
  /** Only uploads initiated before this time (ms since the epoch); undefined: every one. */
  cutoff: number | undefined;
  concurrency: number;
  signal: AbortSignal | undefined;
}

/** Checks the options of `abortUploads` and fills in the defaults. */
function resolveAbortUploadsOptions(options: AbortUploadsOptions): AbortSettings {
  const cutoff = olderThanOption(options.olderThan);
  const concurrency = transferConcurrencyOf(options.concurrency, 8, "abortUploads");
  return { cutoff, concurrency, signal: options.signal };
}

/** An incomplete multipart upload that `abortUploads` aborted. */
export interface AbortedUpload {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope. */
  name: string;
  /** The upload's UploadId. */
  uploadId: string;
  /** When the upload was created, as the listing reports it; undefined if the store leaves it out. */
  initiated: Date | undefined;
}

/** What `abortUploads` did. Uploads that vanished meanwhile (completed or aborted elsewhere) are in neither list. */
export interface AbortUploadsResult {
  /** Uploads aborted, in the order their AbortMultipartUpload answered. */
  aborted: AbortedUpload[];
  /** Uploads whose AbortMultipartUpload failed, after the SDK's retries. */
  failed: {
    /** Full S3 key. */
    key: string;
    /** Key relative to the scope. */
    name: string;
    /** The upload's UploadId. */
    uploadId: string;
    /** Why its AbortMultipartUpload failed. */
    error: S3Error;
  }[];
}

/** See Scope.abortUploads. */
export async function abortUploads(
  scope: ScopeRef,
  options: AbortUploadsOptions = {},
): Promise<AbortUploadsResult> {
  const operation = "abortUploads";
  const { cutoff, concurrency, signal } = resolveAbortUploadsOptions(options);
  const { context, bucketName: Bucket, path } = scope;
  const result: AbortUploadsResult = { aborted: [], failed: [] };

  const abortPage = async (uploads: ListedUpload[]): Promise<void> => {
    const due = uploads.filter(
      (upload) =>
        upload.Key.startsWith(path) &&
        (cutoff === undefined ||
          (upload.Initiated !== undefined && upload.Initiated.getTime() < cutoff)),
    );
    await forEachLimited(
      due,
      concurrency,
      async ({ Key, UploadId, Initiated }) => {
        const entry = { key: Key, name: relativeName(path, Key), uploadId: UploadId };
        try {
          // One already gone (completed or aborted elsewhere) is in neither list.
          if (await abortUpload(context, Bucket, Key, UploadId, signal)) {
            result.aborted.push({ ...entry, initiated: Initiated });
          }
        } catch (error) {
          if (signal?.aborted || !isS3Error(error)) throw error;
          result.failed.push({ ...entry, error });
        }
      },
      signal,
    );
    // The pool stops taking uploads once aborted; say so instead of returning a partial result.
    throwIfAborted(context, signal, { operation, bucket: Bucket });
  };

  const found = await listUploads(scope, path || undefined, signal, abortPage);
  if (found === 0 && path !== "") {
    // Some stores (MinIO) match Prefix only against whole keys, so a folder prefix finds
    // nothing there: list the bucket's uploads and keep those under the scope.
    await listUploads(scope, undefined, signal, abortPage);
  }
  return result;
}
