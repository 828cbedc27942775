import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  type CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { AttemptLog } from "../client/attempt-log.js";
import { abortError, failure, request, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import { abortGraceOption, concurrencyOf, wholeNumber } from "../common/checks.js";
import { fitPartSize, MAX_PART_SIZE, MIN_PART_SIZE, MiB } from "../common/limits.js";
import { forEachLimited } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { encodeTags, type Tags, taggingHeader } from "../common/tags.js";
import { type WriteOptions, type WriteParams, writeParams } from "../common/write-params.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import type { S3Error } from "../errors/s3-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { checkBucketName, fullKey, relativeName } from "../prefix/keys.js";
import { commit } from "../transfers/commit.js";
import { createUpload } from "../transfers/create-upload.js";
import { type ExpectedObject, isPlainMd5, multipart } from "../transfers/expected-object.js";
import { headRaw } from "../transfers/head-object.js";
import { abortAndConfirm } from "../transfers/multipart.js";
import type { Written } from "../transfers/reconcile.js";
import { readTags } from "./tags.js";

/**
 * Options of `copy` and `move`. Giving any content header (contentType, metadata,
 * cacheControl, contentDisposition, contentEncoding, contentLanguage) replaces the
 * destination's metadata: the headers given are used, the others are kept from the source.
 */
export interface CopyOptions
  extends Pick<
    WriteOptions,
    | "contentType"
    | "metadata"
    | "cacheControl"
    | "contentDisposition"
    | "contentEncoding"
    | "contentLanguage"
    | "storageClass"
    | "serverSideEncryption"
    | "sseKmsKeyId"
  > {
  /** Copy into this bucket instead; `dest` is then relative to the same scope path there. */
  destBucket?: string;
  /** Tags of the copy instead of the source's (`{}` for none). */
  tags?: Tags;
  /**
   * "*": only create; PreconditionFailedError when `dest` exists. Checked by a HeadObject
   * first, then sent as If-None-Match on CopyObject or CompleteMultipartUpload, which makes
   * it atomic where the store honours it (MinIO ignores it on CopyObject).
   */
  ifNoneMatch?: "*";
  /**
   * Sources larger than this many bytes are copied in parts (UploadPartCopy). Default and
   * maximum 5 GiB, CopyObject's own limit. A custom value costs one HeadObject per copy.
   */
  copyThreshold?: number;
  /** Part size of a multipart copy, 5 MiB … 5 GiB; default 64 MiB, raised when 10,000 parts would not do. */
  partSize?: number;
  /** Parts copied at once in a multipart copy. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * Milliseconds an abort (`signal`) still waits for the CompleteMultipartUpload of a
   * multipart copy already sent, as `upload`'s `abortGrace` does.
   * @default 30000
   */
  abortGrace?: number;
}

/** What `copy` and `move` return. */
export interface CopyObjectResult {
  /** Full key of the copy. */
  key: string;
  /** Key of the copy relative to the scope. */
  name: string;
  /** The bucket holding the copy. */
  bucket: string;
  /** ETag of the copy, quotes included. */
  etag: string | undefined;
  versionId?: string;
}

const GiB = 1024 * MiB;
/** CopyObject's limit on the source size, and the default threshold. */
const MAX_COPY_OBJECT = 5 * GiB;
/** A copy moves no bytes through us, so its parts can be much larger than an upload's. */
const DEFAULT_PART = 64 * MiB;

/** @internal Everything a copy needs, checked before any request. */
export interface CopyPlan {
  operation: string;
  srcKey: string;
  destKey: string;
  destBucket: string;
  copySource: string;
  threshold: number;
  partSize: number | undefined;
  concurrency: number;
  /** Per-call content headers and metadata; undefined fields come from the source. */
  replacement: WriteParams | undefined;
  /** Encoded tags replacing the source's ("" for none), or undefined to keep them. */
  tagging: string | undefined;
  /** Storage class and encryption of the destination (options over scope defaults). */
  placement: Pick<WriteParams, "StorageClass" | "ServerSideEncryption" | "SSEKMSKeyId">;
  ifNoneMatch: "*" | undefined;
  signal: AbortSignal | undefined;
  /** How long an abort waits for a CompleteMultipartUpload already sent (see commit). */
  abortGrace: number;
}

/**
 * `bucket/key` for CopySource: S3 URL-decodes it, so every path segment is percent-encoded
 * (spaces, "+", "%", "?", "#" and non-ASCII would otherwise be misread), "/" kept as is.
 */
export function copySource(bucket: string, key: string): string {
  return `${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

const contentOptions = [
  "contentType",
  "metadata",
  "cacheControl",
  "contentDisposition",
  "contentEncoding",
  "contentLanguage",
] as const;

/**
 * @internal Checks the options of a copy once and returns the function that checks a pair's
 * keys and builds its plan. Both throw ValidationError, before any request.
 */
export function copyPlanner(
  scope: ScopeRef,
  options: CopyOptions,
  operation: string,
): (src: unknown, dest: unknown) => CopyPlan {
  const destBucket =
    options.destBucket === undefined
      ? scope.bucketName
      : checkBucketName(options.destBucket, operation);
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== "*") {
    throw new ValidationError(`${operation}: ifNoneMatch only accepts "*"`, { operation });
  }
  const replacing = contentOptions.some((name) => options[name] !== undefined);
  // Only the placement defaults apply: the scope's default metadata or cache-control would
  // silently change what the copy carries over from its source.
  const { storageClass, serverSideEncryption, sseKmsKeyId } = scope.defaults;
  const params = writeParams(
    { storageClass, serverSideEncryption, sseKmsKeyId },
    options,
    undefined,
    operation,
  );
  const shared = {
    operation,
    destBucket,
    threshold: wholeNumber(options.copyThreshold, MAX_COPY_OBJECT, {
      name: "copyThreshold",
      min: 0,
      max: MAX_COPY_OBJECT,
      operation,
    }),
    partSize:
      options.partSize === undefined
        ? undefined
        : wholeNumber(options.partSize, DEFAULT_PART, {
            name: "partSize",
            min: MIN_PART_SIZE,
            max: MAX_PART_SIZE,
            operation,
          }),
    concurrency: concurrencyOf(options.concurrency, 4, operation),
    replacement: replacing ? params : undefined,
    tagging: options.tags === undefined ? undefined : encodeTags(options.tags, operation),
    placement: {
      StorageClass: params.StorageClass,
      ServerSideEncryption: params.ServerSideEncryption,
      SSEKMSKeyId: params.SSEKMSKeyId,
    },
    ifNoneMatch: options.ifNoneMatch,
    signal: options.signal,
    abortGrace: abortGraceOption(options.abortGrace, operation),
  };
  return (src, dest) => {
    const srcKey = fullKey(scope.path, src, operation, scope.bucketName);
    const destKey = fullKey(scope.path, dest, operation, destBucket);
    return { ...shared, srcKey, destKey, copySource: copySource(scope.bucketName, srcKey) };
  };
}

/** The source's content headers and metadata, overridden by the replacement's. */
function contentHeaders(head: HeadObjectCommandOutput, replacement: WriteParams | undefined) {
  return {
    ContentType: replacement?.ContentType ?? head.ContentType,
    Metadata: replacement?.Metadata ?? head.Metadata,
    CacheControl: replacement?.CacheControl ?? head.CacheControl,
    ContentDisposition: replacement?.ContentDisposition ?? head.ContentDisposition,
    ContentEncoding: replacement?.ContentEncoding ?? head.ContentEncoding,
    ContentLanguage: replacement?.ContentLanguage ?? head.ContentLanguage,
    Expires: head.Expires,
  };
}

function resultOf(
  scope: ScopeRef,
  plan: CopyPlan,
  etag: string | undefined,
  versionId: string | undefined,
) {
  const result: CopyObjectResult = {
    key: plan.destKey,
    name: relativeName(scope.path, plan.destKey),
    bucket: plan.destBucket,
    etag,
  };
  if (versionId) result.versionId = versionId;
  return result;
}

/** NoSuchKey from a copy names the source, not the destination the request was sent to. */
function sourceError(scope: ScopeRef, plan: CopyPlan, error: unknown): unknown {
  if (!(error instanceof ObjectNotFoundError)) return error;
  return new ObjectNotFoundError(
    `${plan.operation}: the source s3://${scope.bucketName}/${plan.srcKey} does not exist (${error.code})`,
    {
      code: error.code,
      status: error.status,
      bucket: scope.bucketName,
      key: plan.srcKey,
      operation: error.operation,
      requestId: error.requestId,
      cause: error,
    },
  );
}

