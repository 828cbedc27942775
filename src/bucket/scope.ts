import type { Readable } from "node:stream";
import {
  type AbortUploadsOptions,
  type AbortUploadsResult,
  abortUploads,
} from "../batch/abort-uploads.js";
import { type CopyPair, copyMany } from "../batch/copy-many.js";
import type { CopyManyOptions } from "../batch/copy-many-options.js";
import { deleteAll } from "../batch/delete-all.js";
import { deleteMany } from "../batch/delete-many.js";
import type { DeleteManyOptions } from "../batch/delete-many-options.js";
import type { CopyResult, DeleteResult } from "../batch/results.js";
import type { ClientContext } from "../client/context.js";
import { mergeDefaults, type ScopeDefaults } from "../common/defaults.js";
import { withSignal } from "../common/signal.js";
import type { Tags } from "../common/tags.js";
import type { PutOptions, PutResult } from "../common/write-params.js";
import { type FolderOptions, folders } from "../listing/folders.js";
import { iterList, type ListOptions } from "../listing/iter-list.js";
import type { ObjectSummary } from "../listing/object-summary.js";
import { copy } from "../objects/copy.js";
import type { CopyOptions } from "../objects/copy-options.js";
import { type CopyObjectResult, copyKeys } from "../objects/copy-plan.js";
import { type DeleteOptions, deleteObject } from "../objects/delete.js";
import { type GetOptions, getBytes, getJson, getText } from "../objects/get.js";
import { type ExistsOptions, exists, type HeadOptions, head } from "../objects/head.js";
import { type LinesOptions, lines } from "../objects/lines.js";
import { move } from "../objects/move.js";
import { presign } from "../objects/presign.js";
import type { PresignOptions } from "../objects/presign-options.js";
import { type PresignedPost, presignPost } from "../objects/presign-post.js";
import type { PresignPostOptions } from "../objects/presign-post-options.js";
import { type PutBody, put } from "../objects/put.js";
import { respond } from "../objects/respond.js";
import type { RespondOptions } from "../objects/respond-options.js";
import { getTags, setTags, type TagOptions } from "../objects/tags.js";
import { fullKey, joinPrefix, prefixArguments } from "../prefix/keys.js";
import type { DirTransferResult } from "../transfers/dir-transfer-result.js";
import type { DownloadResult } from "../transfers/download.js";
import type { DownloadDirOptions } from "../transfers/download-dir-options.js";
import type { DownloadOptions } from "../transfers/download-options.js";
import { fileFeatures } from "../transfers/file-features.js";
import type { ObjectInfo } from "../transfers/head-object.js";
import { type OpenResult, open } from "../transfers/open.js";
import type { OpenOptions, StreamOptions } from "../transfers/resolve-stream-options.js";
import type { UploadSource } from "../transfers/sources/open-source.js";
import { stream } from "../transfers/stream.js";
import { upload } from "../transfers/upload.js";
import type { UploadDirOptions } from "../transfers/upload-dir-options.js";
import type { UploadOptions } from "../transfers/upload-options.js";
import type { Bucket } from "./bucket.js";
import type { Prefix, PrefixOptions } from "./prefix.js";

/** `key`'s full key under `scope`; a function, not a private method, so that Proxies work. */
function keyIn(scope: Scope, key: string, operation: string): string {
  return fullKey(scope.path, key, operation, scope.bucketName);
}

/**
 * A bucket plus a key prefix: every object operation of s3kit. `Bucket` is the scope with the
 * empty prefix, `Prefix` one with a prefix ending in "/"; both are this class. Keys given to
 * its methods are relative to `path`; results carry the full `key` and the relative `name`.
 */
export abstract class Scope implements AsyncIterable<ObjectSummary> {
  /** @internal The S3 instance's client, retry policy and logger. */
  readonly context: ClientContext;
  /** The bucket's name. */
  readonly bucketName: string;
  /** The full key prefix: "" for a Bucket, otherwise ending in "/". */
  readonly path: string;
  /** Write defaults applied under this scope. */
  readonly defaults: ScopeDefaults;
  /** The Bucket this scope belongs to (itself for a Bucket). */
  abstract readonly bucket: Bucket;

