import {
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
} from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { keyDecoder, nextKeyMarker } from "./decode-key.js";
import { paginate, startOf } from "./paginate.js";

/**
 * @internal Every version and delete marker of a bucket, one ListObjectVersions page (up to
 * 1000 entries) at a time, as the identifiers that delete them, keys decoded.
 */
export async function* listVersions(
  bucket: Pick<ScopeRef, "context" | "bucketName">,
  signal: AbortSignal | undefined,
): AsyncGenerator<ObjectIdentifier[], void, undefined> {
  const Bucket = bucket.bucketName;
  const listing: Target = { operation: "ListObjectVersions", bucket: Bucket };
  const pages = paginate({
    target: listing,
    fetch: (position: { KeyMarker?: string; VersionIdMarker?: string } | undefined) =>
      send(
        bucket.context,
        listing,
        new ListObjectVersionsCommand({ Bucket, ...position, EncodingType: "url" }),
        { signal },
      ),
    next: (page: ListObjectVersionsCommandOutput) => ({
      KeyMarker: nextKeyMarker(page, listing),
      VersionIdMarker: page.NextVersionIdMarker,
    }),
    first: (page: ListObjectVersionsCommandOutput) => {
      const [version, marker] = [page.Versions?.[0], page.DeleteMarkers?.[0]];
      return startOf(version?.Key, version?.VersionId, marker?.Key, marker?.VersionId);
    },
  });
  for await (const page of pages) {
    const decode = keyDecoder(page, listing);
    yield [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((entry) => entry.Key !== undefined)
      .map((entry) => ({ Key: decode(entry.Key as string), VersionId: entry.VersionId }));
  }
}
