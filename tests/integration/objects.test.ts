import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  attachmentDisposition,
  ObjectNotFoundError,
  PreconditionFailedError,
  type PutBody,
  S3Error,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { countRequests, enableVersioning, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
const temp = useTempDir("objects");

/** The object's bytes as the raw SDK sees them, not trusting s3kit's reads. */
async function rawBytes(key: string): Promise<Uint8Array> {
  const response = await t.raw.send(new GetObjectCommand({ Bucket: t.bucket.name, Key: key }));
  return (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
}

/** Bytes as a Buffer, so that comparisons look at content and not at the Uint8Array subclass. */
function buf(bytes: Uint8Array | string): Buffer {
  return typeof bytes === "string"
    ? Buffer.from(bytes)
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function webStream(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

describe("put stores every body type byte for byte", () => {
  const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
  const cases: Array<[label: string, body: () => PutBody, expected: Uint8Array]> = [
    ["string", () => "héllo wörld ✓", Buffer.from("héllo wörld ✓")],
    ["empty string", () => "", new Uint8Array(0)],
    ["Uint8Array", () => bytes, bytes],
    ["empty Uint8Array", () => new Uint8Array(0), new Uint8Array(0)],
    ["Buffer", () => Buffer.from(bytes), bytes],
    [
      "Uint8Array view into a larger buffer",
      () => new Uint8Array(Buffer.from("xxABCxx")).subarray(2, 5),
      Buffer.from("ABC"),
    ],
    ["ArrayBuffer", () => bytes.slice().buffer, bytes],
    ["Blob", () => new Blob([bytes]), bytes],
    [
      "Readable",
      () => Readable.from([Buffer.from("chunk one, "), Buffer.from("chunk two")]),
      Buffer.from("chunk one, chunk two"),
    ],
    ["empty Readable", () => Readable.from([]), new Uint8Array(0)],
    ["web ReadableStream", () => webStream(["web ", "stream"]), Buffer.from("web stream")],
    [
      "plain object",
      () => ({ env: "prod", n: 1, nested: { list: [1, 2] } }),
      Buffer.from('{"env":"prod","n":1,"nested":{"list":[1,2]}}'),
    ],
    [
      "null-prototype object",
      () => Object.assign(Object.create(null), { a: 1 }),
      Buffer.from('{"a":1}'),
    ],
    ["array", () => [1, "two", { three: 3 }], Buffer.from('[1,"two",{"three":3}]')],
    ["empty array", () => [], Buffer.from("[]")],
  ];

  it.each(cases)("%s", async (label, body, expected) => {
    const key = `bodies/${label.replaceAll(" ", "-")}`;
    const result = await t.bucket.put(key, body());
    expect(result.key).toBe(key);
    expect(result.name).toBe(key);
    expect(result.etag).toMatch(/^".+"$/);
    expect(buf(await rawBytes(key))).toEqual(buf(expected));
    const info = await t.bucket.head(key);
    expect(info.contentLength).toBe(expected.byteLength);
    expect(info.etag).toBe(result.etag);
  });

  it("a large Readable goes up in parts and arrives intact", async () => {
    const data = randomBytes(11 * 1024 * 1024);
    const chunks = Array.from({ length: 11 }, (_, i) =>
      data.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024),
    );
    const counts = countRequests(t.s3);
    await t.bucket.put("big/stream.bin", Readable.from(chunks), { partSize: 5 * 1024 * 1024 });
    expect(counts.get("CreateMultipartUpload")).toBe(1);
    expect(counts.get("UploadPart")).toBe(3);
    expect(sha256(await rawBytes("big/stream.bin"))).toBe(sha256(data));
    expect(sha256(await t.bucket.getBytes("big/stream.bin"))).toBe(sha256(data));
  });
});

describe("reads", () => {
  it("getBytes, getText and getJson return what was written", async () => {
    await t.bucket.put("r/bytes.bin", new Uint8Array([9, 8, 7]));
    await t.bucket.put("r/text.txt", "zwölf Boxkämpfer");
    await t.bucket.put("r/doc.json", { list: [1, 2, 3], ok: true });
    expect(buf(await t.bucket.getBytes("r/bytes.bin"))).toEqual(Buffer.from([9, 8, 7]));
    expect(await t.bucket.getText("r/text.txt")).toBe("zwölf Boxkämpfer");
    expect(await t.bucket.getJson<{ list: number[]; ok: boolean }>("r/doc.json")).toEqual({
      list: [1, 2, 3],
      ok: true,
    });
    expect(buf(await t.bucket.getBytes("r/text.txt"))).toEqual(Buffer.from("zwölf Boxkämpfer"));
  });

  it("reads an empty object as empty bytes and text", async () => {
    await t.bucket.put("empty", "");
    expect((await t.bucket.getBytes("empty")).byteLength).toBe(0);
    expect(await t.bucket.getText("empty")).toBe("");
  });

  it("reads a byte range", async () => {
    await t.bucket.put("range.txt", "0123456789");
    expect(await t.bucket.getText("range.txt", { range: { offset: 2, length: 3 } })).toBe("234");
    expect(await t.bucket.getText("range.txt", { range: { offset: 7 } })).toBe("789");
    expect(
      buf(await t.bucket.getBytes("range.txt", { range: { offset: 8, length: 100 } })),
    ).toEqual(Buffer.from("89"));
    await t.bucket.put("range.json", { a: [1, 2] });
    expect(await t.bucket.getJson("range.json", { range: { offset: 5, length: 5 } })).toEqual([
      1, 2,
    ]);
  });

  it("reads the first byte alone (bytes=0-0)", async (context) => {
    needs(context, "exactRanges");
    await t.bucket.put("range.txt", "0123456789");
    expect(await t.bucket.getText("range.txt", { range: { offset: 0, length: 1 } })).toBe("0");
  });

  it("a range past the end is an S3Error, not a crash", async () => {
    await t.bucket.put("short.txt", "abc");
    const error = await rejection(t.bucket.getBytes("short.txt", { range: { offset: 100 } }));
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 416, key: "short.txt" });
  });

  it('ifMatch "*" (the object exists) reads with getText, stream and download', async () => {
    await t.bucket.put("any.txt", "hello");
    expect(await t.bucket.getText("any.txt", { ifMatch: "*" })).toBe("hello");
    const chunks: Buffer[] = [];
    for await (const chunk of await t.bucket.stream("any.txt", { ifMatch: "*" })) {
      chunks.push(chunk as Buffer);
    }
    expect(Buffer.concat(chunks).toString()).toBe("hello");
    const target = join(temp.path, "any.txt");
    const result = await t.bucket.download("any.txt", target, { ifMatch: "*" });
    expect(await readFile(target, "utf8")).toBe("hello");
    // The download is pinned to the ETag the store answered with, as without ifMatch.
    expect(result.etag).toBe((await t.bucket.head("any.txt")).etag);
    // "*" still needs an object there.
    const error = await rejection(t.bucket.getText("missing.txt", { ifMatch: "*" }));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
  });

  it("ifMatch: the current ETag reads, a stale one → PreconditionFailedError", async (context) => {
    needs(context, "conditionalReads");
    const first = await t.bucket.put("cond.txt", "one");
    const second = await t.bucket.put("cond.txt", "two");
    expect(second.etag).not.toBe(first.etag);
    expect(await t.bucket.getText("cond.txt", { ifMatch: second.etag })).toBe("two");
    for (const read of [
      () => t.bucket.getText("cond.txt", { ifMatch: first.etag }),
      () => t.bucket.getBytes("cond.txt", { ifMatch: first.etag }),
      () => t.bucket.getJson("cond.txt", { ifMatch: first.etag }),
    ]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({
        code: "PreconditionFailed",
        status: 412,
        key: "cond.txt",
        bucket: t.bucket.name,
      });
    }
  });

  it("versionId reads an older version", async (context) => {
    needs(context, "versioning");
    await enableVersioning(t.raw, t.bucket.name);
    const v1 = await t.bucket.put("versioned.json", { version: 1 });
    const v2 = await t.bucket.put("versioned.json", { version: 2 });
    expect(v1.versionId).toBeTruthy();
    expect(v2.versionId).toBeTruthy();
    expect(v2.versionId).not.toBe(v1.versionId);
    expect(await t.bucket.getJson("versioned.json")).toEqual({ version: 2 });
    expect(await t.bucket.getJson("versioned.json", { versionId: v1.versionId })).toEqual({
      version: 1,
    });
    expect(await t.bucket.getText("versioned.json", { versionId: v2.versionId })).toBe(
      '{"version":2}',
    );
    const slice = await t.bucket.getBytes("versioned.json", {
      versionId: v1.versionId,
      range: { offset: 11, length: 1 },
    });
    expect(buf(slice)).toEqual(Buffer.from("1"));
    const info = await t.bucket.head("versioned.json", { versionId: v1.versionId });
    expect(info.versionId).toBe(v1.versionId);
    expect(info.etag).toBe(v1.etag);
    // Deleting a version removes just that one.
    await t.bucket.delete("versioned.json", { versionId: v2.versionId });
    expect(await t.bucket.getJson("versioned.json")).toEqual({ version: 1 });
  });

  it('versionId "null" reads the object stored before versioning', async (context) => {
    needs(context, "versioning", "nullVersion");
    await t.bucket.put("plain.txt", "stored unversioned");
    // ?versionId=null names the object stored before versioning; a store answers naming that
    // version "null" (S3) or no version at all (MinIO).
    const raw = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "plain.txt", VersionId: "null" }),
    );
    expect([undefined, "null"]).toContain(raw.VersionId);
    expect(await t.bucket.getText("plain.txt", { versionId: "null" })).toBe("stored unversioned");
    await enableVersioning(t.raw, t.bucket.name);
    const newer = await t.bucket.put("plain.txt", "a versioned overwrite");
    expect(newer.versionId).toBeTruthy();
    const options = { versionId: "null" };
    expect(await t.bucket.getText("plain.txt", options)).toBe("stored unversioned");
    expect(buf(await t.bucket.getBytes("plain.txt", options))).toEqual(buf("stored unversioned"));
    expect((await t.bucket.head("plain.txt", options)).contentLength).toBe(18);
    const target = join(temp.path, "plain.txt");
    await t.bucket.download("plain.txt", target, options);
    expect(await readFile(target, "utf8")).toBe("stored unversioned");
    expect(await t.bucket.getText("plain.txt")).toBe("a versioned overwrite");
  });

  it("an already aborted signal → S3OperationError Aborted, and no request is sent", async () => {
    await t.bucket.put("abort.txt", "x");
    const counts = countRequests(t.s3);
    const controller = new AbortController();
    controller.abort();
    const { signal } = controller;
    for (const call of [
      () => t.bucket.getText("abort.txt", { signal }),
      () => t.bucket.getBytes("abort.txt", { signal }),
      () => t.bucket.getJson("abort.txt", { signal }),
      () => t.bucket.head("abort.txt", { signal }),
      () => t.bucket.exists("abort.txt", { signal }),
      () => t.bucket.put("abort2.txt", "y", { signal }),
      () => t.bucket.put("abort3.bin", Readable.from([Buffer.from("y")]), { signal }),
      () => t.bucket.delete("abort.txt", { signal }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "Aborted", retryable: false });
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(await t.bucket.exists("abort.txt")).toBe(true);
    expect(await t.bucket.exists("abort2.txt")).toBe(false);
    expect(await t.bucket.exists("abort3.bin")).toBe(false);
  });

  it("getJson on invalid JSON → an S3Error naming the key", async () => {
    const folder = t.bucket.prefix("conf");
    await folder.put("broken.json", "{ not: json");
    const error = await rejection(folder.getJson("broken.json"));
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "InvalidJson",
      key: "conf/broken.json",
      bucket: t.bucket.name,
    });
    expect((error as Error).message).toContain(`s3://${t.bucket.name}/conf/broken.json`);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("a missing key → ObjectNotFoundError for every read, with its fields", async () => {
    for (const read of [
      () => t.bucket.getText("missing.txt"),
      () => t.bucket.getBytes("missing.txt"),
      () => t.bucket.getJson("missing.txt"),
      () => t.bucket.head("missing.txt"),
      () => t.bucket.getTags("missing.txt"),
    ]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({
        status: 404,
        bucket: t.bucket.name,
        key: "missing.txt",
        retryable: false,
      });
      expect((error as Error).message).toContain(`s3://${t.bucket.name}/missing.txt`);
    }
  });
});

