import { createHash, randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  BucketNotFoundError,
  ObjectNotFoundError,
  type OpenedObject,
  type OpenOptions,
  type OpenResult,
  PreconditionFailedError,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { sha256 } from "../helpers/files.js";
import {
  captureBodies,
  countRequests,
  enableVersioning,
  testS3,
  uniqueBucketName,
  useTestBucket,
} from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

/** The opened object, failing the test on a 304. */
function opened(result: OpenResult): OpenedObject {
  if (result.status === 304) throw new Error("expected a body, got 304");
  return result;
}

async function bytesOf(result: OpenResult): Promise<Buffer> {
  return Buffer.from(await new Response(opened(result).body).arrayBuffer());
}

describe("open(): one GetObject, a web stream and the object's headers", () => {
  it("200: the whole body and what the response said", async () => {
    const data = randomBytes(300_000);
    const put = await t.bucket.put("docs/a.bin", data, {
      contentType: "application/x-demo",
      metadata: { owner: "ana" },
      cacheControl: "max-age=9",
      contentDisposition: "inline",
    });
    const counts = countRequests(t.s3);
    const file = opened(await t.bucket.open("docs/a.bin"));
    expect(file.body).toBeInstanceOf(ReadableStream);
    expect(file).toMatchObject({
      status: 200,
      contentLength: data.length,
      contentType: "application/x-demo",
      etag: put.etag,
      metadata: { owner: "ana" },
      cacheControl: "max-age=9",
      contentDisposition: "inline",
      range: undefined,
    });
    expect(file.lastModified).toBeInstanceOf(Date);
    expect((await bytesOf(file)).equals(data)).toBe(true);
    expect(Object.fromEntries(counts)).toEqual({ GetObject: 1 });
  });

  /** Opens each range of a fresh 10,000-byte object and checks the 206 and the part it covers. */
  async function expectRanges(
    cases: Array<{ range: OpenOptions["range"]; from: number; to: number }>,
  ) {
    const data = randomBytes(10_000);
    await t.bucket.put("r.bin", data);
    for (const { range, from, to } of cases) {
      const file = opened(await t.bucket.open("r.bin", { range }));
      expect(file.status, JSON.stringify(range)).toBe(206);
      expect(file.range).toEqual({ start: from, end: to - 1, size: 10_000 });
      expect(file.contentLength).toBe(to - from);
      expect((await bytesOf(file)).equals(data.subarray(from, to))).toBe(true);
    }
  }

  it("206: { offset, length } and { offset } ranges, with the part they cover", async () => {
    await expectRanges([
      { range: { offset: 100, length: 50 }, from: 100, to: 150 },
      { range: { offset: 9_000 }, from: 9_000, to: 10_000 },
      { range: { offset: 9_990, length: 100 }, from: 9_990, to: 10_000 },
    ]);
  });

  it("206: { suffix } ranges, the last bytes or the whole object", async (context) => {
    needs(context, "exactRanges");
    await expectRanges([
      { range: { suffix: 10 }, from: 9_990, to: 10_000 },
      { range: { suffix: 50_000 }, from: 0, to: 10_000 },
    ]);
  });

  it("304 without a body for ifNoneMatch (the ETag or *) and ifModifiedSince", async (context) => {
    needs(context, "notModifiedHeaders");
    const put = await t.bucket.put("c.txt", "cached");
    const { lastModified } = await t.bucket.head("c.txt");
    const counts = countRequests(t.s3);
    for (const options of [
      { ifNoneMatch: put.etag },
      { ifNoneMatch: "*" },
      { ifModifiedSince: lastModified as Date },
      { ifNoneMatch: put.etag, range: { offset: 1, length: 2 } },
    ]) {
      const result = await t.bucket.open("c.txt", options);
      expect(result).toEqual({ status: 304, body: null, etag: put.etag, lastModified });
    }
    expect(Object.fromEntries(counts)).toEqual({ GetObject: 4 });
    // Not modified since an earlier time, or another ETag: the body comes.
    const earlier = new Date((lastModified as Date).getTime() - 60_000);
    expect(
      (await bytesOf(await t.bucket.open("c.txt", { ifModifiedSince: earlier }))).toString(),
    ).toBe("cached");
    expect(
      (await bytesOf(await t.bucket.open("c.txt", { ifNoneMatch: '"other"' }))).toString(),
    ).toBe("cached");
  });

  it("ifMatch and ifUnmodifiedSince that do not hold: PreconditionFailedError", async (context) => {
    needs(context, "conditionalReads");
    await t.bucket.put("p.txt", "x");
    const { lastModified } = await t.bucket.head("p.txt");
    const before = new Date((lastModified as Date).getTime() - 60_000);
    for (const options of [{ ifMatch: '"other"' }, { ifUnmodifiedSince: before }]) {
      const error = await rejection(t.bucket.open("p.txt", options));
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({ status: 412, key: "p.txt" });
    }
  });

  it("a missing key is ObjectNotFoundError, a missing bucket BucketNotFoundError", async () => {
    expect(await rejection(t.bucket.open("nope"))).toBeInstanceOf(ObjectNotFoundError);
    const gone = t.s3.bucket(uniqueBucketName("gone"));
    expect(await rejection(gone.open("nope"))).toBeInstanceOf(BucketNotFoundError);
  });

  it("a range past the end, or any range of an empty object: S3OperationError InvalidRange, status 416", async () => {
    await t.bucket.put("ten.txt", "0123456789");
    await t.bucket.put("empty.txt", "");
    for (const [key, range] of [
      ["ten.txt", { offset: 10 }],
      ["empty.txt", { offset: 0 }],
      ["empty.txt", { suffix: 5 }],
    ] as const) {
      const error = await rejection(t.bucket.open(key, { range }));
      expect(error, `${key} ${JSON.stringify(range)}`).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "InvalidRange", status: 416 });
    }
    // An empty object without a range is fine.
    const empty = opened(await t.bucket.open("empty.txt"));
    expect(empty.contentLength).toBe(0);
    expect((await bytesOf(empty)).length).toBe(0);
  });

  it("versionId opens an older version", async (context) => {
    needs(context, "versioning");
    await enableVersioning(t.raw, t.bucket.name);
    const first = await t.raw.send(
      new PutObjectCommand({ Bucket: t.bucket.name, Key: "v.txt", Body: "one" }),
    );
    await t.bucket.put("v.txt", "two");
    const old = opened(await t.bucket.open("v.txt", { versionId: first.VersionId as string }));
    expect(old.versionId).toBe(first.VersionId);
    expect((await bytesOf(old)).toString()).toBe("one");
  });

  it("bad options are ValidationErrors before any request", async () => {
    const counts = countRequests(t.s3);
    for (const options of [
      { range: { offset: -1 } },
      { range: { suffix: 0 } },
      { ifNoneMatch: "" },
      { ifModifiedSince: new Date(Number.NaN) },
      { idleTimeout: 0 },
    ]) {
      expect(await rejection(t.bucket.open("k", options))).toBeInstanceOf(ValidationError);
    }
    expect(await rejection(t.bucket.open("/abs"))).toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });
});

