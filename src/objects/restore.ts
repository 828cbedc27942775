import { headerValue } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { isS3Error } from "../errors/s3-error.js";
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

/**
 * Removes the delete markers on top of the key's newest version, newest first, each by its
 * version id. A version written meanwhile stays the latest: removing an older marker only
 * tidies the history.
 */
async function undelete(
  scope: ScopeRef,
  Key: string,
  signal: AbortSignal | undefined,
): Promise<RestoreResult> {
  const markers: string[] = [];
  let current: VersionSummary | undefined;
  const only = Key.slice(scope.path.length);
  for await (const version of iterVersions(scope, { key: only, ...(signal ? { signal } : {}) })) {
    if (!version.isDeleteMarker) {
      current = version;
      break;
    }
    markers.push(version.versionId);
  }
  if (current === undefined) {
    const why = markers.length ? "only delete markers are left" : "the key has no versions";
    throw nothingToRestore(scope, Key, `nothing to undelete: ${why}`);
  }
  for (const versionId of markers) await deleteObject(scope, Key, { versionId, signal });
  const restored = markers.length > 0 ? "undeleted" : "already-current";
  const name = relativeName(scope.path, Key);
  return { key: Key, name, restored, versionId: current.versionId, deleteMarkers: markers };
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
  const only = Key.slice(scope.path.length);
  const options = { key: only, limit: 1, ...(signal ? { signal } : {}) };
  let latest: VersionSummary | undefined;
  for await (const version of iterVersions(scope, options)) latest = version;
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