describe("exists, head, delete", () => {
  it("exists: true for an object, false for a missing key, a folder-like prefix, or a longer key", async () => {
    await t.bucket.put("dir/file.txt", "x");
    expect(await t.bucket.exists("dir/file.txt")).toBe(true);
    expect(await t.bucket.exists("dir/missing.txt")).toBe(false);
    expect(await t.bucket.exists("dir")).toBe(false);
    expect(await t.bucket.exists("dir/file.txt.bak")).toBe(false);
    expect(await t.bucket.prefix("dir").exists("file.txt")).toBe(true);
  });

  it("head reports size, type, ETag, date, metadata and (withTags) tags", async (context) => {
    needs(context, "tagging");
    const before = Date.now() - 60_000;
    const put = await t.bucket.put("h/info.txt", "12345", {
      metadata: { owner: "alice", "trace-id": "abc-123" },
      tags: { project: "s3kit", stage: "test" },
    });
    const info = await t.bucket.head("h/info.txt", { withTags: true });
    expect(info).toMatchObject({
      key: "h/info.txt",
      name: "h/info.txt",
      contentLength: 5,
      contentType: "text/plain; charset=utf-8",
      etag: put.etag,
      metadata: { owner: "alice", "trace-id": "abc-123" },
      tags: { project: "s3kit", stage: "test" },
    });
    expect(info.lastModified).toBeInstanceOf(Date);
    expect(info.lastModified?.getTime()).toBeGreaterThan(before);
    const withoutTags = await t.bucket.head("h/info.txt");
    expect(withoutTags.tags).toBeUndefined();
  });

  it("delete removes an object and is idempotent", async () => {
    await t.bucket.put("del.txt", "x");
    await t.bucket.delete("del.txt");
    expect(await t.bucket.exists("del.txt")).toBe(false);
    await expect(t.bucket.delete("del.txt")).resolves.toBeUndefined();
    await expect(t.bucket.delete("never-existed.txt")).resolves.toBeUndefined();
  });

  it("results carry the full key and the name relative to the scope", async () => {
    const folder = t.bucket.prefix("a").prefix("b");
    const put = await folder.put("c.txt", "x");
    expect(put).toMatchObject({ key: "a/b/c.txt", name: "c.txt" });
    const info = await folder.head("c.txt");
    expect(info).toMatchObject({ key: "a/b/c.txt", name: "c.txt" });
    expect(buf(await rawBytes("a/b/c.txt"))).toEqual(Buffer.from("x"));
    expect(await t.bucket.getText("a/b/c.txt")).toBe("x");
    expect(await t.bucket.prefix("a").getText("b/c.txt")).toBe("x");
  });
});

