import type { Readable } from "node:stream";
import type { ClientContext } from "../client/context.js";
import type { ScopeDefaults } from "../common/defaults.js";
import type { ExactRange } from "../common/range-list.js";
import { scopeContext } from "../common/scope-context.js";
import { keyIn } from "../common/scope-ref.js";
import { withSignal } from "../common/signal.js";
import { checkTransferDefaults } from "../common/transfer-defaults.js";
import { type GetOptions, getBytes, getJson, getText } from "../objects/get.js";
import { type GetRangesOptions, getRanges } from "../objects/get-ranges.js";
import { type ExistsOptions, exists, type HeadOptions, head } from "../objects/head.js";
import { type LinesOptions, lines } from "../objects/lines.js";
import { respond } from "../objects/respond.js";
import type { RespondOptions } from "../objects/respond-options.js";
import type { DownloadResult } from "../transfers/download.js";
import type { DownloadOptions } from "../transfers/download-options.js";
import { fileFeatures } from "../transfers/file-features.js";
import type { ObjectInfo } from "../transfers/head-object.js";
import { type OpenResult, open } from "../transfers/open.js";
import type { OpenOptions, StreamOptions } from "../transfers/resolve-stream-options.js";
import { stream } from "../transfers/stream.js";

/**
 * What every scope reads: whole objects, streams, ranges, heads and downloads. `Scope` extends
 * it with writes, listings and batches; only `Bucket` and `Prefix` are made.
 */
export abstract class ReadScope {
  /**
   * @internal The S3 instance's client, retry policy and logger (its twin that confirms
   * requester pays under a `requestPayer` default: see scopeContext).
   */
  readonly context: ClientContext;
  /** The bucket's name. */
  readonly bucketName: string;
  /** The full key prefix: "" for a Bucket, otherwise ending in "/". */
  readonly path: string;
  /** Write defaults applied under this scope. */
  readonly defaults: ScopeDefaults;

  /**
   * @internal Only `Bucket` and `Prefix` construct a scope.
   * @throws ValidationError for a `requestPayer` default that is not a boolean.
   */
  constructor(context: ClientContext, bucketName: string, path: string, defaults: ScopeDefaults) {
    this.context = scopeContext(context, defaults);
    this.bucketName = bucketName;
    this.path = path;
    checkTransferDefaults(defaults, path === "" ? "bucket" : "prefix");
    this.defaults = defaults;
  }

  /** "s3://bucket/path" of this scope. */
  toString(): string {
    return `s3://${this.bucketName}/${this.path}`;
  }

  /**
   * Reads a whole object (or a byte range of it) into memory, as a Uint8Array that owns its
   * ArrayBuffer. At most 2 GiB − 1 bytes (`stream()` or `download()` read larger objects).
   * @throws ObjectNotFoundError, BucketNotFoundError, PreconditionFailedError (ifMatch),
   * AccessDeniedError, S3OperationError ("TooLarge" before reading a larger body).
   */
  async getBytes(key: string, options?: GetOptions): Promise<Uint8Array> {
    return getBytes(this, keyIn(this, key, "getBytes"), withSignal(options, "getBytes"));
  }

  /**
   * Reads several byte ranges of one object, each as its own Uint8Array (owning its
   * ArrayBuffer), in the order given. Ranges within `coalesce` bytes of each other share one
   * GET; every GET is pinned to the first answer's ETag (README, "Multi-range reads").
   * @throws ValidationError for a bad range or option, before any request;
   * ObjectNotFoundError, PreconditionFailedError (ifMatch, or the object changed between two
   * GETs), S3OperationError ("InvalidRange", status 416: a range starting past the end).
   */
  async getRanges(
    key: string,
    ranges: readonly ExactRange[],
    options?: GetRangesOptions,
  ): Promise<Uint8Array[]> {
    const objectKey = keyIn(this, key, "getRanges");
    return getRanges(this, objectKey, ranges, withSignal(options, "getRanges"));
  }

