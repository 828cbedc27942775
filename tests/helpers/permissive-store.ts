import { errorXml, type FakeReply, objectAnswer, type SeenRequest } from "./fake-s3.js";
import { deleteResultXml, objectsPageXml, operationOf, xmlReply } from "./s3-wire.js";

/** The bytes of every object of the permissive store (two lines). */
export const OBJECT_TEXT = "one\ntwo\n";

/** A key whose HeadObject says 6 MiB, so that a copy with a 5 MiB threshold goes in parts. */
export const BIG_KEY = "big";

/** A key whose UploadPart fails for good, so that its upload is aborted and checked. */
export const FAILING_KEY = "fails";

/** A key that does not exist (its reads answer 404, then HeadBucket tells the bucket is there). */
export const MISSING_KEY = "missing";

const data = new TextEncoder().encode(OBJECT_TEXT);

const LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";

/** The object key of a path-style request ("/bucket/a/b" → "a/b"), "" for the bucket. */
function keyOf(request: SeenRequest): string {
  const path = new URL(request.url, "http://fake").pathname;
  return decodeURIComponent(path.split("/").slice(2).join("/"));
}

/** Answers of the listings and multipart requests, by operation. */
const DOCUMENTS: Record<string, string> = {
  ListObjectVersions:
    '<ListVersionsResult><Name>b</Name><IsTruncated>false</IsTruncated><Version><Key>v</Key><VersionId>1</VersionId><IsLatest>true</IsLatest><ETag>"e"</ETag><Size>1</Size></Version></ListVersionsResult>',
  ListMultipartUploads: `<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated><Upload><Key>u</Key><UploadId>up1</UploadId><Initiated>2020-01-01T00:00:00.000Z</Initiated></Upload></ListMultipartUploadsResult>`,
  CreateMultipartUpload:
    "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up1</UploadId></InitiateMultipartUploadResult>",
  UploadPartCopy: '<CopyPartResult><ETag>"p"</ETag></CopyPartResult>',
  CompleteMultipartUpload:
    '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"done-2"</ETag></CompleteMultipartUploadResult>',
  GetObjectTagging: "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
};

/** The object reads: 404 for MISSING_KEY, 6 MiB for BIG_KEY's HEAD, else OBJECT_TEXT. */
function objectRead(request: SeenRequest): FakeReply {
  const key = keyOf(request);
  if (key.endsWith(MISSING_KEY)) {
    const body = request.method === "HEAD" ? undefined : errorXml("NoSuchKey", "no such key");
    return { status: 404, body };
  }
  const headers = { etag: '"e1"', "last-modified": LAST_MODIFIED, "content-type": "text/plain" };
  if (request.method === "HEAD" && key.endsWith(BIG_KEY)) {
    return { status: 200, headers, contentLength: 6 * 1024 * 1024 };
  }
  return objectAnswer(request, data, headers);
}

/**
 * A store saying yes to every request of a scope, as S3 would for objects holding
 * OBJECT_TEXT (see BIG_KEY, FAILING_KEY, MISSING_KEY): listings list "p/k" (and a version and
 * an upload), multipart uploads and copies complete, tagging and CORS answer.
 */
export function permissiveStore(request: SeenRequest): FakeReply {
  const operation = operationOf(request);
  const query = new URL(request.url, "http://fake").searchParams;
  const document =
    query.has("tagging") && request.method === "GET" ? "GetObjectTagging" : operation;
  if (DOCUMENTS[document] !== undefined) return xmlReply(DOCUMENTS[document]);
  if (query.has("cors")) {
    return request.method === "GET"
      ? xmlReply(
          "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>",
        )
      : { status: request.method === "DELETE" ? 204 : 200 };
  }
  if (operation === "ListObjectsV2") return objectsPageXml(["p/k"]);
  if (operation === "DeleteObjects") return deleteResultXml();
  if (operation === "ListParts") return { status: 404, body: errorXml("NoSuchUpload", "gone") };
  if (operation === "HeadBucket") return { status: 200 };
  if (operation === "GetObject" || operation === "HeadObject") return objectRead(request);
  if (operation === "UploadPart" && keyOf(request).endsWith(FAILING_KEY)) {
    return { status: 400, body: errorXml("InvalidArgument", "refused part") };
  }
  if ("x-amz-copy-source" in request.headers) {
    return xmlReply(
      `<CopyObjectResult><ETag>"e2"</ETag><LastModified>2025-01-01T00:00:00.000Z</LastModified></CopyObjectResult>`,
    );
  }
  if (request.method === "DELETE") return { status: 204 };
  return { status: 200, headers: { etag: '"e1"' } };
}