/**
 * CopyObject. Without a HEAD the metadata directive is COPY (S3 carries every header over);
 * with one, the copy is pinned to the source's ETag and replacements are applied.
 */
async function copyDirect(
  scope: ScopeRef,
  plan: CopyPlan,
  head: HeadObjectCommandOutput | undefined,
) {
  const input: CopyObjectCommandInput = {
    Bucket: plan.destBucket,
    Key: plan.destKey,
    CopySource: plan.copySource,
    CopySourceIfMatch: head?.ETag,
    IfNoneMatch: plan.ifNoneMatch,
    ...plan.placement,
  };
  if (plan.replacement && head)
    Object.assign(input, { MetadataDirective: "REPLACE" }, contentHeaders(head, plan.replacement));
  if (plan.tagging !== undefined)
    Object.assign(input, { TaggingDirective: "REPLACE", Tagging: plan.tagging });
  const target = { operation: "CopyObject", bucket: plan.destBucket, key: plan.destKey };
  const send = async (attempts: AttemptLog) => {
    const response = await request(
      scope.context,
      target,
      (client, http) => attempts.on(client).send(new CopyObjectCommand(input), http),
      plan.signal,
    );
    return { etag: response.CopyObjectResult?.ETag, versionId: response.VersionId };
  };
  // A lost response: the retry of a conditional copy answers 412 to the copy itself. The
  // source is read without the caller's signal, like the destination (see reconcile).
  const expected = () => copiedObject(scope, { ...plan, signal: undefined }, head);
  try {
    const done = await commit(scope.context, target, send, expected, { signal: plan.signal });
    return resultOf(scope, plan, done.etag, done.versionId);
  } catch (error) {
    throw sourceError(scope, plan, error);
  }
}

