import {
  abortGraceOption,
  checkConditions,
  concurrencyOf,
  headerValue,
  partSizeOption,
  wholeNumber,
} from "../common/checks.js";
import { callCustomerKey, type SseCustomerKey } from "../common/customer-key.js";
import { MAX_SINGLE_UPLOAD, MiB } from "../common/limits.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { encodeTags, type Tags } from "../common/tags.js";
import { orScope } from "../common/transfer-defaults.js";
import { type WriteOptions, type WriteParams, writeParams } from "../common/write-params.js";
import { ValidationError } from "../errors/validation-error.js";
import { checkBucketName } from "../prefix/keys.js";
import type { PartCopy } from "../transfers/copy-parts.js";

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
    | "acl"
    | "sseCustomerKey"
  > {
  /**
   * The source's customer-provided key (SSE-C); `null` sends none. `sseCustomerKey` is the
   * copy's own (none, with `null`): give both to re-key an object, or one to encrypt or
   * decrypt it in the copy.
   * @default the scope's `defaults.sseCustomerKey`, else none
   */
  sourceSseCustomerKey?: SseCustomerKey | null;
  /** Copy into this bucket instead; `dest` is then relative to the same scope path there. */
  destBucket?: string;
  /**
   * Copy this version of `src` (a version id `versions()` or a write returned); unset, its
   * current one. `copy` only: `move` and `copyMany` refuse it. The copy gets the version's
   * bytes, headers, metadata and tags, and is pinned to it (CopySource `?versionId=`, every
   * part of a multipart copy too).
   */
  sourceVersionId?: string;
  /** Tags of the copy instead of the source's (`{}` for none). */
  tags?: Tags;
  /**
   * "*": only create; PreconditionFailedError when `dest` exists. Checked by a HeadObject
   * first, then sent as If-None-Match on CopyObject or CompleteMultipartUpload, which makes
   * it atomic where the store honours it (MinIO ignores it on CopyObject).
   */
  ifNoneMatch?: "*";
  /**
   * Sources larger than this many bytes are copied in parts (UploadPartCopy). At most 5 GiB,
   * CopyObject's own limit, which is also the default. A custom value costs one HeadObject
   * per copy.
   * @default 5 * 1024 * 1024 * 1024
   */
  copyThreshold?: number;
  /**
   * Part size of a multipart copy, 5 MiB … 5 GiB, raised when 10,000 parts would not do.
   * @default the scope's `partSize`, else 64 * 1024 * 1024
   */
  partSize?: number;
  /**
   * Parts copied at once in a multipart copy, 1 … 1000.
   * @default the scope's `concurrency`, else 4
   */
  concurrency?: number;
  /**
   * Cancels the copy (with `copyMany`, every pair's): the call then rejects with
   * S3OperationError, code "Aborted", unless the copy turns out to be made already (a commit
   * cancelled once sent is checked; see `abortGrace`). A multipart copy's upload is aborted;
   * with `copyMany`, the pairs copied until then stay copied.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds an abort (`signal`) still waits for the CompleteMultipartUpload of a
   * multipart copy already sent, as `upload`'s `abortGrace` does.
   * @default 30000
   */
  abortGrace?: number;
}

/** CopyObject's limit on the source size (S3's one-request limit), and the default threshold. */
export const MAX_COPY_OBJECT = MAX_SINGLE_UPLOAD;
/** A copy moves no bytes through us, so its parts can be much larger than an upload's. */
const DEFAULT_PART = 64 * MiB;

/**
 * @internal The options of a copy, checked and complete: what every pair of it shares (the
 * part copy's settings but its keys, and what decides between CopyObject and parts).
 */
export interface CopySettings extends Omit<PartCopy, "destKey" | "copySource"> {
  operation: string;
  /** The source's version copied; undefined: its current one. */
  sourceVersionId: string | undefined;
  threshold: number;
  /** Per-call content headers and metadata; undefined fields come from the source. */
  replacement: WriteParams | undefined;
  /** Encoded tags replacing the source's ("" for none), or undefined to keep them. */
  tagging: string | undefined;
}

const contentOptions = [
  "contentType",
  "metadata",
  "cacheControl",
  "contentDisposition",
  "contentEncoding",
  "contentLanguage",
] as const;

/** The bucket a copy writes to: `destBucket` checked, or the scope's own. */
export function destBucketOf(scope: ScopeRef, destBucket: unknown, operation: string): string {
  return destBucket === undefined ? scope.bucketName : checkBucketName(destBucket, operation);
}

/**
 * @internal Checks the options of a copy (`copy`, `move`, each pair of `copyMany`) and returns
 * them complete, scope defaults applied.
 * @throws ValidationError, before any request.
 */
export function resolveCopyOptions(
  scope: ScopeRef,
  options: CopyOptions,
  operation: string,
): CopySettings {
  const destBucket = destBucketOf(scope, options.destBucket, operation);
  const sourceVersionId = headerValue(options.sourceVersionId, "sourceVersionId", operation);
  if (sourceVersionId !== undefined && operation !== "copy" && operation !== "restore") {
    // move would hide the current object, not that version; copyMany's pairs have keys of their own.
    throw new ValidationError(`${operation}: sourceVersionId is for copy() only`, { operation });
  }
  checkConditions({ ifNoneMatch: options.ifNoneMatch }, operation);
  const replacing = contentOptions.some((name) => options[name] !== undefined);
  // Only the placement defaults apply: the scope's default metadata or cache-control would
  // silently change what the copy carries over from its source. An ACL is never carried over.
  const { storageClass, serverSideEncryption, sseKmsKeyId, acl, sseCustomerKey } = scope.defaults;
  const params = writeParams(
    { storageClass, serverSideEncryption, sseKmsKeyId, acl, sseCustomerKey },
    options,
    undefined,
    operation,
  );
  const sourceKey = options.sourceSseCustomerKey;
  const sourceCustomerKey = callCustomerKey(
    scope.defaults,
    sourceKey,
    operation,
    "sourceSseCustomerKey",
  );
  return {
    operation,
    destBucket,
    sourceVersionId,
    threshold: wholeNumber(options.copyThreshold, MAX_COPY_OBJECT, {
      name: "copyThreshold",
      min: 0,
      max: MAX_COPY_OBJECT,
      operation,
    }),
    partSize: partSizeOption(
      orScope(options.partSize, scope.defaults.partSize),
      DEFAULT_PART,
      operation,
    ),
    concurrency: concurrencyOf(
      orScope(options.concurrency, scope.defaults.concurrency),
      4,
      operation,
    ),
    replacement: replacing ? params : undefined,
    tagging: options.tags === undefined ? undefined : encodeTags(options.tags, operation),
    placement: {
      StorageClass: params.StorageClass,
      ServerSideEncryption: params.ServerSideEncryption,
      SSEKMSKeyId: params.SSEKMSKeyId,
      ACL: params.ACL,
      SSECustomerAlgorithm: params.SSECustomerAlgorithm,
      SSECustomerKey: params.SSECustomerKey,
      SSECustomerKeyMD5: params.SSECustomerKeyMD5,
    },
    sourceCustomerKey,
    ifNoneMatch: options.ifNoneMatch,
    ifMatch: undefined,
    signal: options.signal,
    abortGrace: abortGraceOption(options.abortGrace, operation),
  };
}
