import { randomBytes } from "node:crypto";
import { truncateSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  PreconditionFailedError,
  type Progress,
  S3OperationError,
  type UploadSource,
  ValidationError,
} from "../../src/index.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { countRequests, testS3, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

const dir = useTempDir("upload");

/** The object's bytes, read with the raw SDK. */
async function rawBytes(key: string): Promise<Uint8Array> {
  const response = await t.raw.send(new GetObjectCommand({ Bucket: t.bucket.name, Key: key }));
  return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
}

async function openUploads(prefix?: string): Promise<string[]> {
  const page = await t.raw.send(
    new ListMultipartUploadsCommand({ Bucket: t.bucket.name, Prefix: prefix }),
  );
  return (page.Uploads ?? []).map((upload) => upload.Key ?? "");
}

/** A Readable yielding `bytes` in chunks of `chunk` bytes. */
function chunked(bytes: Uint8Array, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.byteLength; offset += chunk) {
        yield Buffer.from(bytes.subarray(offset, offset + chunk));
      }
    })(),
  );
}

function expectHonestProgress(events: Progress[], total: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
  }
  const last = events.at(-1)!;
  expect(last.loaded).toBe(total);
  expect(last.total).toBe(total);
  expect(last.percent).toBe(100);
}

describe("upload", () => {
  it("uploads a local file by path, content-type from the extension", async () => {
    const bytes = randomBytes(300 * 1024);
    const path = join(dir.path, "photo.png");
    await writeFile(path, bytes);
    const events: Progress[] = [];
    const result = await t.bucket
      .prefix("img")
      .upload(path, "a/photo.png", { onProgress: (p) => events.push(p) });
    expect(result.key).toBe("img/a/photo.png");
    expect(result.name).toBe("a/photo.png");
    expect(result.etag).toMatch(/^".+"$/);
    expect(sha256(await rawBytes("img/a/photo.png"))).toBe(sha256(bytes));
    const head = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "img/a/photo.png" }),
    );
    expect(head.ContentType).toBe("image/png");
    expect(head.ETag).toBe(result.etag);
    expectHonestProgress(events, bytes.byteLength);
    expect(events.every((event) => event.total === bytes.byteLength)).toBe(true);
  });

  it("uploads a Readable of unknown length; total is learnt at the end", async () => {
    const bytes = randomBytes(700 * 1024);
    const events: Progress[] = [];
    await t.bucket.upload(chunked(bytes), "stream.bin", { onProgress: (p) => events.push(p) });
    expect(sha256(await rawBytes("stream.bin"))).toBe(sha256(bytes));
    const head = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "stream.bin" }),
    );
    expect(head.ContentType).toBe("application/octet-stream");
    expectHonestProgress(events, bytes.byteLength);
  });

  it("uploads bytes, an ArrayBuffer and a web ReadableStream", async () => {
    const bytes = randomBytes(100 * 1024);
    await t.bucket.upload(bytes, "bytes.txt");
    await t.bucket.upload(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      "ab.bin",
    );
    await t.bucket.upload(Readable.toWeb(chunked(bytes)) as ReadableStream<Uint8Array>, "web.bin");
    for (const key of ["bytes.txt", "ab.bin", "web.bin"]) {
      expect(sha256(await rawBytes(key))).toBe(sha256(bytes));
    }
    const head = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "bytes.txt" }),
    );
    expect(head.ContentType).toBe("text/plain");
  });

  it("uploads 0 bytes from a path, bytes and a stream; progress ends 0 of 0", async () => {
    const path = join(dir.path, "empty.json");
    await writeFile(path, "");
    const sources = [path, new Uint8Array(0), Readable.from([])];
    for (const [index, source] of sources.entries()) {
      const events: Progress[] = [];
      await t.bucket.upload(source, `empty-${index}`, { onProgress: (p) => events.push(p) });
      expect((await rawBytes(`empty-${index}`)).byteLength).toBe(0);
      expect(events.at(-1)).toEqual({ loaded: 0, total: 0, percent: 100 });
    }
  });

  it("uploads 20 MiB in 5 MiB parts, several at once, byte for byte", async () => {
    const counts = countRequests(t.s3);
    const bytes = randomBytes(20 * MiB + 123);
    const path = join(dir.path, "big.bin");
    await writeFile(path, bytes);
    const events: Progress[] = [];
    const result = await t.bucket.upload(path, "big.bin", {
      partSize: 5 * MiB,
      concurrency: 3,
      onProgress: (p) => events.push(p),
    });
    expect(counts.get("CreateMultipartUpload")).toBe(1);
    expect(counts.get("UploadPart")).toBe(5);
    expect(counts.get("CompleteMultipartUpload")).toBe(1);
    expect(counts.get("PutObject")).toBeUndefined();
    expect(result.etag).toBe((await t.bucket.head("big.bin")).etag);
    expect(sha256(await rawBytes("big.bin"))).toBe(sha256(bytes));
    expectHonestProgress(events, bytes.byteLength);
    expect(events.length).toBeGreaterThanOrEqual(5);
  });

  it("a multipart upload's ETag ends in -N, N its number of parts, and no upload stays open", async (context) => {
    needs(context, "multipartEtags", "multipartListing");
    const result = await t.bucket.upload(randomBytes(11 * MiB), "parts.bin", { partSize: 5 * MiB });
    expect(result.etag).toMatch(/-3"$/);
    expect(await openUploads()).toEqual([]);
  });

  it("uploads a multipart stream of unknown length", async () => {
    const bytes = randomBytes(11 * MiB);
    const events: Progress[] = [];
    await t.bucket.upload(chunked(bytes), "big-stream.bin", {
      partSize: 5 * MiB,
      onProgress: (p) => events.push(p),
    });
    expect(sha256(await rawBytes("big-stream.bin"))).toBe(sha256(bytes));
    expectHonestProgress(events, bytes.byteLength);
    expect(events[0]!.total).toBeUndefined();
  });

  it("sends tags and metadata with the write itself (atomic), also for multipart", async (context) => {
    needs(context, "tagging");
    const counts = countRequests(t.s3);
    const options = {
      tags: { team: "data", "two words": "a+b=c:/d" },
      metadata: { origin: "test" },
      contentType: "application/x-custom",
      cacheControl: "max-age=60",
      partSize: 5 * MiB,
    };
    await t.bucket.upload(randomBytes(1000), "small.bin", options);
    await t.bucket.upload(randomBytes(6 * MiB), "large.bin", options);
    expect(counts.get("PutObjectTagging")).toBeUndefined();
    for (const Key of ["small.bin", "large.bin"]) {
      const tagging = await t.raw.send(new GetObjectTaggingCommand({ Bucket: t.bucket.name, Key }));
      const tags = Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
      expect(tags).toEqual({ team: "data", "two words": "a+b=c:/d" });
      const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key }));
      expect(head.Metadata).toEqual({ origin: "test" });
      expect(head.ContentType).toBe("application/x-custom");
      expect(head.CacheControl).toBe("max-age=60");
    }
  });

  it("ifNoneMatch '*' on a multipart upload refuses an existing key and leaves no parts", async (context) => {
    needs(context, "conditionalWrites", "multipartListing");
    const first = randomBytes(6 * MiB);
    const second = randomBytes(6 * MiB);
    await t.bucket.upload(first, "once.bin", { partSize: 5 * MiB, ifNoneMatch: "*" });
    const error = await t.bucket
      .upload(second, "once.bin", { partSize: 5 * MiB, ifNoneMatch: "*" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).key).toBe("once.bin");
    expect(sha256(await rawBytes("once.bin"))).toBe(sha256(first));
    expect(await openUploads()).toEqual([]);
  });

  it("ifNoneMatch '*' on a single-part upload refuses an existing key", async (context) => {
    needs(context, "conditionalWrites");
    await t.bucket.upload(Buffer.from("one"), "once.txt", { ifNoneMatch: "*" });
    await expect(
      t.bucket.upload(Buffer.from("two"), "once.txt", { ifNoneMatch: "*" }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(new TextDecoder().decode(await rawBytes("once.txt"))).toBe("one");
  });

  it("a failing source aborts the multipart upload: no parts, no object, the stream's error", async (context) => {
    needs(context, "multipartListing");
    const counts = countRequests(t.s3);
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= 12 * MiB) {
          this.destroy(Object.assign(new Error("disk on fire"), { code: "EIO" }));
          return;
        }
        sent += MiB;
        this.push(randomBytes(MiB));
      },
    });
    const error = await t.bucket
      .upload(source, "broken.bin", { partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("EIO");
    expect(counts.get("CreateMultipartUpload")).toBe(1);
    expect(counts.get("CompleteMultipartUpload")).toBeUndefined();
    expect(counts.get("AbortMultipartUpload")).toBeGreaterThanOrEqual(1);
    expect(await openUploads()).toEqual([]);
    expect(await t.bucket.exists("broken.bin")).toBe(false);
  });

  it("aborting by signal leaves no parts and no object", async (context) => {
    needs(context, "multipartListing");
    const controller = new AbortController();
    const bytes = randomBytes(30 * MiB);
    const promise = t.bucket.upload(chunked(bytes), "aborted.bin", {
      partSize: 5 * MiB,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.loaded >= 10 * MiB) controller.abort();
      },
    });
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("Aborted");
    expect(await openUploads()).toEqual([]);
    expect(await t.bucket.exists("aborted.bin")).toBe(false);
  });

  it("an already aborted signal sends nothing", async () => {
    const counts = countRequests(t.s3);
    const error = await t.bucket
      .upload(Buffer.from("x"), "never", { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as S3OperationError).code).toBe("Aborted");
    expect(counts.size).toBe(0);
  });

  it("a file that shrinks during the upload fails instead of storing a short object", async (context) => {
    needs(context, "multipartListing");
    const path = join(dir.path, "shrinking.bin");
    await writeFile(path, randomBytes(15 * MiB));
    let truncated = false;
    const error = await t.bucket
      .upload(path, "shrinking.bin", {
        partSize: 5 * MiB,
        concurrency: 1,
        onProgress: () => {
          // After the first part the file was measured (15 MiB) and is being read: cut it.
          if (!truncated) truncateSync(path, 7 * MiB);
          truncated = true;
        },
      })
      .catch((e: unknown) => e);
    expect(truncated).toBe(true);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("SourceSizeChanged");
    expect(await openUploads()).toEqual([]);
    expect(await t.bucket.exists("shrinking.bin")).toBe(false);
  });

  it("refuses bad input before any request", async () => {
    const counts = countRequests(t.s3);
    const bytes = Buffer.from("x");
    await expect(t.bucket.upload(bytes, "")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.upload(bytes, "/abs")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.upload(bytes, "k", { partSize: MiB })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.upload(bytes, "k", { concurrency: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.upload(join(dir.path, "missing"), "k")).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.upload(dir.path, "k")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.upload(42 as unknown as string, "k")).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      t.bucket.upload(bytes, "k", { tags: { a: 1 as unknown as string } }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });

  it("with checksums 'when-supported' (AWS's default) parts go with CRC32 and complete with them", async (context) => {
    needs(context, "checksums", "compositeChecksums");
    const s3 = testS3({ checksums: "when-supported" });
    try {
      const bucket = s3.bucket(t.bucket.name);
      const bytes = randomBytes(11 * MiB);
      const web = () => Readable.toWeb(chunked(bytes)) as ReadableStream<Uint8Array>;
      const sources: Array<[string, () => UploadSource]> = [
        ["bytes", () => bytes],
        ["a Blob", () => new Blob([bytes])],
        ["a web stream", web],
        ["a Readable", () => chunked(bytes)],
      ];
      for (const [label, source] of sources) {
        const key = `crc-${label.replace(/\W+/g, "-")}.bin`;
        await bucket.upload(source(), key, { partSize: 5 * MiB });
        expect(sha256(await rawBytes(key)), label).toBe(sha256(bytes));
        const head = await t.raw.send(
          new HeadObjectCommand({ Bucket: t.bucket.name, Key: key, ChecksumMode: "ENABLED" }),
        );
        expect(head.ChecksumCRC32, label).toMatch(/-3$/);
      }
      expect(await openUploads()).toEqual([]);
    } finally {
      s3.close();
    }
  });

  it("put() with a stream body goes through upload", async () => {
    const bytes = randomBytes(6 * MiB);
    const counts = countRequests(t.s3);
    const result = await t.bucket.put("via-put.bin", chunked(bytes), {
      partSize: 5 * MiB,
      tags: { a: "1" },
    });
    expect(result.key).toBe("via-put.bin");
    expect(counts.get("UploadPart")).toBe(2);
    expect(sha256(await rawBytes("via-put.bin"))).toBe(sha256(bytes));
  });
});