/**
 * What a CopyObject stores, when that can be known: the source's ETag, if it is the MD5 of
 * the bytes (one part, no SSE-KMS or SSE-C on either side, so the copy's ETag is that MD5
 * too), and the source's headers or their replacements. Without a HeadObject from before
 * the copy, the source is read now: if it changed meanwhile, its ETag no longer matches.
 */
async function copiedObject(
  scope: ScopeRef,
  plan: CopyPlan,
  known: HeadObjectCommandOutput | undefined,
): Promise<ExpectedObject | undefined> {
  const source = known ?? (await headSource(scope, plan));
  const kms = (encryption: string | undefined) => encryption?.startsWith("aws:kms") === true;
  if (!isPlainMd5(source.ETag) || source.SSECustomerAlgorithm !== undefined) return undefined;
  if (kms(source.ServerSideEncryption) || kms(plan.placement.ServerSideEncryption))
    return undefined;
  const headers = plan.replacement ? contentHeaders(source, plan.replacement) : source;
  return { etag: source.ETag, contentType: headers.ContentType, metadata: headers.Metadata };
}

/** Whether S3 refused a CopyObject because the source is above its 5 GiB limit. */
function isTooLargeForCopyObject(error: unknown): boolean {
  const e = error as S3Error;
  if (e?.code === "EntityTooLarge") return true;
  const text = `${e?.message ?? ""} ${(e?.cause as Error | undefined)?.message ?? ""}`;
  return e?.code === "InvalidRequest" && /larger than the maximum allowable size/i.test(text);
}

