import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import {
  abortGraceOption,
  checkConditions,
  progressOption,
  wholeNumber,
} from "../common/checks.js";
import { type ChecksumName, checksumOption } from "../common/checksum-option.js";
import { defaultContentType } from "../common/content-type.js";
import { DEFAULT_UPLOAD_PART_SIZE, MAX_OBJECT_SIZE } from "../common/limits.js";
import type { OnProgress } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { orScope, transferSettings } from "../common/transfer-defaults.js";
import { type PutOptions, type WriteParams, writeParams } from "../common/write-params.js";
import type { UploadSource } from "./sources/open-source.js";

/** Options of `upload` (and of `put` with a stream or Blob body). */
export interface UploadOptions extends PutOptions {
  /**
   * Part size in bytes, 5 MiB … 5 GiB. A source of at most one part goes up with a single
   * PutObject, anything larger as a multipart upload. With a known size the part size grows
   * so that no upload needs more than 10,000 parts; an unknown-length stream is limited to
   * 10,000 × partSize bytes unless its `size` is given. Memory use is about
   * (concurrency + 1) × partSize.
   * @default the scope's `partSize`, else 16 * 1024 * 1024
   */
  partSize?: number;
  /**
   * Parts uploaded at once, 1 … 64.
   * @default the scope's `concurrency`, else 4
   */
  concurrency?: number;
  /**
   * The source's length in bytes, when a stream's is known beforehand (an HTTP request's
   * Content-Length): the part size then grows so that 10,000 parts carry it, as for a file,
   * and a length above S3's object limit fails before any request (ValidationError). The
   * stream must then give exactly this many bytes: one that goes beyond it stops before the
   * part that does, one that ends short before the commit, both with S3OperationError
   * "SourceSizeChanged" and the multipart upload aborted. A source of known size (a file,
   * bytes, a Blob) must have this size, else ValidationError.
   * @default `undefined`: learnt at the stream's end
   */
  size?: number;
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
  /** The checksum to compute and send (see UploadChecksum). */
  checksum: ChecksumName | undefined;
  /** The source's size as the caller gave it (see UploadOptions.size). */
  size: number | undefined;
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
  const { defaults } = scope;
  const { partSize, concurrency } = transferSettings(options, defaults, {
    operation,
    partSize: DEFAULT_UPLOAD_PART_SIZE,
    concurrency: DEFAULT_CONCURRENCY,
  });
  const checksum = checksumOption(orScope(options.checksum, defaults.checksum), operation);
  const size =
    options.size === undefined
      ? undefined
      : wholeNumber(options.size, 0, {
          name: "size",
          unit: "bytes",
          min: 0,
          max: MAX_OBJECT_SIZE,
          operation,
        });
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
  const { signal } = options;
  return { partSize, concurrency, onProgress, abortGrace, checksum, size, params, signal, target };
}
