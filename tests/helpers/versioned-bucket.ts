import { XML_INVALID } from "../../src/batch/delete-alone.js";
import { errorXml, type FakeReply, type SeenRequest } from "./fake-s3.js";
import { bucketModel, deleteResultXml, operationOf, xmlReply, xmlText } from "./s3-wire.js";

/** How a scripted versioned bucket (see `versionedBucket`) departs from S3. */
export interface VersionQuirks {
  /**
   * moto: a ListObjectVersions whose KeyMarker names a key no longer in the bucket (one just
   * deleted) answers an empty, untruncated page.
   */
  emptyPageAfterDeletedMarker?: boolean;
  /**
   * SeaweedFS: EncodingType=url is ignored: listed keys go out raw, without EncodingType in
   * the answer, and with U+FFFD in place of each character XML 1.0 cannot carry.
   */
  ignoreEncodingType?: boolean;
  /** How listed keys are URL-encoded (default: encodeURIComponent), to send broken ones. */
  encodeKey?: (key: string) => string;
  /** No ListObjectVersions (405 MethodNotAllowed), and no versioning: a delete removes. */
  noVersions?: boolean;
  /** No ListMultipartUploads (501 NotImplemented). */
  noUploads?: boolean;
  /** Keys whose versions DeleteObjects refuses to delete (AccessDenied). */
  deny?: ReadonlySet<string>;
  /** ListObjectVersions ignores Prefix: every page lists the whole bucket from its markers. */
  ignorePrefix?: boolean;
  /** Each key's entries are listed oldest first (the latest flag is still right). */
  oldestFirst?: boolean;
  /** moto: a KeyMarker without a VersionIdMarker lists that key's own entries again. */
  keyMarkerInclusive?: boolean;
}

/** One version or delete marker of the bucket. */
export interface StoredVersion {
  key: string;
  versionId: string;
  deleteMarker: boolean;
}

/** A scripted bucket holding versions, for the fake server (see `versionedBucket`). */
export interface VersionedBucket {
  /** Every version and delete marker held, in S3's listing order (key, newest first). */
  versions(): StoredVersion[];
  /** Adds a version of `key`, or a delete marker. */
  put(key: string, deleteMarker?: boolean): void;
  /** The answer to a request the bucket covers; undefined for any other. */
  reply(request: SeenRequest): FakeReply | undefined;
}

const EVERY_XML_INVALID = new RegExp(XML_INVALID.source, "g");

/** The text of an XML element's content, entities resolved. */
function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    return named[entity.toLowerCase()] ?? "";
  });
}

/** The Key and VersionId of each Object a DeleteObjects request names. */
function objectsOf(request: SeenRequest): Array<{ key: string; versionId: string | undefined }> {
  return [...request.body.matchAll(/<Object>(.*?)<\/Object>/gs)].map(([, object = ""]) => {
    const key = /<Key>(.*?)<\/Key>/s.exec(object)?.[1] ?? "";
    const versionId = /<VersionId>(.*?)<\/VersionId>/s.exec(object)?.[1];
    return { key: unescapeXml(key), versionId };
  });
}

/**
 * A bucket of versions and delete markers answering ListObjectVersions (markers, EncodingType,
 * pages of at most 1000), ListObjectsV2 (the current objects), ListMultipartUploads (none),
 * DeleteObjects and DeleteObject (by version; without one, a delete marker) and DeleteBucket
 * (BucketNotEmpty while anything is left), with `quirks`.
 */
export function versionedBucket(quirks: VersionQuirks = {}): VersionedBucket {
  const stored: Array<StoredVersion & { seq: number }> = [];
  let seq = 0;
  const versions = () =>
    [...stored].sort((a, b) => (a.key === b.key ? b.seq - a.seq : a.key < b.key ? -1 : 1));
  const put = (key: string, deleteMarker = false) => {
    seq += 1;
    stored.push({ key, versionId: `v${seq}`, deleteMarker, seq });
  };
  const remove = (key: string, versionId: string | undefined) => {
    if (versionId === undefined && !quirks.noVersions) return put(key, true);
    for (let i = stored.length - 1; i >= 0; i--) {
      const entry = stored[i];
      if (entry?.key === key && (versionId === undefined || entry.versionId === versionId)) {
        stored.splice(i, 1);
      }
    }
  };
  const current = () => {
    const newest = new Map<string, StoredVersion>();
    for (const entry of versions()) if (!newest.has(entry.key)) newest.set(entry.key, entry);
    return [...newest.values()].filter((entry) => !entry.deleteMarker).map((entry) => entry.key);
  };
  const reply = (request: SeenRequest): FakeReply | undefined => {
    const operation = operationOf(request);
    const query = new URL(request.url, "http://fake").searchParams;
    switch (operation) {
      case "ListObjectVersions":
        if (quirks.noVersions) {
          return { status: 405, body: errorXml("MethodNotAllowed", "no versions here") };
        }
        return versionsPage(listed(versions(), query, quirks), query, quirks);
      case "ListMultipartUploads":
        if (quirks.noUploads) return { status: 501, body: errorXml("NotImplemented", "no") };
        return xmlReply(
          "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
        );
      case "ListObjectsV2":
        return bucketModel(new Set(current().map((key) => shown(key, quirks))))(request);
      case "DeleteObjects": {
        const denied = objectsOf(request).filter(({ key }) => quirks.deny?.has(key));
        for (const { key, versionId } of objectsOf(request)) {
          if (!quirks.deny?.has(key)) remove(key, versionId);
        }
        return deleteResultXml(denied.map(({ key }) => ({ key, code: "AccessDenied" })));
      }
      case "DeleteObject": {
        const path = new URL(request.url, "http://fake").pathname;
        const key = decodeURIComponent(path.split("/").slice(2).join("/"));
        remove(key, query.get("versionId") ?? undefined);
        return { status: 204 };
      }
      case "DeleteBucket":
        return stored.length > 0
          ? { status: 409, body: errorXml("BucketNotEmpty", "the bucket is not empty") }
          : { status: 204 };
      default:
        return undefined;
    }
  };
  return { versions, put, reply };
}