/** UploadPartCopy of every part, several at once, each pinned to the source's ETag. */
async function copyParts(
  scope: ScopeRef,
  plan: CopyPlan,
  head: HeadObjectCommandOutput,
  UploadId: string,
): Promise<CompletedPart[]> {
  const size = head.ContentLength ?? 0;
  const partSize = fitPartSize(plan.partSize ?? DEFAULT_PART, size);
  const count = Math.ceil(size / partSize);
  const parts: CompletedPart[] = [];
  const indexes = (function* () {
    for (let index = 0; index < count; index++) yield index;
  })();
  await forEachLimited(
    indexes,
    plan.concurrency,
    async (index) => {
      const start = index * partSize;
      const end = Math.min(size, start + partSize) - 1;
      const response = await request(
        scope.context,
        { operation: "UploadPartCopy", bucket: plan.destBucket, key: plan.destKey },
        (client, http) =>
          client.send(
            new UploadPartCopyCommand({
              Bucket: plan.destBucket,
              Key: plan.destKey,
              UploadId,
              PartNumber: index + 1,
              CopySource: plan.copySource,
              CopySourceRange: `bytes=${start}-${end}`,
              CopySourceIfMatch: head.ETag,
            }),
            http,
          ),
        plan.signal,
      );
      parts[index] = { PartNumber: index + 1, ETag: response.CopyPartResult?.ETag };
    },
    plan.signal,
  );
  return parts;
}

/**
 * CompleteMultipartUpload of a multipart copy that began at `since`; a failure that may hide a
 * lost response is reconciled (the retry answers NoSuchUpload although the copy is there).
 * Once sent it runs to its answer within `abortGrace` after an abort, as upload's does (the
 * object may exist, and only its answer says), and no new attempt of it is sent (see commit).
 */
async function completeCopy(
  scope: ScopeRef,
  plan: CopyPlan,
  upload: { UploadId: string; since: number },
  parts: CompletedPart[],
  headers: ReturnType<typeof contentHeaders>,
): Promise<Written> {
  const { UploadId, since } = upload;
  const target = {
    operation: "CompleteMultipartUpload",
    bucket: plan.destBucket,
    key: plan.destKey,
  };
  const send = async (attempts: AttemptLog, signal: AbortSignal | undefined) => {
    const response = await request(
      scope.context,
      target,
      (client, http) =>
        attempts.on(client).send(
          new CompleteMultipartUploadCommand({
            Bucket: plan.destBucket,
            Key: plan.destKey,
            UploadId,
            MultipartUpload: { Parts: parts },
            // The condition belongs on the completion: that is when the object appears.
            IfNoneMatch: plan.ifNoneMatch,
          }),
          http,
        ),
      signal,
    );
    return { etag: response.ETag, versionId: response.VersionId };
  };
  const expected = multipart(scope.context, parts, headers);
  const settings = { since, signal: plan.signal, grace: plan.abortGrace };
  return commit(scope.context, target, send, expected, settings);
}

/**
 * UploadPartCopy. A multipart copy carries no headers, metadata or tags by itself, so they
 * are read from the source and set on CreateMultipartUpload; every part is pinned to the
 * source's ETag, and any failure aborts the upload (confirmed with ListParts) so no parts stay
 * behind. A Create attempt that may have made an upload unseen (its answer lost, or the call
 * aborted once it was sent) has that upload aborted too (see createUpload).
 */
