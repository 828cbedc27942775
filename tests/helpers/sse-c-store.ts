import { createHash } from "node:crypto";
import { errorXml, type FakeReply, type SeenRequest } from "./fake-s3.js";
import { operationOf, xmlReply } from "./s3-wire.js";

// A store that keeps SSE-C objects as S3 does: each stored with the MD5 of the key it was
// written with, readable only with that key (no key: 400 InvalidRequest; another: 403
// AccessDenied; a key for an object that has none: 400), multipart uploads whose parts must
// all carry the upload's key, copies whose source and destination keys are checked apart.
// Bodies are text (the fake server records them as UTF-8).

const HEADER = "x-amz-server-side-encryption-customer-";
const COPY_HEADER = "x-amz-copy-source-server-side-encryption-customer-";

/** The three SSE-C headers of a key, as a request must send them. */
export function keyHeaders(key: Uint8Array): Record<string, string> {
  return {
    [`${HEADER}algorithm`]: "AES256",
    [`${HEADER}key`]: Buffer.from(key).toString("base64"),
    [`${HEADER}key-md5`]: createHash("md5").update(key).digest("base64"),
  };
}

/** The key MD5 a request sends under `prefix`, checked against its key; "bad" when it does not match. */
function sentKey(request: SeenRequest, prefix: string): string | undefined {
  const key = request.headers[`${prefix}key`];
  if (typeof key !== "string") return undefined;
  const md5 = createHash("md5").update(Buffer.from(key, "base64")).digest("base64");
  const algorithm = request.headers[`${prefix}algorithm`];
  return algorithm === "AES256" && request.headers[`${prefix}key-md5`] === md5 ? md5 : "bad";
}

interface Stored {
  body: string;
  keyMd5: string | undefined;
  etag: string;
}

/** Why a read with `sent` of an object stored with `stored` is refused, if it is. */
function refusal(stored: Stored, sent: string | undefined, head: boolean): FakeReply | undefined {
  const answer = (status: number, code: string, message: string): FakeReply =>
    head ? { status } : { status, body: errorXml(code, message) };
  if (sent === "bad")
    return answer(
      400,
      "InvalidArgument",
      "The calculated MD5 hash of the key did not match the hash that was provided.",
    );
  if (stored.keyMd5 === undefined && sent !== undefined) {
    return answer(
      400,
      "InvalidRequest",
      "The encryption parameters are not applicable to this object.",
    );
  }
  if (stored.keyMd5 !== undefined && sent === undefined) {
    return answer(
      400,
      "InvalidRequest",
      "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
    );
  }
  if (stored.keyMd5 !== sent) return answer(403, "AccessDenied", "Access Denied.");
  return undefined;
}

function keyOf(request: SeenRequest): string {
  return decodeURIComponent(
    new URL(request.url, "http://fake").pathname.split("/").slice(2).join("/"),
  );
}

/** The headers an answer about `stored` carries. */
function objectHeaders(stored: Stored): Record<string, string> {
  const headers: Record<string, string> = { etag: stored.etag, "content-type": "text/plain" };
  if (stored.keyMd5 !== undefined) {
    headers[`${HEADER}algorithm`] = "AES256";
    headers[`${HEADER}key-md5`] = stored.keyMd5;
  }
  return headers;
}

/** A GET's answer: the range asked for, or all; with `cut`, the first half then a reset. */
function getAnswer(request: SeenRequest, stored: Stored, cut: boolean): FakeReply {
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ""));
  const headers = objectHeaders(stored);
  if (request.headers["if-match"] && request.headers["if-match"] !== stored.etag) {
    return {
      status: 412,
      body: errorXml(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
      ),
    };
  }
  const size = stored.body.length;
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  const body = stored.body.slice(start, end + 1);
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  if (cut && body.length > 1) {
    return {
      status,
      headers,
      body: body.slice(0, body.length >> 1),
      contentLength: body.length,
      after: "reset",
    };
  }
  return { status, headers, body };
}

/**
 * The store: `reply` for startFakeS3, `objects` by key, and `cutReads`, how many of the next
 * GETs are cut in the middle (each forcing a ranged resume).
 */
