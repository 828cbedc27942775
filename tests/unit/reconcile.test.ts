import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PreconditionFailedError, S3OperationError } from "../../src/index.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { xmlReply } from "../helpers/s3-wire.js";

// Scripted stores for the lost responses MinIO cannot show: it ignores If-None-Match on
// CopyObject, so there a retried conditional copy never meets its own copy.

const fake = useFakeS3();
const SOURCE_ETAG = '"0123456789abcdef0123456789abcdef"';
/** Headers of an object written just now. */
const fresh = () => ({ "content-type": "text/plain", "last-modified": new Date().toUTCString() });

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
      return { status: 200, headers: { ...fresh(), etag: SOURCE_ETAG } };
    if (isHead(request, "dest.txt") && copied && destEtag)
      return { status: 200, headers: { ...fresh(), etag: destEtag } };
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
              headers: {
                ...fresh(),
                etag: hello,
                "content-type": "text/plain; charset=utf-8",
                ...extra,
              },
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

const md5 = (text: string) => `"${createHash("md5").update(text).digest("hex")}"`;
const isPut = (request: SeenRequest) => request.method === "PUT";

/**
 * A store whose key already holds `body` (another client's write, `writtenAt`). The first PUT
 * fails with `first` without storing anything; every later one meets that object: 412.
 */
function occupied(body: string, first: FakeReply, writtenAt: Date) {
  let puts = 0;
  return (request: SeenRequest): FakeReply => {
    if (isPut(request)) {
      puts++;
      if (puts === 1) return first;
      return {
        status: 412,
        body: errorXml("PreconditionFailed", "At least one precondition failed"),
      };
    }
    if (request.method === "HEAD") {
      const stored = {
        etag: md5(body),
        "content-type": "text/plain; charset=utf-8",
        "last-modified": writtenAt.toUTCString(),
      };
      return { status: 200, headers: stored, contentLength: Buffer.byteLength(body) };
    }
    return { status: 404 };
  };
}

describe("reconciliation never claims another client's identical object", () => {
  it("put({ ifMatch }) refused with a 500, then 412: another client's update stands, ours fails", async () => {
    // Two clients read version 1 and both write "2" with ifMatch. The other one won just now;
    // our first attempt got a 500 (the store did nothing), the retry a 412.
    const { server, s3 } = await fake.serve(
      occupied("2", { status: 500, body: errorXml("InternalError", "try again") }, new Date()),
    );
    const error = await s3
      .bucket("bkt")
      .put("counter", "2", { ifMatch: md5("1") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    // A 500 says the attempt was not carried out: nothing to reconcile, no HEAD.
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "PUT"]);
  });

  it('hardening 2: put({ ifNoneMatch: "*" }) whose unanswered attempt stored nothing does not claim an object from before the call', async () => {
    const lastYear = new Date(Date.now() - 365 * 86_400_000);
    const { server, s3 } = await fake.serve(occupied("locked", "reset", lastYear));
    const error = await s3
      .bucket("bkt")
      .put("lock", "locked", { ifNoneMatch: "*" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    // The reset attempt may have landed, so the object was read: identical, but a year old.
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "HEAD"]);
  });

  it("the time check holds in the server's clock, however far ours is off", async () => {
    // The server's clock is an hour behind ours: the object our lost attempt wrote carries
    // that clock's time, and is still ours.
    const behind = () => new Date(Date.now() - 3_600_000).toUTCString();
    const { s3 } = await fake.serve((request) =>
      isPut(request)
        ? "reset"
        : {
            status: 200,
            headers: {
              date: behind(),
              "last-modified": behind(),
              etag: md5("hello"),
              "content-type": "text/plain; charset=utf-8",
            },
          },
    );
    await expect(s3.bucket("bkt").put("k.txt", "hello")).resolves.toMatchObject({
      etag: md5("hello"),
    });
  });
});

describe("a put aborted after its PutObject was sent", () => {
  /**
   * A store that never answers the PUT (the caller aborts meanwhile) and shows `stored` to a
   * HEAD: our object when the PUT was carried out, else a 404.
   */
  function unanswered(controller: AbortController, stored: FakeReply) {
    return (request: SeenRequest): FakeReply => {
      if (isPut(request)) {
        setTimeout(() => controller.abort(), 20);
        return "hang";
      }
      return stored;
    };
  }
  const ours: FakeReply = {
    status: 200,
    headers: { ...fresh(), etag: md5("hello"), "content-type": "text/plain; charset=utf-8" },
  };

  it("hardening 2: resolves with the object when the store carried it out", async () => {
    const controller = new AbortController();
    const { server, s3 } = await fake.serve(unanswered(controller, ours));
    const result = await s3.bucket("bkt").put("k.txt", "hello", { signal: controller.signal });
    expect(result.etag).toBe(md5("hello"));
    // The HEAD that tells goes out although the caller's signal is aborted.
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "HEAD"]);
  });

  it("hardening 2: fails with Aborted when the object is not there", async () => {
    const controller = new AbortController();
    const { server, s3 } = await fake.serve(unanswered(controller, { status: 404 }));
    const error = await s3
      .bucket("bkt")
      .put("k.txt", "hello", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "HEAD"]);
  });
});