describe("open(): the body's connection", () => {
  it("60 bodies cancelled (before reading, after one chunk) free their sockets", async () => {
    await t.bucket.put("big.bin", randomBytes(8 * MiB));
    await t.bucket.put("small.txt", "fine");
    for (let i = 0; i < 60; i++) {
      const body = opened(await t.bucket.open("big.bin")).body;
      if (i % 2 === 0) {
        await body.cancel();
      } else {
        const reader = body.getReader();
        await reader.read();
        await reader.cancel();
      }
    }
    const texts = await Promise.all(
      Array.from({ length: 60 }, () => t.bucket.getText("small.txt")),
    );
    expect(texts.every((text) => text === "fine")).toBe(true);
  }, 60_000);

  it("backpressure: a body not read keeps what is pulled from the socket far below its size", async () => {
    const size = 32 * MiB;
    const data = randomBytes(size);
    await t.bucket.put("slow.bin", data);
    const s3 = testS3(); // its own socket, whose byte count is this GET's alone
    try {
      const bodies = captureBodies();
      const reader = opened(await s3.bucket(t.bucket.name).open("slow.bin")).body.getReader();
      const hash = createHash("sha256");
      const first = await reader.read();
      hash.update(first.value as Uint8Array);
      let total = first.value?.length ?? 0;
      await delay(500);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]?.socket?.bytesRead).toBeLessThan(4 * MiB);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        hash.update(chunk.value);
        total += chunk.value.length;
      }
      expect(total).toBe(size);
      expect(hash.digest("hex")).toBe(sha256(data));
    } finally {
      s3.close();
    }
  });
});
