import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import * as sdk from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { S3, S3Error, S3OperationError, type UploadSource } from "../../src/index.js";
import { fakeCredentials } from "../helpers/fake-s3.js";
import { sha256 } from "../helpers/files.js";
import { s3Error } from "../helpers/s3-error.js";

// Review of s3kit's own multipart driver: the stored object is exactly the source's bytes
// whatever shape its chunks take, and a failure of the source is an S3Error that leaves no upload.

const MiB = 1024 * 1024;
const P = 5 * MiB;
const mock = mockClient(sdk.S3Client);
const client = new sdk.S3Client({ region: "us-east-1", credentials: fakeCredentials });
const s3 = new S3({ client, maxRetries: 1, retryDelay: 1, maxRetryDelay: 5 });
beforeEach(() => mock.reset());
afterAll(() => s3.close());

/**
 * A store that keeps a copy of each body as it was when its request was made (what the wire
 * would carry then), never the caller's buffer itself; `onPart` may delay a part.
 */
function copyingStore(onPart?: (partNumber: number) => Promise<void>) {
  const uploads = new Map<string, Map<number, Uint8Array>>();
  const objects = new Map<string, Uint8Array>();
  let ids = 0;
  mock.on(sdk.CreateMultipartUploadCommand).callsFake(async () => {
    const UploadId = `u${++ids}`;
    uploads.set(UploadId, new Map());
    return { UploadId };
  });
  mock.on(sdk.UploadPartCommand).callsFake(async (input) => {
    const copy = Uint8Array.from(input.Body as Uint8Array);
    await onPart?.(input.PartNumber);
    const parts = uploads.get(input.UploadId);
    if (!parts) throw s3Error("NoSuchUpload", 404);
    parts.set(input.PartNumber, copy);
    return { ETag: `"e${input.PartNumber}"` };
  });
  mock.on(sdk.CompleteMultipartUploadCommand).callsFake(async (input) => {
    const parts = uploads.get(input.UploadId);
    if (!parts) throw s3Error("NoSuchUpload", 404);
    const numbers = (input.MultipartUpload.Parts as Array<{ PartNumber: number }>).map(
      (part) => part.PartNumber,
    );
    objects.set(input.Key, Buffer.concat(numbers.map((n) => parts.get(n) as Uint8Array)));
    uploads.delete(input.UploadId);
    return { ETag: '"multi"' };
  });
  mock.on(sdk.PutObjectCommand).callsFake(async (input) => {
    objects.set(input.Key, Uint8Array.from(input.Body as Uint8Array));
    return { ETag: '"single"' };
  });
  mock.on(sdk.AbortMultipartUploadCommand).callsFake(async (input) => {
    uploads.delete(input.UploadId);
    return {};
  });
  mock.on(sdk.ListPartsCommand).callsFake(async (input) => {
    if (!uploads.has(input.UploadId)) throw s3Error("NoSuchUpload", 404);
    return { Parts: [] };
  });
  return { uploads, objects };
}

/**
 * A web stream that enqueues each of `chunks` as is (no copy), only when a read asks for it
 * (highWaterMark 0: nothing is read ahead, so a chunk is its reader's until the next read).
 */
function webOf(chunks: Iterable<unknown>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.iterator]();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value as Uint8Array);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A Node Readable of `chunks`, each as is, read ahead by no more than Node must. */
function nodeOf(chunks: Iterable<unknown>): Readable {
  return Readable.from(chunks, { objectMode: true, highWaterMark: 0 });
}

const streams: Array<[string, (chunks: Iterable<unknown>) => UploadSource]> = [
  ["a web ReadableStream", webOf],
  ["a Node Readable", nodeOf],
];

/**
 * `count` chunks of `size` bytes, all of them ONE buffer, refilled before it is given again:
 * what a stream over a reused read buffer does (the chunk is the consumer's until it asks for
 * the next one). Returns the chunks and the bytes they carry, in order.
 */
