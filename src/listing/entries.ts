import type { ScopeRef } from "../common/scope-ref.js";
import { relativeName } from "../prefix/keys.js";
import { startAfterOption } from "./iter-list.js";
import type { ObjectSummary } from "./object-summary.js";
import { type Page, resolvePaging, walk } from "./walk.js";

/** Options of `entries()`. */
export interface EntryOptions {
  /** Only entries after this key or folder (relative to the scope), in S3's UTF-8 byte order. */
  startAfter?: string;
  /** Stop after this many entries, folders and objects together. */
  limit?: number;
  /**
   * Entries per ListObjectsV2 request (MaxKeys, folders and objects together), 1 … 1000.
   * @default 1000
   */
  pageSize?: number;
  /** Cancels the listing: the iteration then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** One entry of a folder, its folder as the façade's handle `F` (the public `Entry`). */
export type LevelEntry<F> =
  | { type: "folder"; name: string; prefix: F }
  | { type: "object"; name: string; object: ObjectSummary };

/** A folder's full path or an object, before its handle is made. */
type Listed = { type: "folder"; path: string } | { type: "object"; object: ObjectSummary };

/**
 * A UTF-16 code unit mapped so that comparing them orders strings by code point, the order
 * of their UTF-8 bytes (S3's): surrogates (U+D800…U+DFFF, halves of code points above
 * U+FFFF) go after U+E000…U+FFFF, which JavaScript's own comparison puts after them.
 */
const ranked = (unit: number) =>
  unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800;

/** Orders two keys as S3 lists them: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const difference = ranked(a.charCodeAt(index)) - ranked(b.charCodeAt(index));
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** The key an entry sorts by: a folder's path, an object's key. */
const keyOf = (entry: Listed) => (entry.type === "folder" ? entry.path : entry.object.key);

/**
 * A page's folders and objects as one list in key order (each list comes sorted by S3), the
 * folders as `handle` makes them.
 */
function levelOf<F>(page: Page, scope: ScopeRef, handle: (path: string) => F): LevelEntry<F>[] {
  const folders = page.prefixes.map((path): Listed => ({ type: "folder", path }));
  const objects = page.objects.map((object): Listed => ({ type: "object", object }));
  return [...folders, ...objects]
    .sort((a, b) => compareKeys(keyOf(a), keyOf(b)))
    .map((entry) => {
      if (entry.type === "object") return { ...entry, name: entry.object.name };
      const name = relativeName(scope.path, entry.path).slice(0, -1);
      return { type: "folder", name, prefix: handle(entry.path) };
    });
}

/**
 * Iterates one level below a scope, folders and objects together, from one "/"-delimited
 * listing (the one paginator, as `folders()` and `iterList()`), in the store's key order, each
 * folder as `handle` makes it of its full path (the façade's Prefix). A folder a store
 * repeats at the top of the next page is yielded once.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError ("PaginationStalled" as for `iterList`).
 */
export function entries<F>(
  scope: ScopeRef,
  options: EntryOptions,
  handle: (path: string) => F,
): AsyncGenerator<LevelEntry<F>, void, undefined> {
  const operation = "entries";
  const settings = {
    delimiter: "/" as const,
    startAfter: startAfterOption(scope, options.startAfter, operation),
    ...resolvePaging(options, operation),
    signal: options.signal,
  };
  return walk(scope, settings, (page) => levelOf(page, scope, handle));
}
