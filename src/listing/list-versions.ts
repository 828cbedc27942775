import {
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
} from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { lenientKeyDecoder, nextKeyMarker } from "./decode-key.js";
import { paginate, startOf } from "./paginate.js";

/** @internal A version or delete marker as ListObjectVersions lists it. */
export interface ListedVersion {
  /** The key, decoded; as the store sent it when it does not decode (see `undecodable`). */
  Key: string;
  VersionId: string | undefined;
  /**
   * The store said it URL-encoded the key, but the text is not valid URL encoding: the real
   * key is unknown, so no request can name this version.
   */
  undecodable: boolean;
}

/**
 * @internal Every version and delete marker of a bucket from the first one on, one
 * ListObjectVersions page (up to 1000 entries) at a time, keys decoded. A `break` sends
 * nothing further, so a caller that deletes a page can start a fresh listing instead of
 * following markers that may name what it just deleted.
 */
export async function* listVersions(
  bucket: Pick<ScopeRef, "context" | "bucketName">,
  signal: AbortSignal | undefined,
): AsyncGenerator<ListedVersion[], void, undefined> {
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
    const decode = lenientKeyDecoder(page);
    yield [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((entry) => {
      if (entry.Key === undefined) return [];
      const Key = decode(entry.Key);
      return [
        { Key: Key ?? entry.Key, VersionId: entry.VersionId, undecodable: Key === undefined },
      ];
    });
  }
}
