import { PreconditionFailedError } from "../errors/precondition-failed-error.js";

/** What a read is pinned to, or what a response says it is: ETag, version id, size. */
export interface ObjectIdentity {
  etag?: string | undefined;
  versionId?: string | undefined;
  size?: number | undefined;
}

/** An ETag without the quotes S3 puts around it (callers pass ETags with or without them). */
export function bareEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/**
 * The version id of an object stored while its bucket was unversioned. S3 and MinIO accept
 * `versionId=null` for it but name no version in their answer (MinIO never does; S3 only in
 * a bucket where versioning was suspended).
 */
const NULL_VERSION = "null";

/**
 * Whether a response is the pinned object: the same ETag (quotes aside) when one is pinned,
 * the same version when one is pinned, and the same size when both sides know it. A response
 * without an ETag or version id cannot prove it is the pinned one, so it is not (a store
 * that ignores `?versionId=` answers with the latest object and names no version); only the
 * "null" version may come unnamed. Checked on every response, not only the resumed ones:
 * some stores ignore If-Match.
 */
export function isPinnedObject(pinned: ObjectIdentity, seen: ObjectIdentity): boolean {
  if (pinned.etag !== undefined) {
    if (seen.etag === undefined || bareEtag(seen.etag) !== bareEtag(pinned.etag)) return false;
  }
  if (pinned.versionId !== undefined && seen.versionId !== pinned.versionId) {
    if (seen.versionId !== undefined || pinned.versionId !== NULL_VERSION) return false;
  }
  return pinned.size === undefined || seen.size === undefined || pinned.size === seen.size;
}

/**
 * Throws PreconditionFailedError unless `seen` is the pinned object (see `isPinnedObject`).
 * `where` names the read ("download s3://b/k") for the message.
 */
export function checkPinned(
  pinned: ObjectIdentity,
  seen: ObjectIdentity,
  where: { operation: string; bucket: string; key: string },
): void {
  if (isPinnedObject(pinned, seen)) return;
  const describe = ({ etag, versionId, size }: ObjectIdentity) =>
    `ETag ${etag ?? "(none)"}${versionId ? `, version ${versionId}` : ""}${size === undefined ? "" : `, ${size} bytes`}`;
  throw new PreconditionFailedError(
    `${where.operation} s3://${where.bucket}/${where.key}: expected the object with ${describe(pinned)}, the server answered with ${describe(seen)} (the object changed, or the store ignored If-Match); none of its bytes were used`,
    {
      code: "PreconditionFailed",
      bucket: where.bucket,
      key: where.key,
      operation: where.operation,
    },
  );
}