async function copyMultipart(
  scope: ScopeRef,
  plan: CopyPlan,
  head: HeadObjectCommandOutput,
): Promise<CopyObjectResult> {
  const { signal } = plan;
  const since = Date.now();
  const tagging = plan.tagging ?? taggingHeader(await readTags(scope, plan.srcKey, { signal }));
  const headers = contentHeaders(head, plan.replacement);
  const where = { bucket: plan.destBucket, key: plan.destKey };
  const target: Target = { operation: "CreateMultipartUpload", ...where };
  const created = await createUpload(
    scope.context,
    where,
    (attempts) =>
      request(
        scope.context,
        target,
        (client, http) =>
          attempts.on(client).send(
            new CreateMultipartUploadCommand({
              Bucket: plan.destBucket,
              Key: plan.destKey,
              ...headers,
              Tagging: tagging === "" ? undefined : tagging,
              ...plan.placement,
            }),
            http,
          ),
        signal,
      ),
    signal,
  );
  const UploadId = created.UploadId;
  try {
    const parts = await copyParts(scope, plan, head, UploadId);
    if (signal?.aborted) throw abortError(signal);
    const done = await completeCopy(scope, plan, { UploadId, since }, parts, headers);
    return resultOf(scope, plan, done.etag, done.versionId);
  } catch (error) {
    await abortAndConfirm(scope.context, plan.destBucket, plan.destKey, UploadId, plan.operation);
    throw failure(scope.context, sourceError(scope, plan, error), {
      operation: "UploadPartCopy",
      bucket: plan.destBucket,
      key: plan.destKey,
    });
  }
}

/**
 * With `ifNoneMatch`, refuses an existing destination before copying. CopyObject carries
 * If-None-Match too (atomic on AWS), but some stores (MinIO) ignore it there, and a
 * multipart copy would otherwise copy every part before its completion is refused.
 */
async function refuseExisting(scope: ScopeRef, plan: CopyPlan): Promise<void> {
  const target: Target = { operation: "HeadObject", bucket: plan.destBucket, key: plan.destKey };
  try {
    await request(
      scope.context,
      target,
      (client, http) =>
        client.send(new HeadObjectCommand({ Bucket: plan.destBucket, Key: plan.destKey }), http),
      plan.signal,
    );
  } catch (error) {
    // Missing (or a missing bucket, which the copy itself will report): go ahead.
    if (error instanceof ObjectNotFoundError) return;
    throw error;
  }
  throw new PreconditionFailedError(
    `${plan.operation}: s3://${plan.destBucket}/${plan.destKey} exists and ifNoneMatch is "*"`,
    { ...target, operation: plan.operation, code: "PreconditionFailed", status: 412 },
  );
}

/** HeadObject of the source, a missing source named as such. */
async function headSource(scope: ScopeRef, plan: CopyPlan): Promise<HeadObjectCommandOutput> {
  try {
    return await headRaw(scope, plan.srcKey, { signal: plan.signal });
  } catch (error) {
    throw sourceError(scope, plan, error);
  }
}

/**
 * @internal Runs a planned copy (see `copyObject`). With the source's HeadObject already in
 * hand, the copy is pinned to that very version.
 */
export async function runCopy(
  scope: ScopeRef,
  plan: CopyPlan,
  knownSource?: HeadObjectCommandOutput,
): Promise<CopyObjectResult> {
  if (plan.ifNoneMatch) await refuseExisting(scope, plan);
  // The common case costs one request: CopyObject keeps every header and tag by itself.
  if (!knownSource && plan.replacement === undefined && plan.threshold === MAX_COPY_OBJECT) {
    try {
      return await copyDirect(scope, plan, undefined);
    } catch (error) {
      if (!isTooLargeForCopyObject(error)) throw error;
    }
  }
  const head = knownSource ?? (await headSource(scope, plan));
  const size = head.ContentLength ?? 0;
  if (size <= plan.threshold || size === 0) return copyDirect(scope, plan, head);
  return copyMultipart(scope, plan, head);
}

/**
 * See Scope.copy. `src` and `dest` are keys relative to the scope; with `destBucket`, `dest`
 * is relative to the same scope path in that bucket. Up to `copyThreshold` (5 GiB) one
 * CopyObject, which keeps content-type, metadata, content headers and tags by itself (and,
 * with the default threshold and no replacement, no HeadObject is sent); above it, or when
 * S3 says the source is too large, a multipart UploadPartCopy pinned to the source's ETag
 * that sets the source's headers, metadata and tags on the new upload. The scope's
 * storageClass and encryption defaults apply to the destination.
 * @throws ValidationError for bad keys or options, before any request; ObjectNotFoundError
 * when the source is missing (naming the source); PreconditionFailedError when `ifNoneMatch`
 * finds `dest` or the source changed during the copy; BucketNotFoundError, AccessDeniedError,
 * S3OperationError.
 */
