import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3, S3OperationError, type UploadSource } from "../../src/index.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { s3Error } from "../helpers/s3-error.js";
import { mockUploadStore } from "../helpers/upload-store.js";

const MiB = 1024 * 1024;
const P = 5 * MiB;
const mock = mockClient(S3Client);
const dir = useTempDir("upload-parts");
let s3: S3;
let client: S3Client;

beforeEach(() => {
  mock.reset();
  client = new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
  s3 = new S3({ client, maxRetries: 1, retryDelay: 1, maxRetryDelay: 5 });
});

afterEach(() => s3.close());

/** The store (tests/helpers/upload-store.ts) played by this file's mock. */
function mockStore(onPart?: (partNumber: number) => Promise<void>) {
  return mockUploadStore(mock, onPart);
}

/** The byte lengths of the UploadParts sent, in part-number order, and of the PutObjects. */
function sent() {
  const parts = mock
    .commandCalls(UploadPartCommand)
    .map((call) => call.args[0].input)
    .sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0))
    .map((input) => (input.Body as Uint8Array).byteLength);
  const puts = mock
    .commandCalls(PutObjectCommand)
    .map((call) => (call.args[0].input.Body as Uint8Array).byteLength);
  return { parts, puts, creates: mock.commandCalls(CreateMultipartUploadCommand).length };
}

/** A web stream of `bytes` in chunks of `chunk` bytes, each a copy, made as it is pulled. */
function webStream(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** Each kind of source over the same bytes; streams in chunks that do not divide a part. */
const kinds: Array<[string, (bytes: Uint8Array) => Promise<UploadSource> | UploadSource]> = [
  ["bytes", (bytes) => bytes],
  ["a Blob", (bytes) => new Blob([bytes])],
  ["a web ReadableStream", (bytes) => webStream(bytes, MiB + 7)],
  [
    "a Node Readable",
    (bytes) =>
      Readable.from(
        (function* () {
          for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024 + 3)
            yield Buffer.from(bytes.subarray(offset, offset + 64 * 1024 + 3));
        })(),
      ),
  ],
  [
    "a file",
    async (bytes) => {
      const path = join(dir.path, "source.bin");
      await writeFile(path, bytes);
      return path;
    },
  ],
];

const boundaries: Array<[string, number, { puts: number[]; parts: number[] }]> = [
  ["empty: one PutObject of 0 bytes", 0, { puts: [0], parts: [] }],
  ["one byte under a part: one PutObject", P - 1, { puts: [P - 1], parts: [] }],
  ["exactly one part: one PutObject", P, { puts: [P], parts: [] }],
  ["one byte over a part: parts of P and 1", P + 1, { puts: [], parts: [P, 1] }],
  ["exactly two parts: parts of P and P", 2 * P, { puts: [], parts: [P, P] }],
];

describe("uploadBody cuts every source at the part boundaries", () => {
  for (const [kind, make] of kinds) {
    it.each(boundaries)(`${kind}, %s`, async (_label, size, expected) => {
      const store = mockStore();
      const bytes = randomBytes(size);
      const result = await s3.bucket("bkt").upload(await make(bytes), "k.bin", { partSize: P });
      const { parts, puts, creates } = sent();
      expect({ puts, parts }).toEqual(expected);
      expect(creates).toBe(expected.parts.length > 0 ? 1 : 0);
      expect(result.etag).toBe(expected.parts.length > 0 ? `"done-${parts.length}"` : '"single"');
      expect(sha256(store.objects.get("k.bin")!)).toBe(sha256(bytes));
      expect(store.uploads.size).toBe(0);
    });
  }
});

