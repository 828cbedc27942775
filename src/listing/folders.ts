import type { ScopeRef } from "../common/scope-ref.js";
import { resolvePaging, type WalkSettings, walk } from "./walk.js";

/** Options of `folders()`. */
export interface FolderOptions {
  /** Stop after this many folders. */
  limit?: number;
  /**
   * Entries per ListObjectsV2 request (MaxKeys, folders and objects together), 1 … 1000.
   * @default 1000
   */
  pageSize?: number;
  /** Cancels the listing: the iteration then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** `folders`' options checked, with their defaults, as the walk of the listing. */
export function resolveFolderOptions(options: FolderOptions): WalkSettings {
  return {
    delimiter: "/",
    startAfter: undefined,
    ...resolvePaging(options, "folders"),
    signal: options.signal,
  };
}

/**
 * Iterates the folders one level below a scope (the common prefixes of a "/"-delimited
 * listing) as full paths ending in "/"; the façade turns them into Prefix handles. Objects directly in the scope
 * are skipped. A folder a store repeats at the top of the next page (a page that ended
 * inside it) is yielded once.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError ("PaginationStalled" as for `listObjects`: after 10,000
 * truncated pages in a row that bring nothing new, e.g. the same folder repeated).
 */
export function folders(
  scope: ScopeRef,
  options: FolderOptions = {},
): AsyncGenerator<string, void, undefined> {
  return walk(scope, resolveFolderOptions(options), (page) => page.prefixes);
}
