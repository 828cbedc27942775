import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListPartsCommand,
} from "@aws-sdk/client-s3";
import { forEachLimited } from "../batch/pool.js";
import { AttemptLog, type ClockOffset } from "../client/attempt-log.js";
import {
  abortError,
  type ClientContext,
  failure,
  request,
  type Target,
} from "../client/context.js";
import { log } from "../client/logger.js";
import { retryDelayFor, sleep } from "../client/retry-policy.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { paginate, startOf } from "../listing/paginate.js";
import { relativeName } from "../prefix/keys.js";
import { decodeKey } from "./list.js";
import { wholeNumber } from "./options.js";
import type { Scope } from "./scope.js";

/** Options of `abortUploads`. */
export interface AbortUploadsOptions {
  /**
   * Only abort uploads initiated before this moment: a Date, or an age in milliseconds
   * (`olderThan: 24 * 3600_000` spares the last day's uploads, which may still be running).
   * Default: abort every incomplete upload under the scope.
   */
  olderThan?: Date | number;
  /** AbortMultipartUpload requests at once, 1 … 64; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** An incomplete multipart upload that `abortUploads` aborted. */
export interface AbortedUpload {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope. */
  name: string;
  uploadId: string;
  initiated: Date | undefined;
}

/** What `abortUploads` did. Uploads that vanished meanwhile (completed or aborted elsewhere) are in neither list. */
export interface AbortUploadsResult {
  aborted: AbortedUpload[];
  /** Uploads whose AbortMultipartUpload failed, after the SDK's retries. */
  failed: { key: string; name: string; uploadId: string; error: S3Error }[];
}

function cutoffOf(olderThan: unknown): number | undefined {
  if (olderThan === undefined) return undefined;
  if (olderThan instanceof Date && !Number.isNaN(olderThan.getTime())) return olderThan.getTime();
  if (typeof olderThan === "number" && Number.isFinite(olderThan) && olderThan >= 0)
    return Date.now() - olderThan;
  throw new ValidationError(
    "abortUploads: olderThan must be a valid Date or an age in milliseconds ≥ 0",
    {
      operation: "abortUploads",
    },
  );
}

/**
 * Keys are listed with `EncodingType: "url"` so that a key holding characters XML 1.0 cannot
 * carry does not break the listing. The server then encodes form-style: a space as "+", a
 * literal "+" as "%2B". Only what the server says it encoded is decoded.
 */
function decoder(encoded: boolean, target: Target): (key: string) => string {
  return (key) => (encoded ? decodeKey(key, target) : key);
}

/** One ListMultipartUploads walk, page by page, handing each page's due uploads to `each`. */
async function walkUploads(
  scope: Pick<Scope, "context" | "bucketName">,
  Prefix: string | undefined,
  signal: AbortSignal | undefined,
  each: (
    uploads: Array<{ Key: string; UploadId: string; Initiated: Date | undefined }>,
  ) => Promise<void>,
): Promise<number> {
  const { context, bucketName: Bucket } = scope;
  const listing: Target = { operation: "ListMultipartUploads", bucket: Bucket, key: Prefix };
  const pages = paginate({
    target: listing,
    fetch: (position: { KeyMarker?: string; UploadIdMarker?: string } | undefined) =>
      request(
        context,
        listing,
        (client, http) =>
          client.send(
            new ListMultipartUploadsCommand({
              Bucket,
              Prefix,
              ...position,
              EncodingType: "url",
            }),
            http,
          ),
        signal,
      ),
    next: (page: ListMultipartUploadsCommandOutput) => ({
      KeyMarker:
        page.NextKeyMarker === undefined
          ? undefined
          : decoder(page.EncodingType === "url", listing)(page.NextKeyMarker),
      UploadIdMarker: page.NextUploadIdMarker,
    }),
    first: (page: ListMultipartUploadsCommandOutput) =>
      startOf(page.Uploads?.[0]?.Key, page.Uploads?.[0]?.UploadId),
  });
  let seen = 0;
  for await (const page of pages) {
    const decodeKey = decoder(page.EncodingType === "url", listing);
    const uploads = (page.Uploads ?? []).flatMap((upload) =>
      upload.Key === undefined || upload.UploadId === undefined
        ? []
        : [{ Key: decodeKey(upload.Key), UploadId: upload.UploadId, Initiated: upload.Initiated }],
    );
    seen += uploads.length;
    await each(uploads);
  }
  return seen;
}

/** See Scope.abortUploads. */
export async function abortUploads(
  scope: Scope,
  options: AbortUploadsOptions = {},
): Promise<AbortUploadsResult> {
  const operation = "abortUploads";
  const cutoff = cutoffOf(options.olderThan);
  const concurrency = wholeNumber(options.concurrency, 8, {
    name: "concurrency",
    min: 1,
    max: 64,
    operation,
  });
  const { context, bucketName: Bucket, path } = scope;
  const { signal } = options;
  const result: AbortUploadsResult = { aborted: [], failed: [] };

  const abortPage = async (
    uploads: Array<{ Key: string; UploadId: string; Initiated: Date | undefined }>,
  ): Promise<void> => {
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
    if (signal?.aborted) throw failure(context, abortError(signal), { operation, bucket: Bucket });
  };

  const found = await walkUploads(scope, path || undefined, signal, abortPage);
  if (found === 0 && path !== "") {
    // Some stores (MinIO) match Prefix only against whole keys, so a folder prefix finds
    // nothing there: list the bucket's uploads and keep those under the scope.
    await walkUploads(scope, undefined, signal, abortPage);
  }
  return result;
}

/** @internal An incomplete multipart upload as ListMultipartUploads shows it. */
export interface ListedUpload {
  Key: string;
  UploadId: string;
  Initiated: Date | undefined;
}

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
    await request(
      context,
      { operation: "AbortMultipartUpload", bucket: Bucket, key: Key },
      (client, http) =>
        client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }), http),
      signal,
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
  await walkUploads(listed, Key, undefined, async (page) => {
    uploads.push(...page.filter((upload) => upload.Key === Key));
  });
  const aborted: string[] = [];
  for (const { UploadId } of select(uploads, listing.clockOffset())) {
    if (await abortUpload(context, Bucket, Key, UploadId)) aborted.push(UploadId);
  }
  return aborted;
}
