import {
  type DeleteMarkerEntry,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectVersion,
} from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { lenientKeyDecoder, nextKeyMarker } from "./decode-key.js";
import { paginate, startOf } from "./paginate.js";
import { versionOrder } from "./version-order.js";

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
  /** A delete marker, not a version holding bytes. */
  deleteMarker: boolean;
  /** The entry as the SDK parsed it (Key still encoded). */
  entry: ObjectVersion | DeleteMarkerEntry;
}

/** @internal Where a version listing starts and what it asks for on each page. */
export interface VersionRequest {
  /** Only keys starting with this (a full key prefix); unset, the whole bucket. */
  Prefix?: string | undefined;
  /** Only keys after this full key. */
  KeyMarker?: string | undefined;
  /** The most entries the next page should hold (MaxKeys), asked before each request. */
  wanted?: () => number;
}

/** One page's versions and delete markers, keys decoded, merged in the store's order. */
function pageEntries(page: ListObjectVersionsCommandOutput): ListedVersion[] {
  const decode = lenientKeyDecoder(page);
  const listed = (deleteMarker: boolean) => (entry: ObjectVersion | DeleteMarkerEntry) => {
    if (entry.Key === undefined) return [];
    const Key = decode(entry.Key);
    const undecodable = Key === undefined;
    return [
      { Key: Key ?? entry.Key, VersionId: entry.VersionId, undecodable, deleteMarker, entry },
    ];
  };
  const entries = [
    ...(page.Versions ?? []).flatMap(listed(false)),
    ...(page.DeleteMarkers ?? []).flatMap(listed(true)),
  ];
  return entries.sort(versionOrder);
}

/**
 * @internal Every version and delete marker of a bucket (or of the keys under `request.Prefix`,
 * after `request.KeyMarker`), one ListObjectVersions page (up to 1000 entries) at a time, keys
 * decoded, each page's two lists merged (see versionOrder). A `break` sends nothing further,
 * so a caller that deletes a page can start a fresh listing instead of following markers that
 * may name what it just deleted.
 */
export async function* listVersions(
  bucket: Pick<ScopeRef, "context" | "bucketName">,
  signal: AbortSignal | undefined,
  request: VersionRequest = {},
): AsyncGenerator<ListedVersion[], void, undefined> {
  const Bucket = bucket.bucketName;
  const { Prefix, wanted } = request;
  const listing: Target = { operation: "ListObjectVersions", bucket: Bucket, key: Prefix };
  const pages = paginate({
    target: listing,
    fetch: (position: { KeyMarker?: string; VersionIdMarker?: string } | undefined) =>
      send(
        bucket.context,
        listing,
        new ListObjectVersionsCommand({
          Bucket,
          Prefix,
          KeyMarker: request.KeyMarker,
          ...position,
          MaxKeys: wanted?.(),
          EncodingType: "url",
        }),
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
  for await (const page of pages) yield pageEntries(page);
}
