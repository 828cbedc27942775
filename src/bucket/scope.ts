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
import { getTags, setTags, type TagOptions } from "../objects/tags.js";
import { fullKey, joinPrefix, prefixArguments } from "../prefix/keys.js";
import type { DirTransferResult } from "../transfers/dir-transfer-result.js";
import { type DownloadResult, download } from "../transfers/download.js";
import { downloadDir } from "../transfers/download-dir.js";
import type { DownloadDirOptions } from "../transfers/download-dir-options.js";
import type { DownloadOptions } from "../transfers/download-options.js";
import type { ObjectInfo } from "../transfers/head-object.js";
import type { StreamOptions } from "../transfers/resolve-stream-options.js";
import type { UploadSource } from "../transfers/sources/open-source.js";
import { stream } from "../transfers/stream.js";
import { upload } from "../transfers/upload.js";
import { uploadDir } from "../transfers/upload-dir.js";
import type { UploadDirOptions } from "../transfers/upload-dir-options.js";
import type { UploadOptions } from "../transfers/upload-options.js";
import type { Bucket } from "./bucket.js";
import type { Prefix, PrefixOptions } from "./prefix.js";

/** `key`'s full key under `scope`, checked once here; not a private method, so that a handle
 * behind a Proxy (a reactive store, a tracer) works like the handle itself. */
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
   * A Prefix below this scope. Segments are joined with "/" after stripping their own leading
   * and trailing slashes, so `prefix("logs").prefix("2025")` equals `prefix("logs/2025")`.
   * A last argument `{ defaults }` sets write defaults for the new prefix.
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
   * Writes an object. The body may be a string, bytes (Uint8Array, Buffer, ArrayBuffer), a
   * Blob, a Readable or web ReadableStream (uploaded in parts when large), or a plain object
   * or array (stored as JSON). The Content-Type, unless given, follows the body and the key's
   * extension. Returns the full key, ETag and version id.
   * A lost response is reconciled (README, "Lost responses"): when the PutObject may have been
   * carried out unseen, the put succeeds if the object at the key is the one these bytes make.
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

  /**
   * Reads a whole object as UTF-8 text, at most 536,870,888 bytes (the longest string V8
   * holds). Throws like `getBytes`.
   */
  async getText(key: string, options?: GetOptions): Promise<string> {
    return getText(this, keyIn(this, key, "getText"), withSignal(options, "getText"));
  }

  /**
   * Reads a whole object and parses it as JSON. The type parameter is not checked at runtime.
   * @throws S3OperationError with code "InvalidJson" naming the key when the body is not
   * JSON; otherwise like `getBytes`.
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
   * Deletes an object. Deleting a missing key succeeds.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async delete(key: string, options?: DeleteOptions): Promise<void> {
    return deleteObject(this, keyIn(this, key, "delete"), withSignal(options, "delete"));
  }

  /**
   * Iterates the objects under this scope page by page (constant memory). Recursive by
   * default; `recursive: false` lists only the objects directly in this folder.
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

  /**
   * Iterates the folders one level below this scope (S3 common prefixes), as Prefix handles
   * that inherit this scope's defaults.
   */
  folders(options?: FolderOptions): AsyncIterable<Prefix> {
    return this.bucket.scopesAt(folders(this, withSignal(options, "folders")), this.defaults);
  }

  /**
   * Opens the object as a Node Readable; a missing object fails at the await. A transient
   * failure mid-body resumes from the last byte received, pinned to the object's ETag: an
   * object that changed meanwhile fails with PreconditionFailedError, never spliced.
   * @throws ObjectNotFoundError, BucketNotFoundError, AccessDeniedError, S3OperationError;
   * the stream emits PreconditionFailedError or S3OperationError when a resume fails.
   */
  async stream(key: string, options?: StreamOptions): Promise<Readable> {
    return stream(this, keyIn(this, key, "stream"), withSignal(options, "stream"));
  }

  /**
   * Iterates the object's text lines ("\n" or "\r\n" endings removed), streaming and resuming
   * like `stream()`. Breaking out of the loop releases the connection.
   */
  lines(key: string, options?: LinesOptions): AsyncIterable<string> {
    return lines(this, keyIn(this, key, "lines"), withSignal(options, "lines"));
  }

  /**
   * Uploads a local file (by path), a Readable or bytes; in parts above `partSize`, several
   * at once. On failure or abort the multipart upload is aborted: no parts stay behind and no
   * object appears; an abort once the commit was sent comes too late (`abortGrace`). Lost
   * responses are reconciled (README, "Lost responses"). A file must not change while read.
   * @throws ValidationError (bad key or option; a stream that is locked, destroyed, failed,
   * cancelled or already read from), PreconditionFailedError (ifNoneMatch), S3OperationError
   * (code "Aborted" on abort; "SourceSizeChanged" or "SourceChanged" when the file changed;
   * "InvalidResponse" for a success answer that is no S3 answer).
   */
  async upload(source: UploadSource, key: string, options?: UploadOptions): Promise<PutResult> {
    return upload(this, source, keyIn(this, key, "upload"), withSignal(options, "upload"));
  }

  /**
   * Downloads an object to a local file, in parallel ranged parts pinned to one ETag for large
   * objects. Writes a temp file beside `path` and renames it on success, so `path` never holds
   * a partial file; creates missing directories.
   * @throws ObjectNotFoundError, PreconditionFailedError (object changed), S3OperationError
   * ("InvalidResponse" when the store announces a size above S3's 50 TB, before any file).
   */
  async download(key: string, path: string, options?: DownloadOptions): Promise<DownloadResult> {
    return download(this, keyIn(this, key, "download"), path, withSignal(options, "download"));
  }

  /**
   * Uploads every file below a local directory through one concurrency pool, keys being the
   * relative paths with "/". Failures are reported per file, not thrown; an abort
   * (S3OperationError "Aborted") is.
   */
  async uploadDir(dir: string, options?: UploadDirOptions): Promise<DirTransferResult> {
    return uploadDir(this, dir, withSignal(options, "uploadDir"));
  }

  /**
   * Downloads every object under this scope into a local directory through one pool. Keys
   * that would land outside `dir`, or end in "/" but hold bytes, fail with a ValidationError;
   * zero-byte folder markers count as `skipped`. An abort or a failed listing is thrown.
   */
  async downloadDir(dir: string, options?: DownloadDirOptions): Promise<DirTransferResult> {
    return downloadDir(this, dir, withSignal(options, "downloadDir"));
  }

  /**
   * Deletes many keys (an array or any iterable or async iterable) in DeleteObjects batches of
   * 1000, several at once. Per-key failures are retried when transient and reported in
   * `failed`; nothing is thrown for them.
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
   * Copies `src` to `dest`, both relative to this scope (with `destBucket`, `dest` is relative
   * to this scope's path in that bucket). Content-Type, metadata and tags follow the source
   * unless replaced; above `copyThreshold` the copy runs as a multipart UploadPartCopy.
   * Lost responses are reconciled like upload's (README, "Lost responses").
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
   * Copies `src` to `dest`, then deletes `src` if it is still the object copied (If-Match on
   * its ETag). Nothing is deleted when the copy fails. In a versioned bucket the delete leaves
   * a delete marker: the source's version is kept, never destroyed. A lost delete answer
   * completes the move once a HeadObject confirms the source is gone.
   * @throws like `copy`; ValidationError when src and dest are the same object.
   */
  async move(src: string, dest: string, options?: CopyOptions): Promise<CopyObjectResult> {
    const keys = copyKeys(this, src, dest, options?.destBucket, "move");
    return move(this, keys, withSignal(options, "move"));
  }

  /**
   * Replaces the object's tags; `setTags(key, {})` removes them all.
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