export function sseCStore() {
  const objects = new Map<string, Stored>();
  const uploads = new Map<string, { keyMd5: string | undefined; parts: Map<number, string> }>();
  const state = { cutReads: 0, etags: 0 };
  const etag = () => `"${(++state.etags).toString(16).padStart(32, "0")}"`;
  const reply = (request: SeenRequest): FakeReply => {
    const operation = operationOf(request);
    const query = new URL(request.url, "http://fake").searchParams;
    const key = keyOf(request);
    const sent = sentKey(request, HEADER);
    if (sent === "bad") return { status: 400, body: errorXml("InvalidArgument", "bad key MD5") };
    const copySource = request.headers["x-amz-copy-source"];
    const source =
      typeof copySource === "string"
        ? objects.get(decodeURIComponent(copySource).split("/").slice(1).join("/"))
        : undefined;
    switch (operation) {
      case "PutObject": {
        if (source) {
          const refused = refusal(source, sentKey(request, COPY_HEADER), false);
          if (refused) return refused;
          objects.set(key, { body: source.body, keyMd5: sent, etag: etag() });
          return xmlReply(
            `<CopyObjectResult><ETag>${objects.get(key)?.etag}</ETag></CopyObjectResult>`,
          );
        }
        const stored = { body: request.body, keyMd5: sent, etag: etag() };
        objects.set(key, stored);
        return { status: 200, headers: objectHeaders(stored) };
      }
      case "GetObject":
      case "HeadObject": {
        const stored = objects.get(key);
        if (!stored)
          return {
            status: 404,
            body: operation === "GetObject" ? errorXml("NoSuchKey", "no such key") : undefined,
          };
        const refused = refusal(stored, sent, operation === "HeadObject");
        if (refused) return refused;
        if (operation === "HeadObject") {
          return { status: 200, headers: objectHeaders(stored), contentLength: stored.body.length };
        }
        const cut = state.cutReads > 0;
        if (cut) state.cutReads -= 1;
        return getAnswer(request, stored, cut);
      }
      case "CreateMultipartUpload": {
        const id = `upload-${uploads.size + 1}`;
        uploads.set(id, { keyMd5: sent, parts: new Map() });
        return xmlReply(
          `<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      case "UploadPart":
      case "UploadPartCopy": {
        const upload = uploads.get(query.get("uploadId") ?? "");
        if (!upload) return { status: 404, body: errorXml("NoSuchUpload", "no such upload") };
        if (upload.keyMd5 !== sent) {
          return {
            status: 400,
            body: errorXml(
              "InvalidRequest",
              "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.",
            ),
          };
        }
        let body = request.body;
        if (operation === "UploadPartCopy") {
          if (!source) return { status: 404, body: errorXml("NoSuchKey", "no such key") };
          const refused = refusal(source, sentKey(request, COPY_HEADER), false);
          if (refused) return refused;
          const [, from, to] =
            /bytes=(\d+)-(\d+)/.exec(String(request.headers["x-amz-copy-source-range"])) ?? [];
          body = source.body.slice(Number(from), Number(to) + 1);
        }
        upload.parts.set(Number(query.get("partNumber")), body);
        const partEtag = etag();
        if (operation === "UploadPart") return { status: 200, headers: { etag: partEtag } };
        return xmlReply(`<CopyPartResult><ETag>${partEtag}</ETag></CopyPartResult>`);
      }
      case "CompleteMultipartUpload": {
        const id = query.get("uploadId") ?? "";
        const upload = uploads.get(id);
        if (!upload) return { status: 404, body: errorXml("NoSuchUpload", "no such upload") };
        const numbers = [...upload.parts.keys()].sort((a, b) => a - b);
        const body = numbers.map((number) => upload.parts.get(number)).join("");
        objects.set(key, {
          body,
          keyMd5: upload.keyMd5,
          etag: `"${etag().slice(1, -1)}-${numbers.length}"`,
        });
        uploads.delete(id);
        return xmlReply(
          `<CompleteMultipartUploadResult><ETag>${objects.get(key)?.etag}</ETag></CompleteMultipartUploadResult>`,
        );
      }
      case "GetObjectTagging":
        return xmlReply("<Tagging><TagSet></TagSet></Tagging>");
      case "HeadBucket":
        return { status: 200 };
      case "DeleteObject":
        objects.delete(key);
        return { status: 204 };
      default:
        return { status: 501, body: errorXml("NotImplemented", operation) };
    }
  };
  return { reply, objects, state };
}