/** Resolves once `condition` holds, checked every few ms; fails the test after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A gate the store's parts wait at until the test opens it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, wait: () => opened };
}

describe("uploadBody keeps at most `concurrency` parts in flight, reading one ahead", () => {
  it.each([
    ["bytes", (bytes: Uint8Array) => bytes],
    ["a web ReadableStream", (bytes: Uint8Array) => webStream(bytes, 3 * MiB)],
  ])("%s: 3 at once out of 8, never more", async (_kind, make) => {
    const store = mockStore(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const bytes = randomBytes(8 * P);
    await s3.bucket("bkt").upload(make(bytes), "k.bin", { partSize: P, concurrency: 3 });
    expect(sent().parts).toEqual(Array(8).fill(P));
    expect(store.flight.max).toBe(3);
    expect(sha256(store.objects.get("k.bin")!)).toBe(sha256(bytes));
  });

  it("a Blob is read a slice a part, only as its part is about to be sent", async () => {
    const held = gate();
    const store = mockStore(held.wait);
    const slices: Array<[number | undefined, number | undefined]> = [];
    class CountedBlob extends Blob {
      override slice(start?: number, end?: number, type?: string): Blob {
        slices.push([start, end]);
        return super.slice(start, end, type);
      }
    }
    const bytes = randomBytes(6 * P + 10);
    const done = s3
      .bucket("bkt")
      .upload(new CountedBlob([bytes]), "k.bin", { partSize: P, concurrency: 2 });
    // Two parts held in flight: the third is read and waits for a slot, the rest are not read.
    await until(() => store.flight.now === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slices).toEqual([
      [0, P],
      [P, 2 * P],
      [2 * P, 3 * P],
    ]);
    held.open();
    await done;
    expect(slices).toHaveLength(7);
    expect(slices.at(-1)).toEqual([6 * P, 7 * P]);
    expect(sent().parts).toEqual([P, P, P, P, P, P, 10]);
    expect(sha256(store.objects.get("k.bin")!)).toBe(sha256(bytes));
  });
});

/**
 * A web stream of `parts` chunks of `size` bytes (each the same bytes), then what `end` does:
 * close it, or fail it; counts the pulls and tells whether it was cancelled.
 */
function countedStream(
  parts: number,
  size: number,
  end: (controller: ReadableStreamDefaultController) => void | Promise<void>,
) {
  const chunk = new Uint8Array(size);
  const state = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulls++ >= parts) return end(controller);
      controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe("uploadBody stops, aborts the upload and leaves nothing behind", () => {
  it("a stream that fails after 3 parts: its error, the upload aborted, no object", async () => {
    const store = mockStore();
    const broken = Object.assign(new Error("disk on fire"), { code: "EIO" });
    // It fails once the parts before have been sent.
    const { stream } = countedStream(3, P, async (controller) => {
      await until(() => mock.commandCalls(UploadPartCommand).length >= 2);
      controller.error(broken);
    });
    const error = await s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "EIO" });
    expect(mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(1);
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(store.uploads.size).toBe(0);
    expect(store.objects.size).toBe(0);
  });

  it("a stream that fails while the Create is on the wire: the upload it made is aborted by its id", async () => {
    const store = mockStore();
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    mock.on(CreateMultipartUploadCommand).callsFake(async () => {
      store.uploads.set("slow-up", new Map());
      await answered;
      return { UploadId: "slow-up" };
    });
    const broken = Object.assign(new Error("disk on fire"), { code: "EIO" });
    // Two parts, then the failure, all before the Create's answer.
    const { stream } = countedStream(2, P, (controller) => {
      controller.error(broken);
      setTimeout(answer, 50);
    });
    const error = await s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "EIO" });
    expect(mock.commandCalls(UploadPartCommand)).toHaveLength(0);
    const aborts = mock.commandCalls(AbortMultipartUploadCommand);
    expect(aborts.map((call) => call.args[0].input.UploadId)).toEqual(["slow-up"]);
    expect(store.uploads.size).toBe(0);
  });

  it("a part that fails: the part's error; the source is read no further and is cancelled", async () => {
    const store = mockStore(async (partNumber) => {
      if (partNumber === 2) throw s3Error("InvalidPart", 400);
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    const { stream, state } = countedStream(1000, P, (controller) => controller.close());
    const error = await s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P, concurrency: 2 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "InvalidPart", operation: "UploadPart" });
    // Parts 1 and 2 sent, the 3rd read ahead; at most one more pull was under way.
    expect(state.pulls).toBeLessThanOrEqual(5);
    expect(state.cancelled).toBe(true);
    expect(mock.commandCalls(UploadPartCommand).length).toBeLessThanOrEqual(3);
    expect(store.uploads.size).toBe(0);
    expect(store.objects.size).toBe(0);
  });

  it("an abort while the source is stalled: rejects at once with Aborted and cancels the source", async () => {
    const store = mockStore();
    const controller = new AbortController();
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        // Two parts, then a source that never gives another byte.
        if (pulls++ < 2) c.enqueue(new Uint8Array(P));
        else return new Promise(() => {});
      },
      cancel() {
        cancelled = true;
      },
    });
    const done = s3
      .bucket("bkt")
      .upload(stream, "k.bin", { partSize: P, signal: controller.signal })
      .catch((e: unknown) => e);
    await until(() => mock.commandCalls(UploadPartCommand).length >= 2);
    const abortedAt = Date.now();
    controller.abort();
    expect(await done).toMatchObject({ code: "Aborted" });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(cancelled).toBe(true);
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(store.uploads.size).toBe(0);
  });
});