export async function copy(
  scope: ScopeRef,
  src: string,
  dest: string,
  options: CopyOptions = {},
): Promise<CopyObjectResult> {
  return runCopy(scope, copyPlanner(scope, options, "copy")(src, dest));
}

/**
 * See Scope.move: HeadObject of the source, a copy pinned to that version (CopySourceIfMatch),
 * then a plain DeleteObject of the key with If-Match on the copied ETag. In an unversioned
 * bucket that deletes the object only if it is still the one copied (where the store honours
 * conditional deletes; MinIO does not). In a versioned bucket it leaves a delete marker: no
 * version is ever deleted permanently, so the source stays recoverable (move is undoable) and
 * Object Lock is respected; a version written meanwhile is at worst hidden by the marker where
 * the store ignores If-Match, never lost. When the copy fails nothing is deleted; when the
 * delete fails its error is thrown and both objects exist, except after a lost answer: a
 * retried delete that finds the source gone (404, or 412 over a delete marker) is checked
 * with a HeadObject, and a source that is gone means the move is done (see deleteSource).
 * @throws like `copy`; ValidationError when src and dest name the same object;
 * PreconditionFailedError when the source changed before it was copied or deleted.
 */
export async function move(
  scope: ScopeRef,
  src: string,
  dest: string,
  options: CopyOptions = {},
): Promise<CopyObjectResult> {
  const plan = copyPlanner(scope, options, "move")(src, dest);
  if (plan.destBucket === scope.bucketName && plan.destKey === plan.srcKey) {
    throw new ValidationError(`move: source and destination are the same object (${plan.srcKey})`, {
      operation: "move",
      bucket: scope.bucketName,
      key: plan.srcKey,
    });
  }
  const source = await headSource(scope, plan);
  const result = await runCopy(scope, plan, source);
  await deleteSource(scope, plan, source.ETag);
  return result;
}

/**
 * The delete of a move: DeleteObject of the source key with If-Match on the copied ETag. When
 * an attempt of it may have been carried out unseen (see AttemptLog) and the retry found the
 * key gone (404) or no longer that object (412: a delete marker, in a versioned bucket), a
 * HeadObject decides: a source that is gone means the move is complete.
 */
async function deleteSource(
  scope: ScopeRef,
  plan: CopyPlan,
  IfMatch: string | undefined,
): Promise<void> {
  const Bucket = scope.bucketName;
  const Key = plan.srcKey;
  const attempts = new AttemptLog(plan.signal);
  try {
    await request(
      scope.context,
      { operation: "DeleteObject", bucket: Bucket, key: Key },
      (client, http) =>
        // Never by VersionId: in a versioned bucket that would destroy the version for good.
        attempts.on(client).send(new DeleteObjectCommand({ Bucket, Key, IfMatch }), http),
      plan.signal,
    );
  } catch (error) {
    const refused =
      error instanceof ObjectNotFoundError || error instanceof PreconditionFailedError;
    if (!refused || !attempts.mayHaveLanded || (await sourceRemains(scope, plan))) throw error;
    log(
      scope.context.logger,
      "warn",
      "s3kit move: its delete's answer was lost, the source is gone",
      {
        bucket: Bucket,
        key: Key,
        error: error.message,
      },
    );
  }
}

/**
 * Whether the source may still be there: false only for a HEAD 404 (a missing key, or a
 * delete marker in a versioned bucket); any other failure cannot tell, so counts as there.
 */
function sourceRemains(scope: ScopeRef, plan: CopyPlan): Promise<boolean> {
  return headRaw(scope, plan.srcKey, { signal: plan.signal }).then(
    () => true,
    (error: unknown) => !(error instanceof ObjectNotFoundError),
  );
}
