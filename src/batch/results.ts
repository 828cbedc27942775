import type { S3Error } from "../errors/s3-error.js";

/** One key that `deleteMany` / `deleteAll` could not delete. */
export interface DeleteFailure {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that deleted it. */
  name: string;
  /** S3's error code for that key ("AccessDenied", "InternalError", …), or "ValidationError". */
  code: string;
  /** S3's message for that key (its code when it sent none), or why the key was refused. */
  message: string;
}

/**
 * What `deleteMany` and `deleteAll` report. Per-key and per-batch failures land in `failed`
 * instead of being thrown, so one bad batch never hides the keys other batches deleted.
 */
export interface DeleteResult {
  /** Full keys deleted (missing keys count as deleted, as S3 says), in completion order. */
  deleted: string[];
  /** Keys not deleted: refused ones, per-key errors, and every key of a batch whose request failed. */
  failed: DeleteFailure[];
  /** True when nothing failed. */
  ok: boolean;
}

/** One pair that `copyMany` could not copy. */
export interface CopyFailure<P> {
  /** The pair's source key, relative to the scope. */
  src: string;
  /** The pair's destination key, relative to the scope. */
  dest: string;
  /** The pair exactly as the caller passed it. */
  pair: P;
  /**
   * Why it failed: the copy's error (after the SDK's retries), or a ValidationError for an
   * invalid pair of an iterable that is not an array.
   */
  error: S3Error;
}

/** What `copyMany` reports; failures are collected, never thrown. */
export interface CopyResult<P> {
  /** How many pairs were copied (a count, so that huge inputs run in constant memory). */
  copied: number;
  /** The failed pairs in input order. */
  failed: CopyFailure<P>[];
  /** True when nothing failed. */
  ok: boolean;
  /** The failed pairs in input order, as the very values passed in: ready for another `copyMany`. */
  failedPairs(): P[];
}