describe("the store's own refusals are never read back", () => {
  it("a put the store throttles (503 SlowDown) on every attempt sends no HEAD: a persistent throttling never doubles the requests", async () => {
    const { server, s3 } = await fake.serve(() => ({
      status: 503,
      body: errorXml("SlowDown", "Please reduce your request rate."),
    }));
    await expect(s3.bucket("bkt").put("k.txt", "hello")).rejects.toMatchObject({
      code: "SlowDown",
    });
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "PUT", "PUT"]);
  });
});

describe("reconciliation recognises its own object however the store spells its headers", () => {
  /** Every PUT is carried out, its answer lost; the HEAD shows the object with `headers`. */
  const respelled =
    (headers: Record<string, string>) =>
    (request: SeenRequest): FakeReply =>
      isPut(request)
        ? "reset"
        : { status: 200, headers: { ...fresh(), etag: md5("hello"), ...headers } };

  it.each([
    ["a Content-Type respelled by the store", {}, { "content-type": "text/plain;charset=UTF-8" }],
    [
      "a Content-Type sent with odd case and spacing, stored trimmed",
      { contentType: "Text/Plain;  Charset=UTF-8 " },
      { "content-type": "Text/Plain;  Charset=UTF-8" },
    ],
    [
      "metadata with surrounding spaces, stored trimmed",
      { metadata: { note: " padded " } },
      { "content-type": "text/plain; charset=utf-8", "x-amz-meta-note": "padded" },
    ],
  ])("hardening 2: %s", async (_label, options, stored) => {
    const { s3 } = await fake.serve(respelled(stored));
    await expect(s3.bucket("bkt").put("k.txt", "hello", options)).resolves.toMatchObject({
      etag: md5("hello"),
    });
  });
});

describe("move() whose DeleteObject answer was lost", () => {
  const copied = xmlReply(
    `<CopyObjectResult><ETag>${md5("x")}</ETag><LastModified>2025-01-01T00:00:00.000Z</LastModified></CopyObjectResult>`,
  );

  /**
   * A store where the copy succeeds and the first delete of src.txt is carried out but its
   * answer lost; the retry gets `retried` (AWS: 404 for If-Match on a gone key, 412 over a
   * delete marker). `after` is what a HEAD of src.txt then finds.
   */
  function lostDelete(retried: FakeReply, after: FakeReply) {
    let deleted = false;
    return (request: SeenRequest): FakeReply => {
      if (isCopy(request)) return copied;
      // HeadBucket: tells a missing key from a missing bucket.
      if (isHead(request, "")) return { status: 200 };
      if (isHead(request, "src.txt"))
        return deleted ? after : { status: 200, headers: { ...fresh(), etag: md5("x") } };
      if (request.method === "DELETE") {
        if (deleted) return retried;
        deleted = true;
        return "reset";
      }
      return { status: 404 };
    };
  }

  const gone: FakeReply = { status: 404, headers: { "x-amz-delete-marker": "true" } };

  it.each([
    [
      "404 (unversioned bucket)",
      { status: 404, body: errorXml("NoSuchKey", "The specified key does not exist.") },
    ],
    [
      "412 (versioned bucket)",
      { status: 412, body: errorXml("PreconditionFailed", "At least one precondition failed") },
    ],
  ] as Array<[string, FakeReply]>)(
    "hardening 2: resolves when the retried delete answers %s and the source is gone",
    async (_label, retried) => {
      const { server, s3 } = await fake.serve(lostDelete(retried, gone));
      await expect(s3.bucket("bkt").move("src.txt", "dest.txt")).resolves.toMatchObject({
        key: "dest.txt",
        etag: md5("x"),
      });
      expect(server.requests.filter((r) => r.method === "DELETE")).toHaveLength(2);
    },
  );

  it("keeps the error when the source is still there", async () => {
    const rewritten: FakeReply = { status: 200, headers: { ...fresh(), etag: md5("newer") } };
    const refused: FakeReply = {
      status: 412,
      body: errorXml("PreconditionFailed", "At least one precondition failed"),
    };
    const { s3 } = await fake.serve(lostDelete(refused, rewritten));
    await expect(s3.bucket("bkt").move("src.txt", "dest.txt")).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });
});

describe("reading a write back is bounded", () => {
  // A store that accepts connections and never answers: the write fails (timeout or abort),
  // its attempts may have landed, so s3kit looks; looking must not cost another full policy.
  const hanging = { requestTimeout: 300, maxRetries: 3, retryDelay: 1, maxRetryDelay: 5 };
  const methods = (requests: SeenRequest[]) => requests.map((request) => request.method);

  it("hardening 2: after the caller's abort, one HeadObject at most", async () => {
    const { server, s3 } = await fake.serve(() => "hang", hanging);
    const signal = AbortSignal.timeout(100);
    await expect(s3.bucket("bkt").put("k", "x", { signal })).rejects.toMatchObject({
      code: "Aborted",
    });
    expect(methods(server.requests)).toEqual(["PUT", "HEAD"]);
  });

  it("hardening 2: after the write's own retries, two HeadObject attempts at most", async () => {
    const { server, s3 } = await fake.serve(() => "hang", hanging);
    await expect(s3.bucket("bkt").put("k", "x")).rejects.toMatchObject({ code: "TimeoutError" });
    expect(methods(server.requests)).toEqual(["PUT", "PUT", "PUT", "PUT", "HEAD", "HEAD"]);
  });
});