function reusedBuffer(count: number, size: number) {
  const buffer = Buffer.alloc(size);
  const expected: Buffer[] = [];
  function* chunks() {
    for (let i = 0; i < count; i++) {
      buffer.fill(i + 1);
      buffer.writeUInt32BE(i, 0);
      expected.push(Buffer.from(buffer));
      yield buffer;
    }
  }
  return { chunks: chunks(), expected };
}

describe("review: a web stream that gives the same buffer again, refilled once it is read", () => {
  // (Not a Node Readable: Node reads one chunk ahead into its buffer whatever its
  // highWaterMark, so a producer may not refill a chunk it pushed.)
  for (const [kind, make] of streams.slice(0, 1)) {
    it.each([
      ["chunks of a third of a part (each copied into its part)", Math.floor(P / 3) + 1, 10],
      ["chunks of exactly a part", P, 4],
      ["chunks of two parts", 2 * P, 2],
      ["chunks of a part and a half", P + P / 2, 3],
      ["one chunk of a part, then nothing (one PutObject)", P, 1],
    ])(`${kind}, %s: the object is the bytes given, in order`, async (_label, size, count) => {
      const store = copyingStore(() => new Promise((resolve) => setTimeout(resolve, 5)));
      const { chunks, expected } = reusedBuffer(count, size);
      await s3.bucket("bkt").upload(make(chunks), "k.bin", { partSize: P, concurrency: 2 });
      const stored = store.objects.get("k.bin") as Uint8Array;
      expect(stored.byteLength).toBe(size * count);
      expect(sha256(stored)).toBe(sha256(Buffer.concat(expected)));
      expect(store.uploads.size).toBe(0);
    });
  }
});

/** Bytes cut into chunks of the given lengths (cycled), each a view at an odd offset into a larger buffer. */
function oddChunks(bytes: Uint8Array, lengths: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.byteLength || i === 0; i++) {
    const length = Math.min(lengths[i % lengths.length] as number, bytes.byteLength - offset);
    // Garbage on both sides of the view: only its own bytes may be sent.
    const host = new Uint8Array(length + 37).fill(0xee);
    host.set(bytes.subarray(offset, offset + length), 13);
    chunks.push(host.subarray(13, 13 + length));
    offset += length;
    if (bytes.byteLength === 0) break;
  }
  return chunks;
}

describe("review: chunks of every shape make exactly the source's bytes", () => {
  const shapes: Array<[string, number, number[]]> = [
    ["views into larger buffers, zero-length chunks between", 2 * P + 11, [MiB + 3, 0, 0, 7, 0]],
    ["a chunk of three and a half parts, then small ones", 4 * P + 5, [3 * P + P / 2, 1, 0, 4]],
    ["chunks that end exactly at each part boundary, then an empty one", 2 * P, [P, 0]],
    ["a first chunk of one byte, then a chunk of many parts", 3 * P + 1, [1, 3 * P]],
    ["zero-length chunks only", 0, [0, 0, 0]],
  ];
  for (const [kind, make] of streams) {
    it.each(shapes)(`${kind}, %s`, async (_label, size, lengths) => {
      const store = copyingStore();
      const bytes = randomBytes(size);
      const chunks = oddChunks(bytes, lengths);
      if (lengths.includes(0)) chunks.splice(1, 0, new Uint8Array(0), new Uint8Array(0));
      await s3.bucket("bkt").upload(make(chunks), "k.bin", { partSize: P, concurrency: 3 });
      const stored = store.objects.get("k.bin") as Uint8Array;
      expect(stored.byteLength).toBe(size);
      expect(sha256(stored)).toBe(sha256(bytes));
      const parts = mock.commandCalls(sdk.UploadPartCommand).map((call) => {
        return (call.args[0].input.Body as Uint8Array).byteLength;
      });
      // No empty part, none but the last short.
      expect(parts.every((length) => length > 0)).toBe(true);
      expect(parts.slice(0, -1).every((length) => length === P)).toBe(true);
      expect(store.uploads.size).toBe(0);
    });
  }

  it("a web stream of ArrayBuffers, DataViews and Uint16Arrays over larger buffers", async () => {
    const store = copyingStore();
    const bytes = randomBytes(P + 4096);
    const host = new ArrayBuffer(bytes.byteLength + 64);
    new Uint8Array(host).set(bytes, 32);
    const chunks: unknown[] = [
      host.slice(32, 32 + 1000),
      new DataView(host, 32 + 1000, 2000),
      new Uint16Array(host, 32 + 3000, (P - 3000) / 2),
      new Uint8Array(host, 32 + P, 4096),
    ];
    await s3.bucket("bkt").upload(webOf(chunks), "k.bin", { partSize: P });
    expect(sha256(store.objects.get("k.bin") as Uint8Array)).toBe(sha256(bytes));
  });
});