/**
 * Every request's input by operation (UploadParts in part-number order), a body by its length,
 * fields left undefined dropped: what goes on the wire.
 */
function inputsByOperation(): Record<string, Array<Record<string, unknown>>> {
  const byOperation: Record<string, Array<Record<string, unknown>>> = {};
  for (const call of mock.calls()) {
    const command = call.args[0] as { constructor: { name: string }; input: object };
    const input = Object.fromEntries(
      Object.entries(command.input)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, name === "Body" ? (value as Uint8Array).byteLength : value]),
    );
    const operation = command.constructor.name.replace(/Command$/, "");
    byOperation[operation] = [...(byOperation[operation] ?? []), input];
  }
  byOperation.UploadPart?.sort((a, b) => Number(a.PartNumber) - Number(b.PartNumber));
  return byOperation;
}

describe("the upload's params reach each request as lib-storage sent them", () => {
  const options = {
    contentType: "application/x-custom",
    metadata: { origin: "test" },
    tags: { team: "data", "two words": "a+b" },
    cacheControl: "max-age=60",
    contentDisposition: "inline",
    contentEncoding: "identity",
    contentLanguage: "en",
    storageClass: "STANDARD_IA",
    serverSideEncryption: "AES256",
    ifNoneMatch: "*",
  } as const;
  // What upload() gave lib-storage for these options.
  const params = {
    Bucket: "bkt",
    Key: "k.bin",
    ContentType: "application/x-custom",
    Metadata: { origin: "test" },
    Tagging: "team=data&two+words=a%2Bb",
    CacheControl: "max-age=60",
    ContentDisposition: "inline",
    ContentEncoding: "identity",
    ContentLanguage: "en",
    StorageClass: "STANDARD_IA",
    ServerSideEncryption: "AES256",
    IfNoneMatch: "*",
  } as const;

  it.each([
    ["one PutObject", 1000],
    ["a multipart upload (Create, UploadPart, Complete)", 2 * P + 3],
  ])("%s", async (_label, size) => {
    mockStore();
    const bytes = randomBytes(size);
    await s3.bucket("bkt").upload(bytes, "k.bin", { ...options, partSize: P });
    const ours = inputsByOperation();
    mock.reset();
    mockStore();
    await new Upload({ client, params: { ...params, Body: bytes }, partSize: P }).done();
    const theirs = inputsByOperation();
    expect(ours).toEqual(theirs);
    // What the comparison covers: conditions on the commit, tags and headers on the Create.
    const commit = size > P ? ours.CompleteMultipartUpload : ours.PutObject;
    expect(commit?.[0]).toMatchObject({ IfNoneMatch: "*" });
    if (size > P)
      expect(ours.CreateMultipartUpload?.[0]).toMatchObject({
        Tagging: params.Tagging,
        ChecksumAlgorithm: "CRC32",
      });
  });
});
