import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ObjectNotFoundError, S3, S3OperationError, ValidationError } from "../../src/index.js";
import { s3Error } from "../helpers/s3-error.js";

const mock = mockClient(S3Client);
let s3: S3;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

beforeEach(() => {
  mock.reset();
  const client = new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
  s3 = new S3({ client, maxRetries: 1, retryDelay: 1, maxRetryDelay: 5 });
});

afterEach(() => s3.close());

const sourceHead = {
  ContentLength: 6 * GiB,
  ETag: '"source-etag"',
  ContentType: "video/mp4",
  Metadata: { camera: "a7" },
  CacheControl: "max-age=600",
  ContentDisposition: "inline",
  ContentEncoding: "identity",
  ContentLanguage: "en",
};

function mockMultipart() {
  mock.on(HeadObjectCommand).resolves(sourceHead);
  mock.on(HeadObjectCommand, { Key: "copy.mp4" }).rejects(s3Error("NotFound", 404, ""));
  mock.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: "project", Value: "x y" }] });
  mock.on(CreateMultipartUploadCommand).resolves({ UploadId: "up-1" });
  mock.on(UploadPartCopyCommand).callsFake(async (input: { PartNumber?: number }) => ({
    CopyPartResult: { ETag: `"p${input.PartNumber}"` },
  }));
  mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"done-96"', VersionId: "v2" });
  // After an abort, ListParts confirms the upload is gone.
  mock.on(ListPartsCommand).rejects(s3Error("NoSuchUpload", 404));
}

