import { randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { ObjectNotFoundError, PreconditionFailedError, ValidationError } from "../../src/index.js";
import { removeBucket } from "../helpers/remove-bucket.js";
import { countRequests, enableVersioning, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

async function rawBytes(client: S3Client, Bucket: string, Key: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

async function rawTags(
  client: S3Client,
  Bucket: string,
  Key: string,
): Promise<Record<string, string>> {
  const response = await client.send(new GetObjectTaggingCommand({ Bucket, Key }));
  return Object.fromEntries((response.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
}

/** What a copy must carry over, read with the raw SDK. */
async function describeObject(client: S3Client, Bucket: string, Key: string) {
  const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
  return {
    contentType: head.ContentType,
    metadata: head.Metadata,
    cacheControl: head.CacheControl,
    contentDisposition: head.ContentDisposition,
    contentEncoding: head.ContentEncoding,
    contentLength: head.ContentLength,
    tags: await rawTags(client, Bucket, Key),
  };
}

async function openUploads(client: S3Client, Bucket: string): Promise<number> {
  const response = await client.send(new ListMultipartUploadsCommand({ Bucket }));
  return response.Uploads?.length ?? 0;
}

const richHeaders = {
  contentType: "application/x-s3kit-test",
  metadata: { origin: "unit", "case-id": "42" },
  tags: { team: "storage", "cost center": "a+b=c d:/@" },
  cacheControl: "max-age=60",
  contentDisposition: 'attachment; filename="data.bin"',
  contentEncoding: "identity",
};

describe("copy", () => {
  it("copies above copyThreshold with UploadPartCopy, keeping bytes, headers, metadata and tags", async (context) => {
    needs(context, "uploadPartCopy", "tagging", "multipartListing", "multipartEtags");
    const bytes = randomBytes(20 * MiB);
    await t.bucket.put("big/source.bin", bytes, richHeaders);
    const counts = countRequests(t.s3);
    const result = await t.bucket.copy("big/source.bin", "big/copy.bin", {
      copyThreshold: 5 * MiB,
      partSize: 5 * MiB,
    });
    expect(result).toMatchObject({
      key: "big/copy.bin",
      name: "big/copy.bin",
      bucket: t.bucket.name,
    });
    expect(result.etag).toMatch(/-4"$/);
    expect(counts.get("UploadPartCopy")).toBe(4);
    expect(counts.get("CopyObject")).toBeUndefined();
    expect(counts.get("CreateMultipartUpload")).toBe(1);
    expect(counts.get("CompleteMultipartUpload")).toBe(1);
    expect((await rawBytes(t.raw, t.bucket.name, "big/copy.bin")).equals(bytes)).toBe(true);
    const source = await describeObject(t.raw, t.bucket.name, "big/source.bin");
    expect(source.contentType).toBe(richHeaders.contentType);
    expect(source.tags).toEqual(richHeaders.tags);
    expect(await describeObject(t.raw, t.bucket.name, "big/copy.bin")).toEqual(source);
    expect(await openUploads(t.raw, t.bucket.name)).toBe(0);
  });

  it("copies below the threshold with a single CopyObject and no HeadObject", async () => {
    await t.bucket.put("small.txt", "hello", richHeaders);
    const counts = countRequests(t.s3);
    const result = await t.bucket.copy("small.txt", "small-copy.txt");
    expect([...counts.entries()]).toEqual([["CopyObject", 1]]);
    expect(result.etag).toBe((await t.bucket.head("small.txt")).etag);
    expect(await t.bucket.getText("small-copy.txt")).toBe("hello");
    expect(await describeObject(t.raw, t.bucket.name, "small-copy.txt")).toEqual(
      await describeObject(t.raw, t.bucket.name, "small.txt"),
    );
  });

  it("copies into another bucket, below and above the threshold, relative to the same scope path", async (context) => {
    needs(context, "uploadPartCopy", "tagging", "multipartListing", "multipartEtags");
    const other = uniqueBucketName("dest");
    await t.s3.createBucket(other);
    try {
      const folder = t.bucket.prefix("in");
      await folder.put("a.json", { a: 1 }, { tags: { k: "v" } });
      const bytes = randomBytes(6 * MiB);
      await folder.put("b.bin", bytes, { metadata: { m: "1" } });
      const small = await folder.copy("a.json", "out/a.json", { destBucket: other });
      expect(small).toMatchObject({ key: "in/out/a.json", name: "out/a.json", bucket: other });
      const big = await folder.copy("b.bin", "out/b.bin", {
        destBucket: other,
        copyThreshold: 5 * MiB,
        partSize: 5 * MiB,
      });
      expect(big.etag).toMatch(/-2"$/);
      expect(JSON.parse((await rawBytes(t.raw, other, "in/out/a.json")).toString())).toEqual({
        a: 1,
      });
      expect(await rawTags(t.raw, other, "in/out/a.json")).toEqual({ k: "v" });
      expect((await rawBytes(t.raw, other, "in/out/b.bin")).equals(bytes)).toBe(true);
      expect((await describeObject(t.raw, other, "in/out/b.bin")).metadata).toEqual({ m: "1" });
      expect(await openUploads(t.raw, other)).toBe(0);
    } finally {
      await removeBucket(t.raw, other);
    }
  });

  it("handles keys with spaces, +, %, ?, #, & and unicode on both paths", async (context) => {
    needs(context, "uploadPartCopy", "copySourceKeys");
    const keys = [
      "a b/c+d.txt",
      "100%/x%2Fy.txt",
      "q?a=1&b#frag.txt",
      "ünï/日本語 ☃.txt",
      "plus+/+",
    ];
    for (const [index, key] of keys.entries()) {
      await t.bucket.put(key, `body ${index}`);
      await t.bucket.copy(key, `direct/${key}`);
      // copyThreshold 0 sends even these tiny objects through UploadPartCopy.
      await t.bucket.copy(key, `parts/${key}`, { copyThreshold: 0 });
    }
    for (const [index, key] of keys.entries()) {
      expect((await rawBytes(t.raw, t.bucket.name, `direct/${key}`)).toString()).toBe(
        `body ${index}`,
      );
      expect((await rawBytes(t.raw, t.bucket.name, `parts/${key}`)).toString()).toBe(
        `body ${index}`,
      );
    }
    const listed = await t.raw.send(new ListObjectsV2Command({ Bucket: t.bucket.name }));
    expect(listed.KeyCount).toBe(keys.length * 3);
  });

  it("replaces metadata or content-type while keeping the other headers of the source", async (context) => {
    needs(context, "uploadPartCopy", "tagging");
    await t.bucket.put("doc.html", "<p>x</p>", { ...richHeaders, contentType: "text/html" });
    await t.bucket.copy("doc.html", "meta.html", { metadata: { fresh: "yes" } });
    const meta = await describeObject(t.raw, t.bucket.name, "meta.html");
    expect(meta).toMatchObject({
      metadata: { fresh: "yes" },
      contentType: "text/html",
      cacheControl: richHeaders.cacheControl,
      contentDisposition: richHeaders.contentDisposition,
      tags: richHeaders.tags,
    });
    await t.bucket.copy("doc.html", "typed.txt", { contentType: "text/plain", tags: {} });
    const typed = await describeObject(t.raw, t.bucket.name, "typed.txt");
    expect(typed).toMatchObject({
      contentType: "text/plain",
      metadata: richHeaders.metadata,
      cacheControl: richHeaders.cacheControl,
      tags: {},
    });
    // The same replacements on the multipart path.
    await t.bucket.copy("doc.html", "parts.html", {
      copyThreshold: 0,
      metadata: { fresh: "parts" },
      tags: { only: "this" },
    });
    expect(await describeObject(t.raw, t.bucket.name, "parts.html")).toMatchObject({
      metadata: { fresh: "parts" },
      contentType: "text/html",
      cacheControl: richHeaders.cacheControl,
      tags: { only: "this" },
    });
  });

  it("ifNoneMatch refuses an existing destination on both paths and leaves it untouched", async (context) => {
    needs(context, "multipartListing");
    await t.bucket.put("src.txt", "new");
    await t.bucket.put("taken.txt", "old");
    await expect(
      t.bucket.copy("src.txt", "taken.txt", { ifNoneMatch: "*" }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(
      t.bucket.copy("src.txt", "taken.txt", { ifNoneMatch: "*", copyThreshold: 0 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("taken.txt")).toBe("old");
    expect(await openUploads(t.raw, t.bucket.name)).toBe(0);
    await t.bucket.copy("src.txt", "free.txt", { ifNoneMatch: "*" });
    expect(await t.bucket.getText("free.txt")).toBe("new");
  });

  it("ifNoneMatch on the multipart path is enforced at completion against a racing writer", async (context) => {
    needs(context, "uploadPartCopy", "conditionalWrites", "multipartListing");
    await t.bucket.put("race-src.bin", randomBytes(6 * MiB));
    t.s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        // After our existence check, another writer creates the destination.
        if (context.commandName === "CreateMultipartUploadCommand") {
          await t.raw.send(
            new PutObjectCommand({ Bucket: t.bucket.name, Key: "race-dest.bin", Body: "racer" }),
          );
        }
        return next(args);
      },
      { step: "initialize", name: "racingWriter" },
    );
    await expect(
      t.bucket.copy("race-src.bin", "race-dest.bin", {
        ifNoneMatch: "*",
        copyThreshold: 5 * MiB,
        partSize: 5 * MiB,
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("race-dest.bin")).toBe("racer");
    expect(await openUploads(t.raw, t.bucket.name)).toBe(0);
  });

  it("a missing source is an ObjectNotFoundError naming the source", async () => {
    const error = await t.bucket
      .prefix("p")
      .copy("nope.txt", "dest.txt")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ key: "p/nope.txt", bucket: t.bucket.name });
    await expect(
      t.bucket.copy("nope.txt", "dest.txt", { copyThreshold: 1 }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await t.bucket.exists("p/dest.txt")).toBe(false);
  });

  it("a source that changes during a multipart copy fails it, aborts the upload and writes nothing", async (context) => {
    needs(context, "uploadPartCopy", "conditionalCopy", "multipartListing");
    await t.bucket.put("moving.bin", randomBytes(12 * MiB));
    let replaced = false;
    t.s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UploadPartCopyCommand" && !replaced) {
          replaced = true;
          await t.raw.send(
            new PutObjectCommand({ Bucket: t.bucket.name, Key: "moving.bin", Body: "changed" }),
          );
        }
        return next(args);
      },
      { step: "initialize", name: "replaceSourceOnce" },
    );
    const error = await t.bucket
      .copy("moving.bin", "moved.bin", {
        copyThreshold: 5 * MiB,
        partSize: 5 * MiB,
        concurrency: 1,
      })
      .catch((e: unknown) => e);
    expect(replaced).toBe(true);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.exists("moved.bin")).toBe(false);
    expect(await openUploads(t.raw, t.bucket.name)).toBe(0);
  });

  it("refuses bad options before any request", async () => {
    const counts = countRequests(t.s3);
    await expect(t.bucket.copy("a", "b", { partSize: MiB })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.copy("a", "b", { copyThreshold: 6 * 1024 * MiB })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.copy("a", "/b")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.copy("a", "b", { destBucket: "no/slash" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.copy("a", "b", { metadata: { "bad key": "x" } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(counts.size).toBe(0);
  });
});

describe("move", () => {
  it("copies then deletes the source", async (context) => {
    needs(context, "tagging");
    await t.bucket.put("from/a.txt", "payload", { tags: { t: "1" } });
    const result = await t.bucket.prefix("from").move("a.txt", "b.txt");
    expect(result).toMatchObject({ key: "from/b.txt", name: "b.txt" });
    expect(await t.bucket.exists("from/a.txt")).toBe(false);
    expect(await t.bucket.getText("from/b.txt")).toBe("payload");
    expect(await t.bucket.getTags("from/b.txt")).toEqual({ t: "1" });
  });

  it("hardening 7: in a versioned bucket, move leaves a delete marker and keeps the moved version", async (context) => {
    needs(context, "versioning");
    await enableVersioning(t.raw, t.bucket.name);
    const put = await t.bucket.put("v/a.txt", "version one");
    expect(put.versionId).toBeTruthy();
    await t.bucket.move("v/a.txt", "v/b.txt");
    expect(await t.bucket.getText("v/b.txt")).toBe("version one");
    expect(await t.bucket.exists("v/a.txt")).toBe(false);
    const listed = await t.raw.send(
      new ListObjectVersionsCommand({ Bucket: t.bucket.name, Prefix: "v/a.txt" }),
    );
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([put.versionId]);
    expect(listed.DeleteMarkers).toEqual([
      expect.objectContaining({ Key: "v/a.txt", IsLatest: true }),
    ]);
    // Undo: deleting the marker brings the source back.
    const marker = listed.DeleteMarkers?.[0]?.VersionId;
    await t.raw.send(
      new DeleteObjectCommand({ Bucket: t.bucket.name, Key: "v/a.txt", VersionId: marker }),
    );
    expect(await t.bucket.getText("v/a.txt")).toBe("version one");
  });

  it("deletes nothing when the copy fails", async () => {
    await t.bucket.put("keep.txt", "source");
    await t.bucket.put("exists.txt", "target");
    await expect(
      t.bucket.move("keep.txt", "exists.txt", { ifNoneMatch: "*" }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("keep.txt")).toBe("source");
    expect(await t.bucket.getText("exists.txt")).toBe("target");
  });

  it("refuses to move an object onto itself", async () => {
    await t.bucket.put("same.txt", "x");
    const counts = countRequests(t.s3);
    await expect(
      t.bucket.prefix("d").move("../same.txt".slice(3), "same.txt"),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.move("same.txt", "same.txt")).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
    expect(await t.bucket.getText("same.txt")).toBe("x");
  });
});
