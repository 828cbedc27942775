import type { FakeReply, SeenRequest } from "./fake-s3.js";

/**
 * The S3 operation a request to the fake server is, from its method and query (path-style
 * URLs: /bucket or /bucket/key). Enough for scripting replies per operation.
 */
export function operationOf(request: SeenRequest): string {
  const url = new URL(request.url, "http://fake");
  const query = url.searchParams;
  const onBucket = url.pathname.split("/").filter(Boolean).length <= 1;
  if (request.method === "GET" && onBucket) {
    if (query.has("versions")) return "ListObjectVersions";
    if (query.has("uploads")) return "ListMultipartUploads";
    if (query.get("list-type") === "2") return "ListObjectsV2";
    return url.pathname === "/" ? "ListBuckets" : "ListObjects";
  }
  const multipart = multipartOperation(
    request.method,
    query,
    "x-amz-copy-source" in request.headers,
  );
  if (multipart) return multipart;
  if (request.method === "POST" && query.has("delete")) return "DeleteObjects";
  if (request.method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  if (request.method === "DELETE") return onBucket ? "DeleteBucket" : "DeleteObject";
  if (request.method === "HEAD") return onBucket ? "HeadBucket" : "HeadObject";
  if (request.method === "PUT") return onBucket ? "CreateBucket" : "PutObject";
  return request.method === "GET" ? "GetObject" : request.method;
}

/** The multipart operations, which the query names; undefined for any other request. */
function multipartOperation(
  method: string,
  query: URLSearchParams,
  copies: boolean,
): string | undefined {
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (method === "PUT" && query.has("partNumber")) return copies ? "UploadPartCopy" : "UploadPart";
  if (method === "GET" && query.has("uploadId")) return "ListParts";
  if (method === "GET" && query.has("tagging")) return "GetObjectTagging";
  return undefined;
}

/** A 200 XML answer. */
export function xmlReply(body: string): FakeReply {
  return {
    status: 200,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

/** A DeleteObjects result reporting `code` for each of `keys` (none: every key deleted). */
export function deleteResultXml(errors: Array<{ key: string; code: string }> = []): FakeReply {
  const entries = errors
    .map(
      ({ key, code }) =>
        `<Error><Key>${key}</Key><Code>${code}</Code><Message>${code} for ${key}</Message></Error>`,
    )
    .join("");
  return xmlReply(`<DeleteResult>${entries}</DeleteResult>`);
}

/** A ListObjectsV2 page holding `keys`, truncated when a next token is given. */
export function objectsPageXml(keys: string[], nextToken?: string): FakeReply {
  const contents = keys
    .map((key) => `<Contents><Key>${key}</Key><Size>1</Size><ETag>"e"</ETag></Contents>`)
    .join("");
  const next =
    nextToken === undefined
      ? "<IsTruncated>false</IsTruncated>"
      : `<IsTruncated>true</IsTruncated><NextContinuationToken>${nextToken}</NextContinuationToken>`;
  return xmlReply(
    `<ListBucketResult><Name>b</Name>${next}<KeyCount>${keys.length}</KeyCount>${contents}</ListBucketResult>`,
  );
}

/** The keys a DeleteObjects request asks to delete. */
export function deletedKeysOf(request: SeenRequest): string[] {
  return [...request.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1] ?? "");
}

/** How a scripted bucket (see `bucketModel`) departs from S3. */
export interface BucketQuirks {
  /**
   * The continuation token is the last key read, so a page that ends inside a folder repeats
   * that folder's common prefix on the next page (LocalStack #9605, versitygw #763).
   */
  repeatPrefixes?: boolean;
  /** Every page starts at the first key left, whatever the continuation token says. */
  ignoreToken?: boolean;
  /** Prefix is ignored: every listing covers the whole bucket. */
  ignorePrefix?: boolean;
  /** Keys whose delete is refused with AccessDenied. */
  deny?: ReadonlySet<string>;
}

/** `text` escaped for an XML element's content. */
export const xmlText = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");

/** One ListObjectsV2 page of `keys` as S3 cuts it (MaxKeys, Delimiter, token), with `quirks`. */
function listPage(keys: Set<string>, query: URLSearchParams, quirks: BucketQuirks): FakeReply {
  const prefix = quirks.ignorePrefix ? "" : (query.get("prefix") ?? "");
  const delimiter = query.get("delimiter") ?? "";
  const max = Number(query.get("max-keys") ?? 1000);
  const token = quirks.ignoreToken ? null : query.get("continuation-token");
  const after = token ?? query.get("start-after") ?? "";
  const entries: Array<{ key: string } | { prefix: string }> = [];
  let last = "";
  let truncated = false;
  for (const key of [...keys].filter((k) => k.startsWith(prefix) && k > after).sort()) {
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const folder = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    const previous = entries.at(-1);
    if (folder !== undefined && previous && "prefix" in previous && previous.prefix === folder) {
      if (!quirks.repeatPrefixes) last = key;
      continue;
    }
    if (entries.length === max) {
      truncated = true;
      break;
    }
    entries.push(folder === undefined ? { key } : { prefix: folder });
    last = key;
  }
  const xml = entries
    .map((entry) =>
      "key" in entry
        ? `<Contents><Key>${xmlText(entry.key)}</Key><Size>1</Size><ETag>"e"</ETag></Contents>`
        : `<CommonPrefixes><Prefix>${xmlText(entry.prefix)}</Prefix></CommonPrefixes>`,
    )
    .join("");
  const next = truncated ? `<NextContinuationToken>${xmlText(last)}</NextContinuationToken>` : "";
  return xmlReply(
    `<ListBucketResult><Name>b</Name><KeyCount>${entries.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>${next}${xml}</ListBucketResult>`,
  );
}

/**
 * A bucket holding `keys` that answers ListObjectsV2 and DeleteObjects (deleting from `keys`)
 * with `quirks`, and any other request with undefined, for the caller to answer.
 */
export function bucketModel(
  keys: Set<string>,
  quirks: BucketQuirks = {},
): (request: SeenRequest) => FakeReply | undefined {
  return (request) => {
    const operation = operationOf(request);
    if (operation === "ListObjectsV2") {
      return listPage(keys, new URL(request.url, "http://fake").searchParams, quirks);
    }
    if (operation !== "DeleteObjects") return undefined;
    const errors: Array<{ key: string; code: string }> = [];
    for (const key of deletedKeysOf(request)) {
      if (quirks.deny?.has(key)) errors.push({ key, code: "AccessDenied" });
      else keys.delete(key);
    }
    return deleteResultXml(errors);
  };
}