describe("write options", () => {
  it("metadata and tags round-trip (head withTags, getTags), tags with spaces and symbols", async (context) => {
    needs(context, "tagging");
    // S3 allows letters, digits, spaces and + - = . _ : / @ in tags.
    const tags = { project: "s3kit", "with space": "a+b=c-d.e_f:g/h@i", empty: "" };
    await t.bucket.put("meta.json", { a: 1 }, { metadata: { owner: "alice", Team: "Core" }, tags });
    const info = await t.bucket.head("meta.json", { withTags: true });
    expect(info.metadata).toEqual({ owner: "alice", team: "Core" });
    expect(info.tags).toEqual(tags);
    expect(await t.bucket.getTags("meta.json")).toEqual(tags);
  });

  it("setTags replaces the tags, setTags({}) removes them", async () => {
    await t.bucket.put("tagged.txt", "x", { tags: { a: "1", b: "2" } });
    await t.bucket.setTags("tagged.txt", { c: "3" });
    expect(await t.bucket.getTags("tagged.txt")).toEqual({ c: "3" });
    await t.bucket.setTags("tagged.txt", {});
    expect(await t.bucket.getTags("tagged.txt")).toEqual({});
  });

  it("tags on a streamed put are there as soon as put returns", async (context) => {
    needs(context, "tagging");
    await t.bucket.put("tagged-stream.bin", Readable.from([Buffer.from("abc")]), {
      tags: { kind: "stream" },
    });
    expect(await t.bucket.getTags("tagged-stream.bin")).toEqual({ kind: "stream" });
  });

  it("cacheControl, contentDisposition and storageClass are stored", async () => {
    await t.bucket.put("opts.txt", "x", {
      cacheControl: "public, max-age=3600",
      contentDisposition: 'attachment; filename="report.txt"',
      storageClass: "REDUCED_REDUNDANCY",
    });
    const info = await t.bucket.head("opts.txt");
    expect(info.cacheControl).toBe("public, max-age=3600");
    expect(info.contentDisposition).toBe('attachment; filename="report.txt"');
    expect(info.storageClass).toBe("REDUCED_REDUNDANCY");
    const raw = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: "opts.txt" }));
    expect(raw.StorageClass).toBe("REDUCED_REDUNDANCY");
    expect(raw.CacheControl).toBe("public, max-age=3600");
  });

  it("a file name outside ASCII goes in contentDisposition through attachmentDisposition", async () => {
    const disposition = attachmentDisposition("Résumé €.pdf");
    await t.bucket.put("cv.pdf", "x", { contentDisposition: disposition });
    expect((await t.bucket.head("cv.pdf")).contentDisposition).toBe(disposition);
    // Given as is, the same name is refused before any request, saying how to encode it.
    const error = await t.bucket
      .put("cv.pdf", "y", { contentDisposition: 'attachment; filename="Résumé €.pdf"' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(await t.bucket.getText("cv.pdf")).toBe("x");
  });

  it('storageClass "STANDARD" is accepted (reported as such or by omission)', async () => {
    await t.bucket.put("standard.txt", "x", { storageClass: "STANDARD" });
    const info = await t.bucket.head("standard.txt");
    expect(info.storageClass === undefined || info.storageClass === "STANDARD").toBe(true);
  });
});

