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
import { mergeDefaults } from "../common/defaults.js";
import { keyIn } from "../common/scope-ref.js";
import { withSignal } from "../common/signal.js";
import type { Tags } from "../common/tags.js";
import type { PutOptions, PutResult } from "../common/write-params.js";
import { type EntryOptions, entries } from "../listing/entries.js";
import { type FolderOptions, folders } from "../listing/folders.js";
import { iterList, type ListOptions } from "../listing/iter-list.js";
import {
  iterVersions,
  type VersionSummary,
  type VersionsOptions,
} from "../listing/iter-versions.js";
import type { ObjectSummary } from "../listing/object-summary.js";
import { copy } from "../objects/copy.js";
import type { CopyOptions } from "../objects/copy-options.js";
import { type CopyObjectResult, copyKeys } from "../objects/copy-plan.js";
import { type DeleteOptions, deleteObject } from "../objects/delete.js";
import { move } from "../objects/move.js";
import { presign } from "../objects/presign.js";
import type { PresignOptions } from "../objects/presign-options.js";
import { type PresignedPost, presignPost } from "../objects/presign-post.js";
import type { PresignPostOptions } from "../objects/presign-post-options.js";
import { type PutBody, put } from "../objects/put.js";
import { type RestoreOptions, type RestoreResult, restore } from "../objects/restore.js";
import { getTags, setTags, type TagOptions } from "../objects/tags.js";
import { joinPrefix, prefixArguments } from "../prefix/keys.js";
import type { DirTransferResult } from "../transfers/dir-transfer-result.js";
import type { DownloadDirOptions } from "../transfers/download-dir-options.js";
import { fileFeatures } from "../transfers/file-features.js";
import type { UploadSource } from "../transfers/sources/open-source.js";
import { upload } from "../transfers/upload.js";
import type { UploadDirOptions } from "../transfers/upload-dir-options.js";
import type { UploadOptions } from "../transfers/upload-options.js";
import type { Bucket } from "./bucket.js";
import type { Prefix, PrefixOptions } from "./prefix.js";
import { ReadScope } from "./read-scope.js";

/** A subfolder as `entries()` lists it. */
export interface FolderEntry {
  /** Tells a folder from an object. */
  type: "folder";
  /** The folder's last segment: "2025" for "logs/2025/". */
  name: string;
  /** The folder as a Prefix handle, inheriting the scope's defaults. */
  prefix: Prefix;
}

/** An object as `entries()` lists it. */
export interface ObjectEntry {
  /** Tells an object from a folder. */
  type: "object";
  /** The object's name relative to the scope (its `object.name`). */
  name: string;
  /** What the listing says of the object. */
  object: ObjectSummary;
}

/** One entry of a folder as `entries()` lists it: switch on `type` to narrow it. */
export type Entry = FolderEntry | ObjectEntry;

/**
 * A bucket plus a key prefix: every object operation of s3kit. `Bucket` is the scope with the
 * empty prefix, `Prefix` one with a prefix ending in "/"; both are this class (its reads are
 * declared on `ReadScope`). Keys given to its methods are relative to `path`; results carry
 * the full `key` and the relative `name`.
 */
export abstract class Scope extends ReadScope implements AsyncIterable<ObjectSummary> {
  /** The Bucket this scope belongs to (itself for a Bucket). */
  abstract readonly bucket: Bucket;

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

  /**
   * Iterates the versions and delete markers under this scope, or of one `key`: keys in S3's
   * order, each key's newest first, one page in memory at a time (README, "Versions").
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError while iterating.
   */
  versions(options?: VersionsOptions): AsyncIterable<VersionSummary> {
    return iterVersions(this, withSignal(options, "versions"));
  }

  /**
   * Brings an object back in a versioned bucket: without `versionId` removes the delete
   * markers on top of its newest version (undelete); with one, copies that version onto the
   * key as the latest, headers, metadata and tags included (README, "Versions").
   * @throws ObjectNotFoundError when there is nothing to restore; PreconditionFailedError when
   * a new version appeared meanwhile; BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async restore(key: string, options?: RestoreOptions): Promise<RestoreResult> {
    return restore(this, keyIn(this, key, "restore"), withSignal(options, "restore"));
  }

  /** The folders one level below (common prefixes), as Prefix handles inheriting defaults. */
  folders(options?: FolderOptions): AsyncIterable<Prefix> {
    return this.bucket.scopesAt(folders(this, withSignal(options, "folders")), this.defaults);
  }

  /**
   * One level below this scope, folders and objects together in key order, from one
   * "/"-delimited listing: what a file browser shows (README, "One listing for a file browser").
   * Switch on `entry.type`: "folder" carries a Prefix handle, "object" an ObjectSummary.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError while iterating.
   */
  entries(options?: EntryOptions): AsyncIterable<Entry> {
    const checked = withSignal(options ?? {}, "entries");
    return entries(this, checked, (path) => this.bucket.scopeAt(path, this.defaults));
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
  async move(
    src: string,
    dest: string,
    options?: Omit<CopyOptions, "sourceVersionId">,
  ): Promise<CopyObjectResult> {
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
