import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import {
  abortGraceOption,
  checkConditions,
  partSizeOption,
  progressOption,
  transferConcurrencyOf,
} from "../common/checks.js";
import { defaultContentType } from "../common/content-type.js";
import { DEFAULT_UPLOAD_PART_SIZE } from "../common/limits.js";
import type { OnProgress } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type PutOptions, type WriteParams, writeParams } from "../common/write-params.js";
import type { UploadSource } from "./sources/open-source.js";

/** Options of `upload` (and of `put` with a stream or Blob body). */
export interface UploadOptions extends PutOptions {
  /**
   * Part size in bytes, 5 MiB … 5 GiB. A source of at most one part goes up with a single
   * PutObject, anything larger as a multipart upload. With a known size the part size grows
   * so that no upload needs more than 10,000 parts; an unknown-length stream is limited to
   * 10,000 × partSize bytes. Memory use is about (concurrency + 1) × partSize.
   * @default 16 * 1024 * 1024
   */
  partSize?: number;
  /**
   * Parts uploaded at once, 1 … 64.
   * @default 4
   */
  concurrency?: number;
  /**
   * Called as parts finish with `{ loaded, total, percent }`; never goes backwards and ends
   * with loaded === total. `total` is undefined for a stream until it ends.
   */
  onProgress?: OnProgress;
  /**
   * Milliseconds an abort (`signal`) still waits for a CompleteMultipartUpload already sent:
   * once sent it may create the object, and only its answer says so. No new attempt of it is
   * sent after the abort. An answer within the grace decides; after it, the request is
   * cancelled and the object at the key is read back: ours → the upload resolves, else it
   * fails with the abort (the store may still complete it later).
   * @default 30000
   */
  abortGrace?: number;
}

const DEFAULT_CONCURRENCY = 4;

/** `upload`'s options, checked and complete. */
export interface UploadSettings {
  /** The part size asked for; fitted to the source's size once that is known (fitPartSize). */
  partSize: number;
  concurrency: number;
  onProgress: OnProgress | undefined;
  abortGrace: number;
  /** What the upload's writes carry besides the body: bucket, key, headers and conditions. */
  params: WriteParams & Pick<PutObjectCommandInput, "Bucket" | "Key" | "IfNoneMatch" | "IfMatch">;
  signal: AbortSignal | undefined;
  target: Target & { bucket: string; key: string };
}

/**
 * Checks `upload`'s options (common/checks.ts rules) and fills in the defaults; the
 * Content-Type defaults to a Blob's own type, else the key's extension (defaultContentType).
 * @throws ValidationError, before any request.
 */
export function resolveUploadOptions(
  scope: ScopeRef,
  source: UploadSource,
  Key: string,
  options: UploadOptions,
): UploadSettings {
  const operation = "upload";
  checkConditions(options, operation);
  const partSize = partSizeOption(options.partSize, DEFAULT_UPLOAD_PART_SIZE, operation);
  const concurrency = transferConcurrencyOf(options.concurrency, DEFAULT_CONCURRENCY, operation);
  const onProgress = progressOption(options.onProgress, operation);
  const abortGrace = abortGraceOption(options.abortGrace, operation);
  const blobType = source instanceof Blob ? source.type : undefined;
  const headers = writeParams(
    scope.defaults,
    options,
    defaultContentType(Key, "binary", blobType),
    operation,
  );
  const { ifNoneMatch: IfNoneMatch, ifMatch: IfMatch } = options;
  const params = { ...headers, Bucket: scope.bucketName, Key, IfNoneMatch, IfMatch };
  const target = { operation, bucket: scope.bucketName, key: Key };
  return { partSize, concurrency, onProgress, abortGrace, params, signal: options.signal, target };
}