  /** @internal Only `Bucket` and `Prefix` construct a scope. */
  constructor(context: ClientContext, bucketName: string, path: string, defaults: ScopeDefaults) {
    this.context = context;
    this.bucketName = bucketName;
    this.path = path;
    this.defaults = defaults;
  }

  /**
   * A Prefix below this scope: segments lose their own slashes and join with "/", so
   * `prefix("logs").prefix("2025")` is `prefix("logs/2025")`; a last `{ defaults }` adds defaults.
   * @throws ValidationError for no segment, or one that is empty, ".", "..", or not a string.
   */
  prefix(...segments: string[]): Prefix;
  prefix(...args: [...segments: string[], options: PrefixOptions]): Prefix;
  prefix(...args: Array<string | PrefixOptions>): Prefix {
    const { segments, options } = prefixArguments<PrefixOptions>(args);
    const path = joinPrefix(this.path, segments);
    return this.bucket.scopeAt(path, mergeDefaults(this.defaults, options?.defaults));
  }

  /** "s3://bucket/path" of this scope. */
  toString(): string {
    return `s3://${this.bucketName}/${this.path}`;
  }

  /**
   * Writes a string, bytes, Blob, Readable or web ReadableStream (in parts when large), or a
   * plain object or array as JSON; returns the full key, ETag and version id. README,
   * "Objects" (Content-Type rules) and "Lost responses" (a lost answer is reconciled).
   * @throws ValidationError for a bad key, body or option (a locked, used or failed stream
   * too); PreconditionFailedError (ifNoneMatch, ifMatch); BucketNotFoundError,
   * AccessDeniedError, S3OperationError ("InvalidResponse", "Aborted").
   */
  async put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult> {
    return put(this, keyIn(this, key, "put"), body, withSignal(options, "put"));
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
   * Deletes an object; deleting a missing key succeeds.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async delete(key: string, options?: DeleteOptions): Promise<void> {
    return deleteObject(this, keyIn(this, key, "delete"), withSignal(options, "delete"));
  }

  /**
   * Iterates the objects under this scope page by page; `recursive: false` for this folder only.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError while iterating.
   */
  iterList(options?: ListOptions): AsyncIterable<ObjectSummary> {
    return iterList(this, withSignal(options, "list"));
  }

  /** Collects `iterList(options)` into an array; mind `limit` for large scopes. */
  async list(options?: ListOptions): Promise<ObjectSummary[]> {
    const objects: ObjectSummary[] = [];
    for await (const object of this.iterList(options)) objects.push(object);
    return objects;
  }

  /** `for await (const obj of scope)` lists every object under the scope. */
  [Symbol.asyncIterator](): AsyncIterator<ObjectSummary> {
    return iterList(this)[Symbol.asyncIterator]();
  }

  /** The folders one level below (common prefixes), as Prefix handles inheriting defaults. */
  folders(options?: FolderOptions): AsyncIterable<Prefix> {
    return this.bucket.scopesAt(folders(this, withSignal(options, "folders")), this.defaults);
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
   * Uploads a file (by path), bytes, a Blob or a stream (Node or web), in parts above
   * `partSize`; a failure or abort leaves no parts and no object (README, "Transfers" and
   * "Lost responses").
   * @throws ValidationError (bad key or option; a stream that is locked, destroyed, failed,
   * cancelled or already read from), PreconditionFailedError (ifNoneMatch), S3OperationError
   * (code "Aborted" on abort; "SourceSizeChanged" or "SourceChanged" when the file changed;
   * "TooLarge" for a stream longer than 10,000 parts; "InvalidResponse" for a success answer
   * that is no S3 answer).
   */
  async upload(source: UploadSource, key: string, options?: UploadOptions): Promise<PutResult> {
    return upload(this, source, keyIn(this, key, "upload"), withSignal(options, "upload"));
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

  /**
   * Uploads every file below a local directory (keys: relative paths with "/") through one
   * pool. Failures are reported per file; an abort (S3OperationError "Aborted") is thrown.
   */
  async uploadDir(dir: string, options?: UploadDirOptions): Promise<DirTransferResult> {
    return fileFeatures.uploadDir(this, dir, withSignal(options, "uploadDir"));
  }

  /**
   * Downloads every object under this scope into a local directory through one pool; keys
   * landing outside `dir` fail per key (README, "Transfers"). An abort or failed listing throws.
   */
  async downloadDir(dir: string, options?: DownloadDirOptions): Promise<DirTransferResult> {
    return fileFeatures.downloadDir(this, dir, withSignal(options, "downloadDir"));
  }

  /**
   * Deletes many keys (any iterable or async iterable) in batches of 1000; per-key failures
   * are retried when transient and reported in `failed`, not thrown.
   * @throws ValidationError for an array holding invalid keys, before any request.
   */
  async deleteMany(
    keys: Iterable<string> | AsyncIterable<string>,
    options?: DeleteManyOptions,
  ): Promise<DeleteResult> {
    return deleteMany(this, keys, withSignal(options, "deleteMany"));
  }

  /**
   * Deletes every object under this scope: the streamed listing fed to deleteMany. The result
   * comes once the listing has ended, and then accounts for every key.
   * @throws the listing's error; S3OperationError "PaginationStalled" (saying how many keys
   * were deleted and failed) when a store keeps listing keys that cannot be deleted.
   */
  async deleteAll(options?: DeleteManyOptions): Promise<DeleteResult> {
    return deleteAll(this, withSignal(options, "deleteAll"));
  }

  /**
   * Copies `src` to `dest` (relative to this scope; with `destBucket`, to this path there),
   * keeping type, metadata and tags unless replaced (README, "Batch delete and copy").
   * @throws ObjectNotFoundError, BucketNotFoundError, PreconditionFailedError, S3OperationError.
   */
  async copy(src: string, dest: string, options?: CopyOptions): Promise<CopyObjectResult> {
    const keys = copyKeys(this, src, dest, options?.destBucket, "copy");
    return copy(this, keys, withSignal(options, "copy"));
  }

  /**
   * Copies many `[src, dest]` pairs through a pool; failures are collected, not thrown, and
   * `failedPairs()` returns them in input order and shape, ready to pass back.
   */
  async copyMany<P extends CopyPair>(
    pairs: Iterable<P> | AsyncIterable<P>,
    options?: CopyManyOptions,
  ): Promise<CopyResult<P>> {
    return copyMany(this, pairs, withSignal(options, "copyMany"));
  }

  /**
   * Copies `src` to `dest`, then deletes `src` if it is still the object copied (If-Match);
   * nothing is deleted when the copy fails (README, "Batch delete and copy").
   * @throws like `copy`; ValidationError when src and dest are the same object.
   */
  async move(src: string, dest: string, options?: CopyOptions): Promise<CopyObjectResult> {
    const keys = copyKeys(this, src, dest, options?.destBucket, "move");
    return move(this, keys, withSignal(options, "move"));
  }

  /**
   * Replaces the object's tags; `setTags(key, {})` removes them all (by DeleteObjectTagging,
   * or on a store without it, answering 501 or 405, by PutObjectTagging of an empty tag set).
   * @throws ValidationError for more than 10 tags, over-long keys or values, or characters S3
   * refuses (allowed: letters, numbers and spaces of any script, and + - = . _ : / @).
   */
  async setTags(key: string, tags: Tags, options?: TagOptions): Promise<void> {
    return setTags(this, keyIn(this, key, "setTags"), tags, withSignal(options, "setTags"));
  }

  /** The object's tags as a plain object. */
  async getTags(key: string, options?: TagOptions): Promise<Tags> {
    return getTags(this, keyIn(this, key, "getTags"), withSignal(options, "getTags"));
  }

  /**
   * A presigned URL for GET (default) or PUT, valid for `expiresIn` seconds (1 … 604800,
   * default 3600). Signing is local: no request is sent.
   * @throws ValidationError for an expiry out of range or a bad key.
   */
  async presign(key: string, options?: PresignOptions): Promise<string> {
    return presign(this, keyIn(this, key, "presign"), withSignal(options, "presign"));
  }

  /** A presigned POST form (`{ url, fields }`) for browser uploads, with size and type conditions. */
  async presignPost(key: string, options?: PresignPostOptions): Promise<PresignedPost> {
    return presignPost(this, key, withSignal(options, "presignPost"));
  }

  /** Lists and aborts the incomplete multipart uploads under this scope (`olderThan` to spare recent ones). */
  async abortUploads(options?: AbortUploadsOptions): Promise<AbortUploadsResult> {
    return abortUploads(this, withSignal(options, "abortUploads"));
  }
}
