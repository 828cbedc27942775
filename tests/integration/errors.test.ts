import { Readable } from "node:stream";
import type { StorageClass } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  BucketNotFoundError,
  ObjectNotFoundError,
  type S3,
  type S3Error,
  S3OperationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { testS3, testServer, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

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
    }
  });

  it("the error carries the request id the server gave it (x-amz-request-id)", async (context) => {
    needs(context, "requestIds");
    for (const call of [() => t.bucket.head("nope.txt"), () => t.bucket.getText("nope.txt")]) {
      expect(((await rejection(call())) as S3Error).requestId).toBeTruthy();
    }
  });
});

describe("wrong credentials → AccessDeniedError without the secret", () => {
  const wrongSecret = "wrong-secret-Zq8yX2vB7nM4kP1sT6wR";

  it("a wrong secret key: the server checks the signature", async (context) => {
    needs(context, "signatures");
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

  it("an unknown access key → AccessDeniedError (InvalidAccessKeyId)", async (context) => {
    needs(context, "signatures");
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
  it("serverSideEncryption AES256 stores the object encrypted with SSE-S3, as head reports", async (context) => {
    needs(context, "sseS3");
    const put = await t.bucket.put("sse.txt", "secret", { serverSideEncryption: "AES256" });
    expect((await t.bucket.head("sse.txt")).serverSideEncryption).toBe("AES256");
    expect(await t.bucket.getText("sse.txt")).toBe("secret");
    expect((await t.bucket.head("sse.txt")).etag).toBe(put.etag);
  });

  it("an unknown storage class → S3OperationError InvalidStorageClass (400), nothing stored", async (context) => {
    needs(context, "storageClasses");
    const storageClass = "NO_SUCH_CLASS" as StorageClass;
    const error = await rejection(t.bucket.put("odd.txt", "x", { storageClass }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidStorageClass", status: 400, retryable: false });
    expect(await t.bucket.exists("odd.txt")).toBe(false);
  });

  it("a server that is not there → S3OperationError after the retries, never a raw network error", async () => {
    const s3 = testS3({ endpoint: "http://127.0.0.1:9", maxRetries: 1, retryDelay: 1 });
    const error = await rejection(s3.bucket("b").getText("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", retryable: true, attempts: 2 });
    s3.close();
  });
});