  /** Reads a whole object as UTF-8 text, at most 536,870,888 bytes. Throws like `getBytes`. */
  async getText(key: string, options?: GetOptions): Promise<string> {
    return getText(this, keyIn(this, key, "getText"), withSignal(options, "getText"));
  }

  /**
   * Reads a whole object and parses it as JSON (`T` is not checked at runtime).
   * @throws S3OperationError "InvalidJson" (naming the key) for a non-JSON body; else as getBytes.
   */
  async getJson<T = unknown>(key: string, options?: GetOptions): Promise<T> {
    return getJson<T>(this, keyIn(this, key, "getJson"), withSignal(options, "getJson"));
  }

  /**
   * Whether the object exists (a HEAD request).
   * @throws AccessDeniedError on 403; BucketNotFoundError when the bucket is missing.
   */
  async exists(key: string, options?: ExistsOptions): Promise<boolean> {
    return exists(this, keyIn(this, key, "exists"), withSignal(options, "exists"));
  }

  /**
   * The object's size, type, ETag, dates, metadata and, with `withTags`, its tags.
   * @throws ObjectNotFoundError, BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async head(key: string, options?: HeadOptions): Promise<ObjectInfo> {
    return head(this, keyIn(this, key, "head"), withSignal(options, "head"));
  }

  /**
   * Opens the object as a Node Readable that resumes after transient failures, pinned to its
   * ETag (README, "Streams and lines"); a missing object fails at the await.
   * @throws ObjectNotFoundError, BucketNotFoundError, AccessDeniedError, S3OperationError;
   * the stream emits PreconditionFailedError or S3OperationError when a resume fails.
   */
  async stream(key: string, options?: StreamOptions): Promise<Readable> {
    return stream(this, keyIn(this, key, "stream"), withSignal(options, "stream"));
  }

  /** The object's text lines ("\n", "\r\n" removed), resuming like `stream()`. */
  lines(key: string, options?: LinesOptions): AsyncIterable<string> {
    return lines(this, keyIn(this, key, "lines"), withSignal(options, "lines"));
  }

  /**
   * ONE GetObject: a web ReadableStream that resumes like `stream()`, with type, length, ETag,
   * dates, metadata and a 206's range; `status: 304`, no body, when `ifNoneMatch` or
   * `ifModifiedSince` find the object unchanged (README, "Serving files").
   * @throws ObjectNotFoundError, BucketNotFoundError, AccessDeniedError, PreconditionFailedError
   * (ifMatch, ifUnmodifiedSince), S3OperationError ("InvalidRange", status 416: a range
   * starting past the end, or any range of an empty object).
   */
  async open(key: string, options?: OpenOptions): Promise<OpenResult> {
    return open(this, keyIn(this, key, "open"), withSignal(options, "open"));
  }

  /**
   * A web Response serving the object to a GET or HEAD `request`: 200, 206 for a Range, 304,
   * 412, 416, 404 for a missing key, 405 for other methods (README, "Serving files").
   * @throws ValidationError for a bad key or option; BucketNotFoundError, AccessDeniedError,
   * S3OperationError (failures that no status answers).
   */
  async respond(key: string, request: Request, options?: RespondOptions): Promise<Response> {
    return respond(this, keyIn(this, key, "respond"), request, withSignal(options, "respond"));
  }

  /**
   * Downloads an object to a local file in parallel ranged parts pinned to one ETag, through a
   * temp file renamed on success: `path` never holds a partial file (README, "Transfers").
   * @throws ObjectNotFoundError, PreconditionFailedError (object changed), S3OperationError
   * ("InvalidResponse" when the store announces a size above S3's 50 TB, before any file).
   */
  async download(key: string, path: string, options?: DownloadOptions): Promise<DownloadResult> {
    const objectKey = keyIn(this, key, "download");
    return fileFeatures.download(this, objectKey, path, withSignal(options, "download"));
  }
}