describe("review: memory stays within (concurrency + 1) parts for a stream", () => {
  it("parts held in flight: the stream is read no further than the part waiting for a slot", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    copyingStore(() => held);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += MiB;
          controller.enqueue(new Uint8Array(MiB));
          if (pulled >= 40 * P) controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const done = s3.bucket("bkt").upload(stream, "k.bin", { partSize: P, concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mock.commandCalls(sdk.UploadPartCommand)).toHaveLength(2);
    // Two parts in flight, a third read and waiting; at most one chunk pulled ahead.
    expect(pulled).toBeLessThanOrEqual(3 * P + MiB);
    release();
    await done;
  });
});

describe("review: a source's own failure", () => {
  const failures: Array<[string, unknown]> = [
    ["a string", "the source broke"],
    ["nothing (controller.error())", undefined],
    [
      "an error with a network code",
      Object.assign(new Error("upstream reset"), { code: "ECONNRESET" }),
    ],
    ["an AbortError of its own", new DOMException("upstream gone", "AbortError")],
  ];
  it.each(failures)(
    "a web stream that fails with %s after two parts: an S3Error, no upload left",
    async (_label, reason) => {
      const store = copyingStore();
      let pulls = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulls++ < 3) controller.enqueue(new Uint8Array(P));
          else controller.error(reason);
        },
      });
      const error = await s3
        .bucket("bkt")
        .upload(stream, "k.bin", { partSize: P })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3Error);
      expect(mock.commandCalls(sdk.CompleteMultipartUploadCommand)).toHaveLength(0);
      expect(store.uploads.size).toBe(0);
      expect(store.objects.size).toBe(0);
    },
  );

  it("a web stream that fails with an AbortError of its own, the caller never aborting: not reported as the caller's abort", async () => {
    copyingStore();
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ < 3) controller.enqueue(new Uint8Array(P));
        else controller.error(new DOMException("upstream gone", "AbortError"));
      },
    });
    const error = await s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).not.toBe("Aborted");
  });

  it("a Node Readable in object mode that gives a number: S3OperationError, no upload left", async () => {
    const store = copyingStore();
    const stream = Readable.from([new Uint8Array(P), new Uint8Array(P), 42], { objectMode: true });
    const error = await s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(store.uploads.size).toBe(0);
    expect(store.objects.size).toBe(0);
  });
});

describe("review: an abort that arrives while the source is being opened", () => {
  it.each([
    ["a web ReadableStream", () => webOf([new Uint8Array(10)])],
    ["bytes", () => new Uint8Array(10)],
  ])("%s: upload() fails with Aborted and stores nothing", async (_kind, make) => {
    const store = copyingStore();
    const controller = new AbortController();
    const done = s3
      .bucket("bkt")
      .upload(make(), "k.bin", { signal: controller.signal })
      .catch((e: unknown) => e);
    // upload() is under way (opening its source) when the caller gives up.
    controller.abort();
    const outcome = await done;
    expect(outcome).toMatchObject({ code: "Aborted" });
    expect(mock.calls()).toHaveLength(0);
    expect(store.objects.size).toBe(0);
  });
});
