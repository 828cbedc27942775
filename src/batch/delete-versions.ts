import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
} from "@aws-sdk/client-s3";
import { failure, request, type Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { decodeKey } from "../listing/decode-key.js";
import { paginate, startOf } from "../listing/paginate.js";
import { deleteAlone, isGone, type Outcome, XML_INVALID } from "./delete-many.js";
import type { DeleteFailure } from "./results.js";

/**
 * Deletes every version and delete marker in a bucket, page by page (one page of up to 1000
 * versions in memory at a time): what `deleteBucket({ force })` needs after `deleteAll`, which
 * in a versioned bucket only adds delete markers. Keys XML cannot carry go one by one.
 * Returns what could not be deleted; throws only when the listing itself fails.
 */
export async function deleteVersions(
  bucket: ScopeRef,
  signal?: AbortSignal,
): Promise<DeleteFailure[]> {
  const Bucket = bucket.bucketName;
  const failed: DeleteFailure[] = [];
  const outcome: Outcome = { deleted: [], failed };
  const record = (key: string, code: string, message: string) =>
    failed.push({ key, name: key, code, message });
  const listing: Target = { operation: "ListObjectVersions", bucket: Bucket };
  const decoder = (page: ListObjectVersionsCommandOutput) => (key: string) =>
    page.EncodingType === "url" ? decodeKey(key, listing) : key;
  const pages = paginate({
    target: listing,
    fetch: (position: { KeyMarker?: string; VersionIdMarker?: string } | undefined) =>
      request(
        bucket.context,
        listing,
        (client, http) =>
          client.send(
            new ListObjectVersionsCommand({ Bucket, ...position, EncodingType: "url" }),
            http,
          ),
        signal,
      ),
    next: (page: ListObjectVersionsCommandOutput) => ({
      KeyMarker: page.NextKeyMarker === undefined ? undefined : decoder(page)(page.NextKeyMarker),
      VersionIdMarker: page.NextVersionIdMarker,
    }),
    first: (page: ListObjectVersionsCommandOutput) => {
      const [version, marker] = [page.Versions?.[0], page.DeleteMarkers?.[0]];
      return startOf(version?.Key, version?.VersionId, marker?.Key, marker?.VersionId);
    },
  });
  for await (const page of pages) {
    const decode = decoder(page);
    const versions: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((entry) => entry.Key !== undefined)
      .map((entry) => ({ Key: decode(entry.Key as string), VersionId: entry.VersionId }));
    const batch = versions.filter((version) => !XML_INVALID.test(version.Key ?? ""));
    for (const version of versions.filter((entry) => XML_INVALID.test(entry.Key ?? ""))) {
      await deleteAlone(bucket, version.Key ?? "", outcome, signal, version.VersionId);
    }
    if (batch.length > 0) {
      const target: Target = { operation: "DeleteObjects", bucket: Bucket };
      try {
        const response = await request(
          bucket.context,
          target,
          (client, http) =>
            client.send(
              new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }),
              http,
            ),
          signal,
        );
        for (const error of response.Errors ?? []) {
          if (isGone(error.Code)) continue;
          record(error.Key ?? "", error.Code ?? "UnknownError", error.Message ?? "");
        }
      } catch (error) {
        const s3Error = failure(bucket.context, error, target);
        for (const version of batch) record(version.Key ?? "", s3Error.code, s3Error.message);
      }
    }
  }
  return failed;
}
