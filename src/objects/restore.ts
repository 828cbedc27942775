import { headerValue } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { isS3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { iterVersions, type VersionSummary } from "../listing/iter-versions.js";
import { relativeName } from "../prefix/keys.js";
import { runCopy } from "./copy.js";
import { resolveCopyOptions } from "./copy-options.js";
import { copyPlan } from "./copy-plan.js";
import { deleteObject } from "./delete.js";

/** Options of `restore()`. */
export interface RestoreOptions {
  /**
   * Bring back this version: it is copied onto the key (server-side, in parts above 5 GiB)
   * with its headers, metadata and tags, and becomes the latest. Unset: undelete, removing
   * the delete markers on top of the key's newest version.
   */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** What `restore()` did. */
export interface RestoreResult {
  /** Full key. */
  key: string;
  /** Key relative to the scope. */
  name: string;
  /**
   * "undeleted": delete markers were removed, so the newest version is current again;
   * "copied": the version asked for was copied onto the key, as a new latest version;
   * "already-current": nothing to do, the key already reads as that version.
   */
  restored: "undeleted" | "copied" | "already-current";
  /** The key's current version now (for "copied", the new copy's id). */
  versionId: string | undefined;
  /** The ids of the delete markers removed ("undeleted" only; else empty). */
  deleteMarkers: string[];
}

/** The ObjectNotFoundError of a key with nothing to restore. */
function nothingToRestore(scope: ScopeRef, Key: string, why: string): ObjectNotFoundError {
  return new ObjectNotFoundError(`restore s3://${scope.bucketName}/${Key}: ${why}`, {
    code: "NoSuchVersion",
    status: 404,
    bucket: scope.bucketName,
    key: Key,
    operation: "restore",
  });
}

/** The key's latest version or delete marker (the one the store flags latest), if any. */
async function latestOf(
  scope: ScopeRef,
  Key: string,
  signal: AbortSignal | undefined,
): Promise<VersionSummary | undefined> {
  const options = { key: Key.slice(scope.path.length), limit: 1, ...(signal ? { signal } : {}) };
  for await (const version of iterVersions(scope, options)) return version;
  return undefined;
}

/** Whether the key has a version holding bytes (not only delete markers). */
async function hasVersion(scope: ScopeRef, Key: string, signal: AbortSignal | undefined) {
  const options = { key: Key.slice(scope.path.length), ...(signal ? { signal } : {}) };
  for await (const version of iterVersions(scope, options)) {
    if (!version.isDeleteMarker) return true;
  }
  return false;
}

/**
 * Removes the delete markers on top of the key's newest version, one at a time, each the one
 * the store flags latest: S3 lists times to the second, so the listing's order of markers and
 * versions made within one second cannot be trusted, but its latest flag can. Nothing is
 * removed unless a version lies below. A version written meanwhile ends the loop as the
 * latest; a marker still latest after its delete succeeded fails it ("NotDeleted").
 */
async function undelete(
  scope: ScopeRef,
  Key: string,
  signal: AbortSignal | undefined,
): Promise<RestoreResult> {
  const removed: string[] = [];
  const name = relativeName(scope.path, Key);
  for (;;) {
    const latest = await latestOf(scope, Key, signal);
    if (latest === undefined) throw nothingToRestore(scope, Key, "the key has no versions");
    if (!latest.isDeleteMarker) {
      const restored = removed.length > 0 ? "undeleted" : "already-current";
      return { key: Key, name, restored, versionId: latest.versionId, deleteMarkers: removed };
    }
    if (removed.includes(latest.versionId)) throw notDeleted(scope, Key, latest.versionId);
    if (removed.length === 0 && !(await hasVersion(scope, Key, signal))) {
      throw nothingToRestore(scope, Key, "only delete markers are left");
    }
    await deleteObject(scope, Key, { versionId: latest.versionId, signal });
    removed.push(latest.versionId);
  }
}

/** The error of a delete marker the store still lists as latest after its delete succeeded. */
function notDeleted(scope: ScopeRef, Key: string, versionId: string): S3OperationError {
  return new S3OperationError(
    `restore s3://${scope.bucketName}/${Key}: the delete marker ${versionId} is still the latest after its delete succeeded`,
    {
      code: "NotDeleted",
      bucket: scope.bucketName,
      key: Key,
      operation: "restore",
      retryable: false,
    },
  );
}

/**
 * Copies `versionId` onto the key as its new latest version, unless it is the latest already.
 * The copy is pinned to that version (its ETag) and only replaces what the listing showed as
 * latest: If-Match on its ETag, or If-None-Match when a delete marker is on top, so a version
 * written meanwhile fails the copy (PreconditionFailedError) where the store honours
 * conditional copies (AWS does).
 */
async function copyBack(
  scope: ScopeRef,
  Key: string,
  versionId: string,
  signal: AbortSignal | undefined,
): Promise<RestoreResult> {
  const base = { key: Key, name: relativeName(scope.path, Key), deleteMarkers: [] };
  const latest = await latestOf(scope, Key, signal);
  if (latest === undefined) throw nothingToRestore(scope, Key, "the key has no versions");
  if (latest.versionId === versionId && !latest.isDeleteMarker) {
    return { ...base, restored: "already-current", versionId };
  }
  const settings = resolveCopyOptions(scope, { sourceVersionId: versionId, signal }, "restore");
  const plan = copyPlan(scope, settings, { srcKey: Key, destKey: Key });
  if (latest.isDeleteMarker) plan.ifNoneMatch = "*";
  else plan.ifMatch = latest.etag;
  try {
    const copied = await runCopy(scope, plan);
    return { ...base, restored: "copied", versionId: copied.versionId };
  } catch (error) {
    // S3 answers a HeadObject of a delete marker's version with 405: no bytes to bring back.
    if (!isS3Error(error) || error.status !== 405 || error.operation !== "HeadObject") throw error;
    throw nothingToRestore(scope, Key, `version ${versionId} is a delete marker`);
  }
}

/**
 * See Scope.restore. `Key` is a full key.
 * @throws ValidationError for a bad versionId; ObjectNotFoundError (code "NoSuchVersion")
 * when there is nothing to restore; PreconditionFailedError when a version appeared meanwhile.
 */
export async function restore(
  scope: ScopeRef,
  Key: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const versionId = headerValue(options.versionId, "versionId", "restore");
  if (versionId === undefined) return undelete(scope, Key, options.signal);
  return copyBack(scope, Key, versionId, options.signal);
}
