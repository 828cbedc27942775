import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Bucket,
  PreconditionFailedError,
  type S3,
  S3OperationError,
} from "../../src/index.js";
import {
  type FaultAction,
  type ProxiedRequest,
  type ProxyAnswer,
  useFaultProxy,
} from "../helpers/fault-proxy.js";
import { sha256 } from "../helpers/files.js";
import { testS3, useTestBucket } from "../helpers/s3.js";

// The proxy's "drop" lets MinIO carry out a request, then closes the connection without
// sending a byte of the answer: the SDK sees a reset and retries a request that was done.

const MiB = 1024 * 1024;
const t = useTestBucket();
const proxy = useFaultProxy();
let s3: S3;
let bucket: Bucket;

beforeEach(() => {
  s3 = testS3({ endpoint: proxy.endpoint, retryDelay: 1, maxRetryDelay: 20 });
  bucket = s3.bucket(t.bucket.name);
});
afterEach(() => {
  s3.close();
});

const isCreate = (request: ProxiedRequest) =>
  request.method === "POST" && request.query.has("uploads");
const isComplete = (request: ProxiedRequest) =>
  request.method === "POST" && request.query.has("uploadId");
const isPutOf = (key: string) => (request: ProxiedRequest) =>
  request.method === "PUT" && request.path.endsWith(`/${key}`) && !request.query.has("uploadId");

/** The stored object's ETag, read straight from MinIO. */
async function storedEtag(Key: string): Promise<string | undefined> {
  return (await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key }))).ETag;
}

/** Writes straight to MinIO, not through the proxy. */
async function store(Key: string, Body: Uint8Array | string): Promise<void> {
  await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body }));
}

/** The incomplete uploads of exactly this key, as MinIO lists them. */
async function uploadsOf(Key: string): Promise<string[]> {
  const page = await t.raw.send(
    new ListMultipartUploadsCommand({ Bucket: t.bucket.name, Prefix: Key }),
  );
  return (page.Uploads ?? []).filter((u) => u.Key === Key).map((u) => u.UploadId ?? "");
}

function requestsMatching(match: (request: ProxiedRequest) => boolean): number {
  return proxy.requests.filter(match).length;
}

const isPart = (request: ProxiedRequest) =>
  request.method === "PUT" && request.query.has("partNumber");

/** A captive portal's or a proxy's sign-in page, answered 200. */
const signIn: ProxyAnswer = {
  status: 200,
  body: "<html><head><title>Sign in</title></head><body>Please sign in</body></html>",
  headers: { "content-type": "text/html" },
};
/** Envoy's own 503 when the origin's connection broke before its answer's headers. */
const envoy503: ProxyAnswer = {
  status: 503,
  body: "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
  headers: { "content-type": "text/plain" },
};
/** Cloudflare's 524: the origin took too long to answer, and may still be at work. */
const cloudflare524: ProxyAnswer = { status: 524, body: "error code: 524" };
const multipartOptions = { partSize: 5 * MiB };
const multipartCopy = { copyThreshold: 5 * MiB, partSize: 5 * MiB };

/** S3's InternalError document, as AWS sends it on a CompleteMultipartUpload. */
const internalError: ProxyAnswer = {
  status: 500,
  body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>',
  headers: { "content-type": "application/xml", "x-amz-request-id": "4442587FB7D0A2F9" },
};
/**
 * How a CompleteMultipartUpload that MinIO carried out can fail all the same: its response
 * lost, or the store's own InternalError, which AWS documents after a created object (a 500,
 * or a 200 carrying the <Error>, which the SDK reads as a 503).
 */
const completedUnseen: Array<[string, FaultAction]> = [
  ["its response lost", { kind: "drop" }],
  ["answered a 500 InternalError", { kind: "afterServer", answer: internalError }],
  [
    "answered a 200 carrying an InternalError",
    { kind: "afterServer", answer: { ...internalError, status: 200 } },
  ],
];