describe("conditional writes", () => {
  it('a second put with ifNoneMatch "*" → PreconditionFailedError, the first content intact', async (context) => {
    needs(context, "conditionalWrites");
    await t.bucket.put("once.json", { first: true }, { ifNoneMatch: "*" });
    const error = await rejection(
      t.bucket.put("once.json", { second: true }, { ifNoneMatch: "*" }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({
      status: 412,
      key: "once.json",
      operation: "PutObject",
      retryable: false,
    });
    expect(await t.bucket.getJson("once.json")).toEqual({ first: true });
  });

  it('ifNoneMatch "*" holds for streamed bodies too', async (context) => {
    needs(context, "conditionalWrites");
    await t.bucket.put("once-stream.txt", "original");
    const error = await rejection(
      t.bucket.put("once-stream.txt", Readable.from([Buffer.from("replacement")]), {
        ifNoneMatch: "*",
      }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("once-stream.txt")).toBe("original");
  });

  it("ifMatch with a stale ETag → PreconditionFailedError; the current one writes", async (context) => {
    needs(context, "conditionalWrites");
    const first = await t.bucket.put("cas.txt", "v1");
    const second = await t.bucket.put("cas.txt", "v2");
    const error = await rejection(t.bucket.put("cas.txt", "v3", { ifMatch: first.etag }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await t.bucket.getText("cas.txt")).toBe("v2");
    const third = await t.bucket.put("cas.txt", "v3", { ifMatch: second.etag });
    expect(third.etag).not.toBe(second.etag);
    expect(await t.bucket.getText("cas.txt")).toBe("v3");
  });
});
