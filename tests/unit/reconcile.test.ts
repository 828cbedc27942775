import { describe, expect, it } from "vitest";
import { PreconditionFailedError, S3OperationError } from "../../src/index.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// Scripted stores for the lost responses MinIO cannot show: it ignores If-None-Match on
// CopyObject, so there a retried conditional copy never meets its own copy.

const fake = useFakeS3();
const SOURCE_ETAG = '"0123456789abcdef0123456789abcdef"';
const headers = { "content-type": "text/plain", "last-modified": new Date().toUTCString() };

const isHead = (request: SeenRequest, key: string) =>
  request.method === "HEAD" && request.url.split("?")[0] === `/bkt/${key}`;
const isCopy = (request: SeenRequest) =>
  request.method === "PUT" && "x-amz-copy-source" in request.headers;

/** A store where the first CopyObject is carried out but its answer lost, the retry gets 412. */
function lostCopy(destEtag: string | undefined): (request: SeenRequest) => FakeReply {
  let copies = 0;
  let copied = false;
  return (request) => {
    if (isCopy(request)) {
      copies++;
      if (copies === 1) {
        copied = true;
        return "reset";
      }
      return {
        status: 412,
        body: errorXml("PreconditionFailed", "At least one precondition failed"),
      };
    }
    if (isHead(request, "src.txt"))
      return { status: 200, headers: { ...headers, etag: SOURCE_ETAG } };
    if (isHead(request, "dest.txt") && copied && destEtag)
      return { status: 200, headers: { ...headers, etag: destEtag } };
    return { status: 404 };
  };
}

describe("a conditional CopyObject whose response was lost", () => {
  it("hardening 2: resolves when the destination holds the source's bytes (same MD5 ETag)", async () => {
    const { server, s3 } = await fake.serve(lostCopy(SOURCE_ETAG));
    const result = await s3.bucket("bkt").copy("src.txt", "dest.txt", { ifNoneMatch: "*" });
    expect(result).toMatchObject({ key: "dest.txt", etag: SOURCE_ETAG });
    expect(server.requests.filter(isCopy)).toHaveLength(2);
  });
});

describe("a conditional CopyObject whose response was lost, the destination not its own", () => {
  it("keeps the PreconditionFailedError when the destination holds something else", async () => {
    const { s3 } = await fake.serve(lostCopy('"ffffffffffffffffffffffffffffffff"'));
    await expect(
      s3.bucket("bkt").copy("src.txt", "dest.txt", { ifNoneMatch: "*" }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });
});

describe("a put whose every attempt failed transiently", () => {
  it("hardening 2: resolves when the object at the key is the one it sent, else the error stands", async () => {
    // "hello" has the MD5 5d41402abc4b2a76b9719d911017c592.
    const hello = '"5d41402abc4b2a76b9719d911017c592"';
    const stored =
      (extra: Record<string, string> = {}) =>
      (request: SeenRequest): FakeReply =>
        request.method === "PUT"
          ? "reset"
          : {
              status: 200,
              headers: { etag: hello, "content-type": "text/plain; charset=utf-8", ...extra },
            };
    const ours = await fake.serve(stored());
    await expect(ours.s3.bucket("bkt").put("k.txt", "hello")).resolves.toMatchObject({
      etag: hello,
    });
    expect(ours.server.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "PUT", "PUT", "HEAD"]);
    // Same bytes, other metadata: not this write.
    const other = await fake.serve(stored({ "x-amz-meta-owner": "someone" }));
    await expect(other.s3.bucket("bkt").put("k.txt", "hello")).rejects.toBeInstanceOf(
      S3OperationError,
    );
  });
});