/** A key as the store writes it into a listing that is not URL-encoded. */
function shown(key: string, quirks: VersionQuirks): string {
  return quirks.ignoreEncodingType ? key.replace(EVERY_XML_INVALID, "\uFFFD") : key;
}

/**
 * The entries a listing covers: those under `query`'s prefix (unless the store ignores it),
 * each key's newest first (or, with `oldestFirst`, oldest first), each marked latest or not.
 */
function listed(
  all: StoredVersion[],
  query: URLSearchParams,
  quirks: VersionQuirks,
): Array<StoredVersion & { latest: boolean }> {
  const prefix = quirks.ignorePrefix ? "" : (query.get("prefix") ?? "");
  const marked = all.map((entry, i) => ({ ...entry, latest: all[i - 1]?.key !== entry.key }));
  const under = marked.filter((entry) => entry.key.startsWith(prefix));
  if (!quirks.oldestFirst) return under;
  const keys = [...new Set(under.map((entry) => entry.key))];
  return keys.flatMap((key) => under.filter((entry) => entry.key === key).reverse());
}

/** The entries after the markers of `query`, as S3 orders them. */
function afterMarkers<T extends StoredVersion>(
  all: T[],
  query: URLSearchParams,
  inclusive = false,
): T[] {
  const keyMarker = query.get("key-marker");
  if (!keyMarker) return all;
  const versionMarker = query.get("version-id-marker");
  const at = all.findIndex((entry) => entry.key === keyMarker && entry.versionId === versionMarker);
  if (at >= 0) return all.slice(at + 1);
  return all.filter((entry) => entry.key > keyMarker || (inclusive && entry.key === keyMarker));
}

/** One ListObjectVersions page of `all` (in listing order) as `query` asks, with `quirks`. */
function versionsPage(
  all: Array<StoredVersion & { latest: boolean }>,
  query: URLSearchParams,
  quirks: VersionQuirks,
): FakeReply {
  const keyMarker = query.get("key-marker");
  const lost =
    quirks.emptyPageAfterDeletedMarker && keyMarker && !all.some((e) => e.key === keyMarker);
  const rest = lost ? [] : afterMarkers(all, query, quirks.keyMarkerInclusive);
  const max = Math.min(Number(query.get("max-keys") ?? 1000), 1000);
  const page = rest.slice(0, max);
  const encoded = query.get("encoding-type") === "url" && !quirks.ignoreEncodingType;
  const encode = quirks.encodeKey ?? encodeURIComponent;
  const keyText = (key: string) => xmlText(encoded ? encode(key) : shown(key, quirks));
  const entries = page.map((entry) => {
    const tag = entry.deleteMarker ? "DeleteMarker" : "Version";
    const size = entry.deleteMarker ? "" : '<ETag>"e"</ETag><Size>1</Size>';
    // Each version a second after the one before, as S3 lists times (to the second).
    const time = new Date(Date.UTC(2025, 0, 1) + Number(entry.versionId.slice(1)) * 1000);
    const made = `<IsLatest>${entry.latest}</IsLatest><LastModified>${time.toISOString()}</LastModified>`;
    return `<${tag}><Key>${keyText(entry.key)}</Key><VersionId>${entry.versionId}</VersionId>${made}${size}</${tag}>`;
  });
  const last = page.at(-1);
  const truncated = rest.length > page.length && last !== undefined;
  const next = truncated
    ? `<NextKeyMarker>${keyText(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.versionId}</NextVersionIdMarker>`
    : "";
  const encoding = encoded ? "<EncodingType>url</EncodingType>" : "";
  return xmlReply(
    `<ListVersionsResult><Name>b</Name>${encoding}<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${entries.join("")}</ListVersionsResult>`,
  );
}
