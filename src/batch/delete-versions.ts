import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { failure, send, type Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type ListedVersion, listVersions } from "../listing/list-versions.js";
import { deleteAlone, XML_INVALID } from "./delete-alone.js";
import { isGone } from "./delete-batch.js";
import { newOutcome } from "./outcome.js";

/** @internal What `deleteBucket({ force })` could not delete: a version, or (no versionId) an object. */
export interface Survivor {
  /** Full S3 key, as the store listed it. */
  key: string;
  /** The version or delete marker left, when the store lists versions. */
  versionId?: string | undefined;
  /** Why: S3's code, "NotDeleted" (still listed after its delete succeeded), "InvalidKeyEncoding". */
  code: string;
  message: string;
}

/** The versions that could not be deleted, by `idOf`. */
type Survivors = Map<string, Survivor>;

/** Why a version could not be deleted. */
interface Reason {
  code: string;
  message: string;
}

/**
 * The page deleted last: its versions by `idOf`, and why some failed, by `idOf` (by key alone
 * for an error that names no version), for when the next listing shows them again.
 */
interface DeletedPage {
  ids: ReadonlySet<string>;
  reasons: Map<string, Reason>;
}

const idOf = (version: { Key?: string | undefined; VersionId?: string | undefined }): string =>
  JSON.stringify([version.Key ?? "", version.VersionId ?? null]);

/** Why a version the store lists again after its delete succeeded is left. */
function notDeleted(version: ListedVersion): Reason {
  // A store that ignores EncodingType=url (SeaweedFS) lists a key holding characters XML
  // cannot carry with U+FFFD in their place: a key no request can name.
  const hint = version.Key.includes("\uFFFD")
    ? "; its key holds U+FFFD, which a store that does not URL-encode listed keys sends in place of characters XML cannot carry, so the real key is unknown"
    : "";
  return { code: "NotDeleted", message: `still listed after its delete succeeded${hint}` };
}

/**
 * One DeleteObjects request for versions; records why versions could not be deleted (a
 * failed request: every version of it). Never throws.
 */
async function deleteVersionBatch(
  bucket: ScopeRef,
  batch: ListedVersion[],
  reasons: Map<string, Reason>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const Bucket = bucket.bucketName;
  const target: Target = { operation: "DeleteObjects", bucket: Bucket };
  const Objects = batch.map(({ Key, VersionId }) => ({ Key, VersionId }));
  try {
    const response = await send(
      bucket.context,
      target,
      new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }),
      { signal },
    );
    for (const error of response.Errors ?? []) {
      const code = error.Code ?? "UnknownError";
      if (!isGone(code)) reasons.set(idOf(error), { code, message: error.Message || code });
    }
  } catch (error) {
    const { code, message } = failure(bucket.context, error, target);
    for (const version of batch) reasons.set(idOf(version), { code, message });
  }
}

/** Deletes a page of versions (keys XML cannot carry one by one); never throws. */
async function deletePage(
  bucket: ScopeRef,
  page: ListedVersion[],
  signal: AbortSignal | undefined,
): Promise<DeletedPage> {
  const reasons = new Map<string, Reason>();
  for (const version of page.filter((entry) => XML_INVALID.test(entry.Key))) {
    const outcome = newOutcome();
    await deleteAlone(bucket, version.Key, outcome, signal, version.VersionId);
    for (const { code, message } of outcome.failed) {
      if (!isGone(code)) reasons.set(idOf(version), { code, message });
    }
  }
  const batch = page.filter((entry) => !XML_INVALID.test(entry.Key));
  if (batch.length > 0) await deleteVersionBatch(bucket, batch, reasons, signal);
  return { ids: new Set(page.map(idOf)), reasons };
}

/**
 * The first page, listing from the start, that holds versions still to delete, passing over
 * the survivors; undefined once the listing has ended without any. A version whose key does
 * not decode, or that the page deleted last held (its delete failed, or the store still lists
 * it), becomes a survivor. The store lists versions in one order (key, then newest first), so
 * what the last page left comes before anything not yet deleted.
 */
async function freshVersions(
  bucket: ScopeRef,
  signal: AbortSignal | undefined,
  survivors: Survivors,
  last: DeletedPage,
): Promise<ListedVersion[] | undefined> {
  for await (const versions of listVersions(bucket, signal)) {
    const fresh: ListedVersion[] = [];
    for (const version of versions) {
      const id = idOf(version);
      if (survivors.has(id)) continue;
      let reason: Reason | undefined;
      if (version.undecodable) {
        const message = "the store sent a key that is not valid URL encoding";
        reason = { code: "InvalidKeyEncoding", message };
      } else if (last.ids.has(id)) {
        reason =
          last.reasons.get(id) ??
          last.reasons.get(idOf({ Key: version.Key })) ??
          notDeleted(version);
      }
      if (reason === undefined) fresh.push(version);
      else survivors.set(id, { key: version.Key, versionId: version.VersionId, ...reason });
    }
    // Only a page of survivors is followed by its markers: they name versions still there.
    if (fresh.length > 0) return fresh;
  }
  return undefined;
}

/**
 * Deletes every version and delete marker in a bucket, one page (up to 1000) at a time, and
 * lists again from the start after each deleted page instead of following the markers: some
 * stores answer a marker naming a key just deleted with an empty page (moto). What cannot be
 * deleted is passed over and returned once a listing shows nothing else, so every survivor
 * is one the store still lists. Throws only when a listing fails (a store without
 * ListObjectVersions: 405 or 501).
 */
export async function deleteVersions(
  bucket: ScopeRef,
  signal: AbortSignal | undefined,
): Promise<Survivor[]> {
  const survivors: Survivors = new Map();
  let last: DeletedPage = { ids: new Set(), reasons: new Map() };
  for (;;) {
    const page = await freshVersions(bucket, signal, survivors, last);
    if (page === undefined) return [...survivors.values()];
    last = await deletePage(bucket, page, signal);
  }
}