describe("copy (mocked S3)", () => {
  it("encodes CopySource per path segment", async () => {
    mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e"' } });
    const cases: Array<[string, string]> = [
      ["a b/c+d.txt", "bkt/a%20b/c%2Bd.txt"],
      ["100%/x?y#z.txt", "bkt/100%25/x%3Fy%23z.txt"],
      ["ünï/日本.txt", "bkt/%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC.txt"],
      ["a//b&c=d", "bkt/a//b%26c%3Dd"],
    ];
    for (const [key] of cases) await s3.bucket("bkt").copy(key, "dest");
    expect(
      mock.commandCalls(CopyObjectCommand).map((call) => call.args[0].input.CopySource),
    ).toEqual(cases.map(([, encoded]) => encoded));
  });

  it("sends one CopyObject, no HeadObject, resolving src and dest against the scope", async () => {
    mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e1"' }, VersionId: "v1" });
    const result = await s3
      .bucket("bkt")
      .prefix("p")
      .copy("a.txt", "b/c.txt", { destBucket: "other" });
    expect(result).toEqual({
      key: "p/b/c.txt",
      name: "b/c.txt",
      bucket: "other",
      etag: '"e1"',
      versionId: "v1",
    });
    expect(mock.calls()).toHaveLength(1);
    const input = mock.commandCalls(CopyObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: "other", Key: "p/b/c.txt", CopySource: "bkt/p/a.txt" });
    expect(input?.MetadataDirective).toBeUndefined();
    expect(input?.CopySourceIfMatch).toBeUndefined();
  });

  it("applies the scope's storage class and encryption defaults, but not its metadata, to the copy", async () => {
    mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e"' } });
    const bucket = s3.bucket("bkt", {
      defaults: {
        storageClass: "STANDARD_IA",
        serverSideEncryption: "AES256",
        metadata: { team: "x" },
        cacheControl: "no-store",
      },
    });
    await bucket.copy("a", "b");
    const input = mock.commandCalls(CopyObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ StorageClass: "STANDARD_IA", ServerSideEncryption: "AES256" });
    expect(input?.Metadata).toBeUndefined();
    expect(input?.CacheControl).toBeUndefined();
  });

  it("replacing metadata heads the source, pins its ETag and keeps its other content headers", async () => {
    mock.on(HeadObjectCommand).resolves({ ...sourceHead, ContentLength: 10 });
    mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e"' } });
    await s3.bucket("bkt").copy("a", "b", { metadata: { fresh: "1" } });
    const input = mock.commandCalls(CopyObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      MetadataDirective: "REPLACE",
      Metadata: { fresh: "1" },
      ContentType: "video/mp4",
      CacheControl: "max-age=600",
      ContentDisposition: "inline",
      ContentEncoding: "identity",
      ContentLanguage: "en",
      CopySourceIfMatch: '"source-etag"',
    });
    expect(input?.TaggingDirective).toBeUndefined();
  });

  it("above the threshold copies in parts carrying headers, metadata and tags from the source", async () => {
    mockMultipart();
    const result = await s3
      .bucket("bkt")
      .copy("movie.mp4", "copy.mp4", { copyThreshold: GiB, ifNoneMatch: "*" });
    expect(result).toMatchObject({ key: "copy.mp4", etag: '"done-96"', versionId: "v2" });
    const create = mock.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input;
    expect(create).toMatchObject({
      Bucket: "bkt",
      Key: "copy.mp4",
      ContentType: "video/mp4",
      Metadata: { camera: "a7" },
      CacheControl: "max-age=600",
      ContentDisposition: "inline",
      ContentEncoding: "identity",
      ContentLanguage: "en",
      Tagging: "project=x+y",
    });
    const parts = mock.commandCalls(UploadPartCopyCommand).map((call) => call.args[0].input);
    // 6 GiB in the default 64 MiB parts.
    expect(parts).toHaveLength(96);
    expect(
      parts.every((part) => part.CopySourceIfMatch === '"source-etag"' && part.UploadId === "up-1"),
    ).toBe(true);
    const byNumber = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    expect(byNumber[0]?.CopySourceRange).toBe(`bytes=0-${64 * MiB - 1}`);
    expect(byNumber[95]?.CopySourceRange).toBe(`bytes=${95 * 64 * MiB}-${6 * GiB - 1}`);
    const complete = mock.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input;
    expect(complete?.IfNoneMatch).toBe("*");
    expect(complete?.MultipartUpload?.Parts?.map((part) => part.PartNumber)).toEqual(
      Array.from({ length: 96 }, (_, i) => i + 1),
    );
    expect(complete?.MultipartUpload?.Parts?.[4]?.ETag).toBe('"p5"');
    expect(mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it("falls back to parts when CopyObject says the source is above 5 GiB", async () => {
    mockMultipart();
    mock
      .on(CopyObjectCommand)
      .rejects(
        s3Error(
          "InvalidRequest",
          400,
          "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120",
        ),
      );
    const result = await s3.bucket("bkt").copy("movie.mp4", "copy.mp4");
    expect(result.etag).toBe('"done-96"');
    expect(mock.commandCalls(CopyObjectCommand)).toHaveLength(1);
    expect(mock.commandCalls(HeadObjectCommand)).toHaveLength(1);
    expect(mock.commandCalls(UploadPartCopyCommand)).toHaveLength(96);
  });

  it("raises the part size so that no copy needs more than 10,000 parts", async () => {
    mockMultipart();
    mock.on(HeadObjectCommand).resolves({ ...sourceHead, ContentLength: 100_000 * 5 * MiB });
    await s3.bucket("bkt").copy("huge", "copy", { copyThreshold: GiB, partSize: 5 * MiB });
    expect(mock.commandCalls(UploadPartCopyCommand).length).toBeLessThanOrEqual(10_000);
  });

  it("aborts the multipart upload when a part fails, leaving no parts behind", async () => {
    mockMultipart();
    mock
      .on(UploadPartCopyCommand)
      .resolves({ CopyPartResult: { ETag: '"p"' } })
      .on(UploadPartCopyCommand, { PartNumber: 3 })
      .rejects(s3Error("InternalError", 500));
    mock.on(AbortMultipartUploadCommand).resolves({});
    const error = await s3
      .bucket("bkt")
      .copy("movie.mp4", "copy.mp4", { copyThreshold: GiB, concurrency: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InternalError", operation: "UploadPartCopy" });
    expect(
      mock.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input),
    ).toEqual([{ Bucket: "bkt", Key: "copy.mp4", UploadId: "up-1" }]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    // The pool stops taking parts after the failure.
    expect(mock.commandCalls(UploadPartCopyCommand).length).toBeLessThan(96);
  });

  it("aborts the multipart upload when the signal aborts", async () => {
    mockMultipart();
    const controller = new AbortController();
    mock.on(UploadPartCopyCommand).callsFake(async () => {
      controller.abort();
      return { CopyPartResult: { ETag: '"p"' } };
    });
    mock.on(AbortMultipartUploadCommand).resolves({});
    await expect(
      s3.bucket("bkt").copy("movie.mp4", "copy.mp4", {
        copyThreshold: GiB,
        concurrency: 1,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: "Aborted" });
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it("NoSuchKey from CopyObject names the source", async () => {
    mock
      .on(CopyObjectCommand)
      .rejects(s3Error("NoSuchKey", 404, "The specified key does not exist."));
    const error = await s3
      .bucket("bkt")
      .prefix("p")
      .copy("missing", "dest")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ bucket: "bkt", key: "p/missing" });
    expect((error as Error).message).toContain("s3://bkt/p/missing");
  });

  it("checks keys and options before any request", async () => {
    const bucket = s3.bucket("bkt");
    const bad = [
      () => bucket.copy("", "b"),
      () => bucket.copy("a", "/b"),
      () => bucket.copy("a", "b", { partSize: 4 * MiB }),
      () => bucket.copy("a", "b", { partSize: 5 * MiB + 0.5 }),
      () => bucket.copy("a", "b", { copyThreshold: -1 }),
      () => bucket.copy("a", "b", { concurrency: 0 }),
      () => bucket.copy("a", "b", { ifNoneMatch: "x" as "*" }),
      () =>
        bucket.copy("a", "b", {
          tags: {
            a: "1",
            b: "2",
            c: "3",
            d: "4",
            e: "5",
            f: "6",
            g: "7",
            h: "8",
            i: "9",
            j: "10",
            k: "11",
          },
        }),
      () => bucket.copy("a", "b", { destBucket: "" }),
      () => bucket.move("a", "a"),
      () => bucket.copyMany([["a", "b"], ["c"] as unknown as [string, string]]),
      () => bucket.copyMany([{ src: "a", dest: "/b" }]),
      () => bucket.copyMany("ab" as unknown as [string, string][]),
      () => bucket.copyMany([], { concurrency: 0 }),
    ];
    for (const [index, call] of bad.entries()) {
      const error = await call().catch((e: unknown) => e);
      expect(error, `case ${index}: ${String(error)}`).toBeInstanceOf(ValidationError);
    }
    expect(mock.calls()).toHaveLength(0);
  });

  it("move deletes the source only after a successful copy", async () => {
    mock.on(HeadObjectCommand).resolves({ ETag: '"e1"', ContentLength: 1 });
    mock
      .on(CopyObjectCommand)
      .rejectsOnce(s3Error("InternalError", 500))
      .resolves({ CopyObjectResult: { ETag: '"e1"' } });
    mock.on(DeleteObjectCommand).resolves({});
    await expect(s3.bucket("bkt").move("a", "b")).rejects.toBeInstanceOf(S3OperationError);
    expect(mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    await s3.bucket("bkt").move("a", "b");
    // The copy is pinned to the version seen, and only that version may be deleted.
    expect(mock.commandCalls(CopyObjectCommand).at(-1)?.args[0].input.CopySourceIfMatch).toBe(
      '"e1"',
    );
    expect(mock.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: "bkt", Key: "a", IfMatch: '"e1"' },
    ]);
    // Another bucket with the same key is not the same object.
    await s3.bucket("bkt").move("a", "a", { destBucket: "other" });
    expect(mock.commandCalls(DeleteObjectCommand)).toHaveLength(2);
  });
});

describe("copyMany (mocked S3)", () => {
  it("keeps the failures in input order whatever order the copies finish in", async () => {
    mock.on(CopyObjectCommand).callsFake(async (input: { CopySource?: string }) => {
      const n = Number(input.CopySource?.split("/").pop());
      // Later pairs finish first.
      await new Promise((resolve) => setTimeout(resolve, 30 - n));
      if (n % 3 === 0) throw s3Error("AccessDenied", 403, "Access Denied");
      return { CopyObjectResult: { ETag: '"e"' } };
    });
    const pairs = Array.from({ length: 30 }, (_, i) => ({
      src: String(i),
      dest: `d${i}`,
      note: i,
    }));
    const result = await s3.bucket("bkt").copyMany(pairs, { concurrency: 30 });
    expect(result.copied).toBe(20);
    expect(result.failedPairs().map((pair) => pair.note)).toEqual([
      0, 3, 6, 9, 12, 15, 18, 21, 24, 27,
    ]);
    expect(result.failedPairs()[1]).toBe(pairs[3]);
    expect(result.failed.every((failure) => failure.error.name === "AccessDeniedError")).toBe(true);
  });

  it("does not retry a pair on top of the SDK's own retries", async () => {
    mock.on(CopyObjectCommand).rejects(s3Error("InternalError", 500));
    const result = await s3.bucket("bkt").copyMany([["a", "b"]]);
    expect(result.failed[0]?.error.code).toBe("InternalError");
    expect(mock.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });
});
