import type { Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey, relativeName } from "../prefix/keys.js";
import { decodeKey } from "./decode-key.js";
import { type ListedVersion, listVersions } from "./list-versions.js";
import { compareKeys } from "./version-order.js";
import { resolvePaging } from "./walk.js";

/** Options of `versions()`. */
export interface VersionsOptions {
  /**
   * Only the versions and delete markers of this one key (relative to the scope); unset, those
   * of every key under the scope. Cannot be combined with `startAfter`.
   */
  key?: string;
  /** Only keys after this one (relative to the scope), in S3's UTF-8 byte order. */
  startAfter?: string;
  /** Stop after this many entries; the last page asks for no more than it needs. */
  limit?: number;
  /**
   * Entries per ListObjectVersions request (MaxKeys), 1 … 1000.
   * @default 1000
   */
  pageSize?: number;
  /** Cancels the listing: the iteration then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** One version or delete marker of an object, as `versions()` yields it. */
export interface VersionSummary {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that listed it. */
  name: string;
  /** The version's id ("null" for one stored while the bucket was unversioned). */
  versionId: string;
  /** Whether this is the key's current entry (a delete marker, when the key reads as deleted). */
  isLatest: boolean;
  /** A delete marker: no bytes, `size` 0, no ETag; the key reads as missing while it is latest. */
  isDeleteMarker: boolean;
  /** Size in bytes (0 for a delete marker). */
  size: number;
  /** The ETag as S3 sends it, quotes included; undefined for a delete marker. */
  etag: string | undefined;
  /** When this version (or marker) was made, as S3 reports it. */
  lastModified: Date | undefined;
  /** Its storage class, e.g. "STANDARD"; undefined for a delete marker and on some stores. */
  storageClass: string | undefined;
}

/** @internal A `versions()` listing, checked: where it starts and what it yields. */
interface VersionsPlan {
  /** The one full key listed, or undefined for every key under the scope. */
  only: string | undefined;
  startAfter: string | undefined;
  limit: number;
  pageSize: number;
  signal: AbortSignal | undefined;
}

function resolveVersionsOptions(scope: ScopeRef, options: VersionsOptions): VersionsPlan {
  const operation = "versions";
  const paging = resolvePaging(options, operation);
  if (options.key !== undefined && options.startAfter !== undefined) {
    throw new ValidationError(`${operation}: key and startAfter cannot be combined`, {
      operation,
    });
  }
  const only =
    options.key === undefined
      ? undefined
      : fullKey(scope.path, options.key, `${operation} key`, scope.bucketName);
  // An empty startAfter is the same as none: every key comes after "".
  const startAfter =
    options.startAfter === undefined || options.startAfter === ""
      ? undefined
      : fullKey(scope.path, options.startAfter, `${operation} startAfter`, scope.bucketName);
  return { only, startAfter, ...paging, signal: options.signal };
}

function summaryOf(scope: ScopeRef, version: ListedVersion, target: Target): VersionSummary {
  // A key the store said it encoded but did not: fails the listing, as `list()` does.
  const key = version.undecodable ? decodeKey(version.Key, target) : version.Key;
  const { entry } = version;
  const object = version.deleteMarker ? {} : (entry as { Size?: number; ETag?: string });
  return {
    key,
    name: relativeName(scope.path, key),
    versionId: version.VersionId ?? "null",
    isLatest: entry.IsLatest === true,
    isDeleteMarker: version.deleteMarker,
    size: object.Size ?? 0,
    etag: object.ETag,
    lastModified: entry.LastModified,
    storageClass: (entry as { StorageClass?: string }).StorageClass,
  };
}

/**
 * The versions and delete markers under the scope (or of one key), one page in memory at a
 * time (see listVersions). What lies outside the scope, or is not the key asked for (a store
 * that ignores Prefix lists more), or not after `startAfter`, is never yielded; listing one key stops at the first entry
 * past it.
 */
async function* walkVersions(
  scope: ScopeRef,
  plan: VersionsPlan,
): AsyncGenerator<VersionSummary, void, undefined> {
  let remaining = plan.limit;
  if (remaining <= 0) return;
  const Prefix = plan.only ?? (scope.path === "" ? undefined : scope.path);
  const target: Target = { operation: "ListObjectVersions", bucket: scope.bucketName, key: Prefix };
  const wanted = () => Math.min(plan.pageSize, remaining);
  const request = { Prefix, KeyMarker: plan.startAfter, wanted };
  for await (const page of listVersions(scope, plan.signal, request)) {
    for (const version of page) {
      if (plan.only !== undefined && version.Key !== plan.only) {
        if (compareKeys(version.Key, plan.only) > 0) return;
        continue;
      }
      if (!version.Key.startsWith(scope.path)) continue;
      // A store may list the marker's own key again (moto does, for a KeyMarker alone).
      if (plan.startAfter !== undefined && compareKeys(version.Key, plan.startAfter) <= 0) continue;
      yield summaryOf(scope, version, target);
      remaining -= 1;
      if (remaining === 0) return;
    }
  }
}

/**
 * Iterates the versions and delete markers under a scope, or of one key (`key`): keys in S3's
 * order, each key's entries newest first, one ListObjectVersions page in memory at a time.
 * Options are checked at the call; nothing is requested until iteration starts.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError (also for an abort; "PaginationStalled" for a listing
 * that does not move on; "NotImplemented" or "MethodNotAllowed" from a store without versions).
 */
export function iterVersions(
  scope: ScopeRef,
  options: VersionsOptions = {},
): AsyncGenerator<VersionSummary, void, undefined> {
  return walkVersions(scope, resolveVersionsOptions(scope, options));
}
