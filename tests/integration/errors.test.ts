import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  BucketNotFoundError,
  isS3Error,
  ObjectNotFoundError,
  type S3,
  type S3Error,
  S3OperationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  countRequests,
  testS3,
  testServer,
  uniqueBucketName,
  useTestBucket,
} from "../helpers/s3.js";

const t = useTestBucket();

/** Every text an error shows: message, toString, stack, and the same for its causes. */
function allText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.message, current.toString(), String(current.stack));
    current = current.cause;
  }
  return parts.join("\n");
}

describe("a missing bucket → BucketNotFoundError", () => {
  const calls: Array<[string, (s3: S3, bucket: string) => Promise<unknown>]> = [
    ["getText", (s3, b) => s3.bucket(b).getText("k.txt")],
    ["getBytes", (s3, b) => s3.bucket(b).getBytes("k.txt")],
    ["getJson", (s3, b) => s3.bucket(b).getJson("k.txt")],
    ["head", (s3, b) => s3.bucket(b).head("k.txt")],
    ["exists", (s3, b) => s3.bucket(b).exists("k.txt")],
    ["put (string)", (s3, b) => s3.bucket(b).put("k.txt", "x")],
    ["put (JSON)", (s3, b) => s3.bucket(b).put("k.json", { a: 1 })],
    ["put (stream)", (s3, b) => s3.bucket(b).put("k.bin", Readable.from([Buffer.from("x")]))],
    ["delete", (s3, b) => s3.bucket(b).delete("k.txt")],
    ["getTags", (s3, b) => s3.bucket(b).getTags("k.txt")],
    ["setTags", (s3, b) => s3.bucket(b).setTags("k.txt", { a: "1" })],
    ["prefix().getText", (s3, b) => s3.bucket(b).prefix("dir").getText("k.txt")],
    ["deleteBucket", (s3, b) => s3.deleteBucket(b)],
  ];

  it.each(calls)("%s", async (_name, call) => {
    const missing = uniqueBucketName("missing");
    const error = await rejection(call(t.s3, missing));
    expect(error).toBeInstanceOf(BucketNotFoundError);
    expect(error).toMatchObject({
      code: "NoSuchBucket",
      status: 404,
      bucket: missing,
      retryable: false,
    });
    expect((error as Error).message).toContain(missing);
  });

  it("a bucket deleted after a successful HEAD is reported missing, not the key", async () => {
    const s3 = testS3();
    const name = uniqueBucketName("gone");
    const bucket = await s3.createBucket(name);
    expect(await bucket.exists("k")).toBe(false);
    await s3.deleteBucket(name);
    await expect(bucket.exists("k")).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(bucket.head("k")).rejects.toBeInstanceOf(BucketNotFoundError);
    s3.close();
  });
});

describe("a missing key in an existing bucket → ObjectNotFoundError", () => {
  it("for head (HEAD 404 told apart from a missing bucket) and for reads", async () => {
    for (const call of [
      () => t.bucket.head("nope.txt"),
      () => t.bucket.getText("nope.txt"),
      () => t.bucket.prefix("dir").getBytes("nope.txt"),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({ status: 404, bucket: t.bucket.name, retryable: false });
      expect((error as S3Error).requestId).toBeTruthy();
    }
  });
});

describe("wrong credentials → AccessDeniedError without the secret", () => {
  const wrongSecret = "wrong-secret-Zq8yX2vB7nM4kP1sT6wR";

  it("a wrong secret key: MinIO checks the signature", async () => {
    const server = testServer();
    const bad = testS3({
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: wrongSecret },
    });
    const bucket = bad.bucket(t.bucket.name);
    await t.bucket.put("private.txt", "secret content");
    for (const call of [
      () => bucket.getText("private.txt"),
      () => bucket.put("x.txt", "x"),
      () => bucket.head("private.txt"),
      () => bucket.exists("private.txt"),
      () => bucket.delete("private.txt"),
      () => bad.listBuckets(),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect(error).toMatchObject({ status: 403, retryable: false });
      expect(["SignatureDoesNotMatch", "AccessDenied"]).toContain((error as S3Error).code);
      const text = allText(error);
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(server.secretAccessKey);
    }
    // Nothing was changed by the refused calls.
    expect(await t.bucket.getText("private.txt")).toBe("secret content");
    expect(await t.bucket.exists("x.txt")).toBe(false);
    bad.close();
  });

  it("an unknown access key → AccessDeniedError (InvalidAccessKeyId)", async () => {
    const bad = testS3({
      credentials: { accessKeyId: "no-such-user-key", secretAccessKey: wrongSecret },
    });
    const error = await rejection(bad.bucket(t.bucket.name).getText("k"));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: "InvalidAccessKeyId", status: 403 });
    expect(allText(error)).not.toContain(wrongSecret);
    bad.close();
  });
});

describe("other failures", () => {
  it("server-side encryption on a MinIO without KMS → S3OperationError NotImplemented, one attempt", async () => {
    // MinIO only says this when the request carries x-amz-server-side-encryption: the
    // header reached the server. (tests/unit/defaults.test.ts checks the header itself.)
    const counts = countRequests(t.s3);
    const error = await rejection(t.bucket.put("sse.txt", "x", { serverSideEncryption: "AES256" }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "NotImplemented",
      status: 501,
      retryable: false,
      key: "sse.txt",
    });
    expect(counts.get("PutObject")).toBe(1);
    expect(await t.bucket.exists("sse.txt")).toBe(false);
  });

  it("an unknown storage class → an S3Error from the server", async () => {
    const error = await rejection(t.bucket.put("glacier.txt", "x", { storageClass: "GLACIER" }));
    expect(isS3Error(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });

  it("a server that is not there → S3OperationError after the retries, never a raw network error", async () => {
    const s3 = testS3({ endpoint: "http://127.0.0.1:9", maxRetries: 1, retryDelay: 1 });
    const error = await rejection(s3.bucket("b").getText("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", retryable: true, attempts: 2 });
    s3.close();
  });
});
