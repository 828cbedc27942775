import { booleanOption, functionOption } from "../common/checks.js";
import { globPattern } from "../common/glob-pattern.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey } from "../prefix/keys.js";
import type { ObjectSummary } from "./object-summary.js";
import { resolvePaging, type WalkSettings, walk } from "./walk.js";

/** Options of `iterList()` and `list()`. */
export interface ListOptions {
  /** Only keys after this one (relative to the scope, like every key), in S3's UTF-8 byte order. */
  startAfter?: string;
  /** Stop after this many objects (those that pass `glob` and `match`); the last page asks for no more than it needs. */
  limit?: number;
  /**
   * false: only the objects directly in this folder, none in its subfolders.
   * @default true
   */
  recursive?: boolean;
  /**
   * Only objects whose name (relative to the scope) matches this glob: `*` any characters
   * within a segment, `**` as a whole segment any number of segments, `?` one character,
   * `[abc]` `[a-z]` `[!abc]` classes, `\` escaping the next character; never "/" but where
   * written or through `**`. Its literal start narrows the listing ("2025/**\/*.json" lists
   * only under "2025/"), and a glob without "/" or `**` lists one level (README, "Listing").
   * @default undefined (every object)
   */
  glob?: string;
  /**
   * Only objects for which this returns true, given their name relative to the scope and
   * their summary; applied as the pages stream in. With `glob`, both must pass.
   * @default undefined (every object)
   */
  match?: (name: string, object: ObjectSummary) => boolean;
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

/** A checked `startAfter` option as a full key; none for undefined or "" (all keys follow ""). */
export function startAfterOption(
  scope: ScopeRef,
  startAfter: string | undefined,
  operation: string,
): string | undefined {
  return startAfter === undefined || startAfter === ""
    ? undefined
    : fullKey(scope.path, startAfter, `${operation} startAfter`, scope.bucketName);
}

/**
 * The `glob` and `match` options as the walk's filter and narrowing, checked; a glob that
 * can only match deeper names with `recursive: false` would find nothing and is refused.
 */
function filterOptions(scope: ScopeRef, options: ListOptions, operation: string) {
  const glob = options.glob === undefined ? undefined : globPattern(options.glob, operation);
  const test = functionOption<NonNullable<ListOptions["match"]>>(options.match, "match", operation);
  if (glob?.deep && options.recursive === false) {
    throw new ValidationError(
      `${operation}: glob ${JSON.stringify(options.glob)} matches names in subfolders, which recursive: false never lists`,
      { operation },
    );
  }
  const { regex } = glob ?? {};
  const match =
    glob === undefined && test === undefined
      ? undefined
      : (object: ObjectSummary) =>
          (regex?.test(object.name) ?? true) && (test === undefined || !!test(object.name, object));
  const listPrefix = glob?.literal ? scope.path + glob.literal : undefined;
  return { match, listPrefix, oneLevel: glob !== undefined && !glob.deep };
}

/** `iterList`'s options checked, with their defaults, as the walk of the listing. */
export function resolveListOptions(scope: ScopeRef, options: ListOptions): WalkSettings {
  const operation = "list";
  const paging = resolvePaging(options, operation);
  booleanOption(options.recursive, "recursive", operation);
  const { oneLevel, ...filter } = filterOptions(scope, options, operation);
  return {
    delimiter: options.recursive === false || oneLevel ? "/" : undefined,
    startAfter: startAfterOption(scope, options.startAfter, operation),
    ...paging,
    ...filter,
    signal: options.signal,
  };
}

/**
 * Iterates the objects under a scope, page by page (constant memory): recursively, or with
 * `recursive: false` only those directly in the folder; with `glob` or `match` only those
 * they keep. Keys are listed with `EncodingType: "url"` (so keys holding characters XML
 * cannot carry survive) and decoded; a key outside the scope (from a store that ignores
 * Prefix) is never yielded. Options are checked at the call; nothing is requested until
 * iteration starts.
 * @throws ValidationError at the call for a bad option (a bad glob, a match that is no
 * function); while iterating BucketNotFoundError, AccessDeniedError, S3OperationError (also
 * for an abort; "PaginationStalled" for a listing that does not move on: a page that repeats
 * an earlier one, or 10,000 truncated pages in a row that bring nothing new), and whatever
 * `match` throws.
 */
export function iterList(
  scope: ScopeRef,
  options: ListOptions = {},
): AsyncGenerator<ObjectSummary, void, undefined> {
  return walk(scope, resolveListOptions(scope, options), (page) => page.objects);
}
