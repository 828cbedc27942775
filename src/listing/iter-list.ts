import { booleanOption } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { fullKey } from "../prefix/keys.js";
import type { ObjectSummary } from "./object-summary.js";
import { resolvePaging, type WalkSettings, walk } from "./walk.js";

/** Options of `iterList()` and `list()`. */
export interface ListOptions {
  /** Only keys after this one (relative to the scope, like every key), in S3's UTF-8 byte order. */
  startAfter?: string;
  /** Stop after this many objects; the last page asks for no more than it needs. */
  limit?: number;
  /**
   * false: only the objects directly in this folder, none in its subfolders.
   * @default true
   */
  recursive?: boolean;
  /**
   * Keys per ListObjectsV2 request (MaxKeys), 1 … 1000.
   * @default 1000
   */
  pageSize?: number;
  /**
   * Cancels the listing: the iteration (or `list()`'s promise) then rejects with
   * S3OperationError, code "Aborted".
   */
  signal?: AbortSignal;
}

/** `iterList`'s options checked, with their defaults, as the walk of the listing. */
export function resolveListOptions(scope: ScopeRef, options: ListOptions): WalkSettings {
  const operation = "list";
  const paging = resolvePaging(options, operation);
  booleanOption(options.recursive, "recursive", operation);
  // An empty startAfter is the same as none: every key comes after "".
  const startAfter =
    options.startAfter === undefined || options.startAfter === ""
      ? undefined
      : fullKey(scope.path, options.startAfter, `${operation} startAfter`, scope.bucketName);
  return {
    delimiter: options.recursive === false ? "/" : undefined,
    startAfter,
    ...paging,
    signal: options.signal,
  };
}

/**
 * Iterates the objects under a scope, page by page (constant memory): recursively, or with
 * `recursive: false` only those directly in the folder. Keys are listed with
 * `EncodingType: "url"` (so keys holding characters XML cannot carry survive) and decoded;
 * a key outside the scope (from a store that ignores Prefix) is never yielded. Options are
 * checked at the call; nothing is requested until iteration starts.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError (also for an abort; "PaginationStalled" for a listing
 * that does not move on: a page that repeats an earlier one, or 10,000 truncated pages in a row
 * that bring nothing new).
 */
export function iterList(
  scope: ScopeRef,
  options: ListOptions = {},
): AsyncGenerator<ObjectSummary, void, undefined> {
  return walk(scope, resolveListOptions(scope, options), (page) => page.objects);
}