describe("a write whose response was lost succeeds when the object is its own", () => {
  it.each(completedUnseen)(
    "hardening 2: upload(): CompleteMultipartUpload done but %s → resolves with the object's ETag",
    async (_label, action) => {
      const bytes = randomBytes(11 * MiB);
      proxy.addRule({ match: isComplete, action });
      const result = await bucket.upload(bytes, "big.bin", { partSize: 5 * MiB });
      // The SDK retried the completion, and MinIO answered NoSuchUpload.
      expect(requestsMatching(isComplete)).toBe(2);
      expect(result.etag).toMatch(/-3"$/);
      expect(result.etag).toBe(await storedEtag("big.bin"));
      expect(sha256(await t.bucket.getBytes("big.bin"))).toBe(sha256(bytes));
      expect(await uploadsOf("big.bin")).toEqual([]);
    },
  );

  it.each(completedUnseen)(
    "hardening 2: multipart copy(): CompleteMultipartUpload done but %s → resolves",
    async (_label, action) => {
      await store("src.bin", randomBytes(11 * MiB));
      proxy.addRule({ match: isComplete, action });
      const result = await bucket.copy("src.bin", "copy.bin", {
        copyThreshold: 5 * MiB,
        partSize: 5 * MiB,
      });
      expect(requestsMatching(isComplete)).toBe(2);
      expect(result.etag).toMatch(/-3"$/);
      expect(result.etag).toBe(await storedEtag("copy.bin"));
      expect(await uploadsOf("copy.bin")).toEqual([]);
    },
  );

  it('hardening 2: put(k, body, { ifNoneMatch: "*" }): PutObject done but its response lost → resolves', async () => {
    proxy.addRule({ match: isPutOf("once.json"), action: { kind: "drop" } });
    const result = await bucket.put("once.json", { id: 1 }, { ifNoneMatch: "*" });
    // The retry found the object the first attempt wrote, and MinIO answered 412.
    expect(requestsMatching(isPutOf("once.json"))).toBe(2);
    expect(result.etag).toBe(await storedEtag("once.json"));
    expect(await t.bucket.getJson("once.json")).toEqual({ id: 1 });

    // A stream body goes up through upload()'s single PutObject: the same.
    proxy.addRule({ match: isPutOf("once.txt"), action: { kind: "drop" } });
    const streamed = await bucket.put("once.txt", Readable.from(["line 1\n", "line 2\n"]), {
      ifNoneMatch: "*",
    });
    expect(requestsMatching(isPutOf("once.txt"))).toBe(2);
    expect(streamed.etag).toBe(await storedEtag("once.txt"));
    expect(await t.bucket.getText("once.txt")).toBe("line 1\nline 2\n");
  });
});

describe("reconciliation never claims an object that is not the write's own", () => {
  it("the error stands when the object found was written by someone else", async () => {
    // The first PUT is carried out and its answer lost; another writer replaces the object
    // before the retry, which then fails with 412.
    proxy.addRule({ match: isPutOf("contested.txt"), action: { kind: "drop" } });
    proxy.addRule({
      match: isPutOf("contested.txt"),
      action: { kind: "before", run: () => store("contested.txt", "someone else") },
    });
    const error = await bucket
      .put("contested.txt", "mine", { ifNoneMatch: "*" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("contested.txt")).toBe("someone else");

    // The same for a multipart upload whose key is overwritten before the completion's retry.
    proxy.addRule({ match: isComplete, action: { kind: "drop" } });
    proxy.addRule({
      match: isComplete,
      action: { kind: "before", run: () => store("contested.bin", "someone else") },
    });
    const failed = await bucket
      .upload(randomBytes(11 * MiB), "contested.bin", { partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(S3OperationError);
    expect((failed as S3OperationError).code).toBe("NoSuchUpload");
    expect(await t.bucket.getText("contested.bin")).toBe("someone else");
  });
});

describe("an attempt the store refused never makes another client's object ours", () => {
  it("put({ ifMatch }) refused with a 500, then 412 over another client's identical update, fails", async () => {
    // Two clients read the counter at "1" and both write "2" with ifMatch. The other one wins;
    // our first attempt gets a 500 before reaching the store, the retry a 412.
    const base = await t.bucket.put("counter", "1");
    await t.bucket.put("counter", "2", { ifMatch: base.etag });
    proxy.addRule({
      match: isPutOf("counter"),
      action: { kind: "status", status: 500, code: "InternalError" },
    });
    const error = await bucket.put("counter", "2", { ifMatch: base.etag }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });

  it("upload({ ifNoneMatch }) over an identical multipart object, Complete refused with a 503, then 412, fails and leaves no upload", async () => {
    // (A Complete's own 500 is no refusal: AWS documents that it may come after the object
    // was created; see `completedUnseen`.)
    const bytes = randomBytes(11 * MiB);
    await t.bucket.upload(bytes, "again.bin", { partSize: 5 * MiB });
    proxy.addRule({
      match: isComplete,
      action: { kind: "status", status: 503, code: "SlowDown" },
    });
    const error = await bucket
      .upload(bytes, "again.bin", { partSize: 5 * MiB, ifNoneMatch: "*" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(requestsMatching(isComplete)).toBe(2);
    expect(await uploadsOf("again.bin")).toEqual([]);
  });
});

describe("reconciliation recognises its own object as the store spelled it", () => {
  it("hardening 2: a put with padded metadata and an oddly spelled Content-Type, its answer lost, resolves", async () => {
    proxy.addRule({ match: isPutOf("spelled.txt"), action: { kind: "drop" } });
    const result = await bucket.put("spelled.txt", "hello", {
      ifNoneMatch: "*",
      contentType: "Text/Plain;  Charset=UTF-8 ",
      metadata: { note: " padded " },
    });
    expect(requestsMatching(isPutOf("spelled.txt"))).toBe(2);
    expect(result.etag).toBe(await storedEtag("spelled.txt"));
  });
});

describe("a lost CreateMultipartUpload response leaves no upload behind", () => {
  it("hardening 3: upload() succeeds and aborts the upload the first Create made; others' uploads stay", async () => {
    // Someone else's uploads: the same key begun well before ours, and a longer key.
    const Bucket = t.bucket.name;
    const earlier = await t.raw.send(new CreateMultipartUploadCommand({ Bucket, Key: "c.bin" }));
    await delay(2500);
    const longer = await t.raw.send(new CreateMultipartUploadCommand({ Bucket, Key: "c.bin.x" }));
    proxy.addRule({ match: isCreate, action: { kind: "drop" } });
    const bytes = randomBytes(11 * MiB);
    const result = await bucket.upload(bytes, "c.bin", { partSize: 5 * MiB });
    expect(requestsMatching(isCreate)).toBe(2);
    expect(result.etag).toBe(await storedEtag("c.bin"));
    expect(await uploadsOf("c.bin")).toEqual([earlier.UploadId]);
    expect(await uploadsOf("c.bin.x")).toEqual([longer.UploadId]);
  });

  it("hardening 3: upload() whose every Create response is lost fails and leaves no upload", async () => {
    proxy.addRule({ match: isCreate, action: { kind: "drop" }, times: Number.POSITIVE_INFINITY });
    const error = await bucket
      .upload(randomBytes(11 * MiB), "lost.bin", { partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).operation).toBe("CreateMultipartUpload");
    // Every attempt created an upload on the server.
    expect(requestsMatching(isCreate)).toBe(4);
    expect(await uploadsOf("lost.bin")).toEqual([]);
  });

  it("hardening 3: upload() that fails after a retried Create leaves neither upload", async () => {
    proxy.addRule({ match: isCreate, action: { kind: "drop" } });
    proxy.addRule({
      match: (request) => request.method === "PUT" && request.query.get("partNumber") === "2",
      action: { kind: "status", status: 400, code: "InvalidRequest" },
      times: Number.POSITIVE_INFINITY,
    });
    const error = await bucket
      .upload(randomBytes(11 * MiB), "broken.bin", { partSize: 5 * MiB, concurrency: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).operation).toBe("UploadPart");
    expect(requestsMatching(isCreate)).toBe(2);
    expect(await uploadsOf("broken.bin")).toEqual([]);
  });

  it("hardening 3: multipart copy() succeeds, or fails, without leaving an upload", async () => {
    await store("src.bin", randomBytes(11 * MiB));
    const options = { copyThreshold: 5 * MiB, partSize: 5 * MiB };
    proxy.addRule({ match: isCreate, action: { kind: "drop" } });
    const result = await bucket.copy("src.bin", "copy.bin", options);
    expect(requestsMatching(isCreate)).toBe(2);
    expect(result.etag).toBe(await storedEtag("copy.bin"));
    expect(await uploadsOf("copy.bin")).toEqual([]);

    proxy.addRule({ match: isCreate, action: { kind: "drop" }, times: Number.POSITIVE_INFINITY });
    const error = await bucket.copy("src.bin", "lost.bin", options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(requestsMatching(isCreate)).toBe(2 + 4);
    expect(await uploadsOf("lost.bin")).toEqual([]);
  });
});

describe("a commit whose answer is no S3 answer", () => {
  it("hardening 2: upload() and multipart copy() whose Complete was done but answered 200 with an empty body resolve", async () => {
    // S3 itself answers so when it drops a request late ("S3 aborted request"); the SDK then
    // makes up a 503 InternalError, which is no answer from the store.
    proxy.addRule({ match: isComplete, action: { kind: "afterServer", answer: { status: 200 } } });
    const uploaded = await bucket.upload(randomBytes(11 * MiB), "empty.bin", multipartOptions);
    expect(uploaded.etag).toBe(await storedEtag("empty.bin"));

    await store("src.bin", randomBytes(11 * MiB));
    proxy.addRule({ match: isComplete, action: { kind: "afterServer", answer: { status: 200 } } });
    const copied = await bucket.copy("src.bin", "copy.bin", multipartCopy);
    expect(copied.etag).toBe(await storedEtag("copy.bin"));
    // The SDK retried each completion, and MinIO answered NoSuchUpload.
    expect(requestsMatching(isComplete)).toBe(4);
    expect([...(await uploadsOf("empty.bin")), ...(await uploadsOf("copy.bin"))]).toEqual([]);
  });

  it("hardening 2: a put or upload answered 200 by a sign-in page that never reached the store fails with InvalidResponse", async () => {
    proxy.addRule({ match: isPutOf("page.txt"), action: { kind: "respond", answer: signIn } });
    const error = await bucket.put("page.txt", "hello").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidResponse", operation: "PutObject" });
    expect(await t.bucket.exists("page.txt")).toBe(false);

    proxy.addRule({ match: isComplete, action: { kind: "respond", answer: signIn } });
    const failed = await bucket
      .upload(randomBytes(11 * MiB), "page.bin", multipartOptions)
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "InvalidResponse", operation: "CompleteMultipartUpload" });
    expect(await t.bucket.exists("page.bin")).toBe(false);
    expect(await uploadsOf("page.bin")).toEqual([]);
  });

  it("hardening 2: a put carried out but answered by a sign-in page resolves with the stored object's ETag", async () => {
    proxy.addRule({
      match: isPutOf("landed.txt"),
      action: { kind: "afterServer", answer: signIn },
    });
    const result = await bucket.put("landed.txt", "hello");
    expect(result.etag).toBe(await storedEtag("landed.txt"));
    expect(requestsMatching(isPutOf("landed.txt"))).toBe(1);
  });

  it("hardening 2: put({ ifNoneMatch }) carried out but answered by a gateway's plain-text 503 resolves", async () => {
    // The SDK retries the 503; MinIO then answers 412, over our own object.
    proxy.addRule({ match: isPutOf("gw.json"), action: { kind: "afterServer", answer: envoy503 } });
    const result = await bucket.put("gw.json", { id: 1 }, { ifNoneMatch: "*" });
    expect(requestsMatching(isPutOf("gw.json"))).toBe(2);
    expect(result.etag).toBe(await storedEtag("gw.json"));
  });
});

describe("an abort that arrives once the store carried out a commit", () => {
  it("hardening 2: a multipart copy() resolves with the object it made", async () => {
    await store("src.bin", randomBytes(11 * MiB));
    const controller = new AbortController();
    proxy.addRule({
      match: isComplete,
      action: { kind: "afterServer", run: () => controller.abort() },
    });
    const result = await bucket.copy("src.bin", "copy.bin", {
      ...multipartCopy,
      signal: controller.signal,
    });
    expect(controller.signal.aborted).toBe(true);
    expect(result.etag).toBe(await storedEtag("copy.bin"));
    expect(await uploadsOf("copy.bin")).toEqual([]);
  });

  it("hardening 2: a stream upload's single PutObject, and a put, resolve with the object", async () => {
    for (const [key, write] of [
      [
        "small.bin",
        (signal: AbortSignal) =>
          bucket.upload(Readable.from(["a small stream"]), "small.bin", { signal }),
      ],
      ["put.txt", (signal: AbortSignal) => bucket.put("put.txt", "a string", { signal })],
    ] as const) {
      const controller = new AbortController();
      proxy.addRule({
        match: isPutOf(key),
        action: { kind: "afterServer", run: () => controller.abort() },
      });
      const result = await write(controller.signal);
      expect(controller.signal.aborted).toBe(true);
      expect(result.etag).toBe(await storedEtag(key));
    }
  });
});

describe("a CreateMultipartUpload whose answer is no S3 answer", () => {
  it("hardening 3: upload() answered 200 without an UploadId sends no part, keeps the object at the key and leaves no upload", async () => {
    await store("keep.bin", "the previous version");
    // The store created the upload; what reached us was an empty 200.
    proxy.addRule({ match: isCreate, action: { kind: "afterServer", answer: { status: 200 } } });
    const error = await bucket
      .upload(randomBytes(11 * MiB), "keep.bin", multipartOptions)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidResponse", operation: "CreateMultipartUpload" });
    expect(requestsMatching(isPart)).toBe(0);
    expect(await t.bucket.getText("keep.bin")).toBe("the previous version");
    expect(await uploadsOf("keep.bin")).toEqual([]);
  });

  it("hardening 3: multipart copy() answered by a sign-in page copies no part and leaves no upload", async () => {
    await store("src.bin", randomBytes(11 * MiB));
    proxy.addRule({ match: isCreate, action: { kind: "afterServer", answer: signIn } });
    const error = await bucket.copy("src.bin", "copy.bin", multipartCopy).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "InvalidResponse", operation: "CreateMultipartUpload" });
    expect(requestsMatching(isPart)).toBe(0);
    expect(await uploadsOf("copy.bin")).toEqual([]);
  });

  it("hardening 3: a Create the store carried out, answered by Envoy's plain-text 503, is retried and leaves no upload", async () => {
    proxy.addRule({ match: isCreate, action: { kind: "afterServer", answer: envoy503 } });
    const result = await bucket.upload(randomBytes(11 * MiB), "gw.bin", multipartOptions);
    expect(requestsMatching(isCreate)).toBe(2);
    expect(result.etag).toBe(await storedEtag("gw.bin"));
    expect(await uploadsOf("gw.bin")).toEqual([]);
  });

  it("hardening 3: a Create the store carried out, answered by Cloudflare's 524, fails and leaves no upload", async () => {
    proxy.addRule({ match: isCreate, action: { kind: "afterServer", answer: cloudflare524 } });
    const error = await bucket
      .upload(randomBytes(11 * MiB), "cf.bin", multipartOptions)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 524, operation: "CreateMultipartUpload" });
    expect(await uploadsOf("cf.bin")).toEqual([]);
  });
});

describe("the uploads a lost Create left are found in the store's own clock", () => {
  it.each([
    ["from a proxy whose clock is 3 s ahead of the store's", 3000],
    ["missing", "none"],
  ] as const)("hardening 3: with the Date header %s", async (_label, dates) => {
    proxy.setDates(dates);
    proxy.addRule({ match: isCreate, action: { kind: "drop" } });
    const result = await bucket.upload(randomBytes(11 * MiB), "c.bin", multipartOptions);
    expect(requestsMatching(isCreate)).toBe(2);
    expect(result.etag).toBe(await storedEtag("c.bin"));
    expect(await uploadsOf("c.bin")).toEqual([]);
  });
});
