import { randomBytes } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type AwsStub, mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3, S3OperationError, type ScopeDefaults, ValidationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { referenceChecksum } from "../helpers/checksums.js";
import { objectAnswer, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { mockUploadStore } from "../helpers/upload-store.js";

// Item 8 of issue 13: partSize, concurrency and checksum as scope defaults (a child's win, a
// call's option wins over both), and upload's size hint. Played by a mocked client: what is
// checked is how s3kit cuts and sends, which needs no store.

const MiB = 1024 * 1024;
const dir = useTempDir("transfer-defaults");
const fakes = useFakeS3();
let s3: S3;
// This client alone is mocked (not the S3Client class): the fake-store tests below send
// through real clients, on the SDK's path too.
let mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>;

beforeEach(() => {
  const client = new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
  mock = mockClient(client);
  s3 = new S3({ client, maxRetries: 1, retryDelay: 1, maxRetryDelay: 5 });
});
afterEach(() => {
  s3.close();
  mock.restore();
});

/** The sizes of the UploadParts sent, in part-number order. */
function partSizes(): number[] {
  return mock
    .commandCalls(UploadPartCommand)
    .map((call) => call.args[0].input)
    .sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0))
    .map((input) => (input.Body as Uint8Array).byteLength);
}

/** A web stream of `bytes` in 1 MiB chunks, its length unknown to the upload. */
function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + MiB));
      offset += MiB;
    },
  });
}

describe("per-scope transfer defaults", () => {
  it("partSize and checksum: the bucket's apply, a prefix's win, a call's win over both", async () => {
    mockUploadStore(mock);
    const bytes = randomBytes(12 * MiB);
    const bucket = s3.bucket("b", { defaults: { partSize: 5 * MiB, checksum: "crc32c" } });
    await bucket.upload(bytes, "a");
    expect(partSizes()).toEqual([5 * MiB, 5 * MiB, 2 * MiB]);
    const parts = mock.commandCalls(UploadPartCommand).map((call) => call.args[0].input);
    expect(parts.every((input) => input.ChecksumCRC32C !== undefined)).toBe(true);

    mock.resetHistory();
    const child = bucket.prefix("p", { defaults: { partSize: 6 * MiB } });
    await child.upload(bytes, "a");
    expect(partSizes()).toEqual([6 * MiB, 6 * MiB]);
    const created = mock.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input;
    expect(created).toMatchObject({ ChecksumAlgorithm: "CRC32C", ChecksumType: "FULL_OBJECT" });

    mock.resetHistory();
    await child.upload(bytes, "a", { partSize: 12 * MiB, checksum: "sha256" });
    expect(partSizes()).toEqual([]);
    const put = mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.ChecksumSHA256).toBeDefined();
    expect(put?.ChecksumCRC32C).toBeUndefined();
  });

  it("checksum applies to put() of a string and to uploadDir's files", async () => {
    mockUploadStore(mock);
    const bucket = s3.bucket("b", { defaults: { checksum: "crc64nvme" } });
    await bucket.put("a.txt", "hello");
    await mkdir(join(dir.path, "tree"));
    await writeFile(join(dir.path, "tree", "f.txt"), "file");
    await bucket.uploadDir(join(dir.path, "tree"));
    const puts = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((input) => input.ChecksumCRC64NVME)).toEqual([
      await referenceChecksum("crc64nvme", Buffer.from("hello")),
      await referenceChecksum("crc64nvme", Buffer.from("file")),
    ]);
  });

  it("concurrency: the scope's bounds the parts in flight; a call's wins", async () => {
    const held: Array<() => void> = [];
    const store = mockUploadStore(mock, () => new Promise<void>((resolve) => held.push(resolve)));
    const release = setInterval(() => {
      for (const go of held.splice(0)) go();
    }, 20);
    try {
      const bucket = s3.bucket("b", { defaults: { concurrency: 2, partSize: 5 * MiB } });
      await bucket.upload(randomBytes(30 * MiB), "a");
      expect(store.flight.max).toBe(2);
      store.flight.max = 0;
      await bucket.prefix("p", { defaults: { concurrency: 3 } }).upload(randomBytes(30 * MiB), "a");
      expect(store.flight.max).toBe(3);
      store.flight.max = 0;
      await bucket.upload(randomBytes(30 * MiB), "a", { concurrency: 1 });
      expect(store.flight.max).toBe(1);
    } finally {
      clearInterval(release);
    }
  });

  it("download takes partSize and concurrency from the scope", async () => {
    const data = randomBytes(11 * MiB);
    const { server, s3: fake } = await fakes.serve((request: SeenRequest) =>
      objectAnswer(request, data, { etag: '"e1"' }),
    );
    const bucket = fake.bucket("b", { defaults: { partSize: 5 * MiB, concurrency: 1 } });
    await bucket.download("k", join(dir.path, "k.bin"));
    const ranges = server.requests.filter((r) => r.method === "GET").map((r) => r.headers.range);
    expect(ranges).toEqual([
      `bytes=0-${5 * MiB - 1}`,
      `bytes=${5 * MiB}-${10 * MiB - 1}`,
      `bytes=${10 * MiB}-${11 * MiB - 1}`,
    ]);
    expect(await readdir(dir.path)).toEqual(["k.bin"]);
  });

  it("bad defaults fail at bucket() and prefix(), before any request", () => {
    const bad: ScopeDefaults[] = [
      { partSize: MiB },
      { partSize: 5 * MiB - 1 },
      { concurrency: 0 },
      { concurrency: 65 },
      { checksum: "md5" as "crc32" },
    ];
    for (const defaults of bad) {
      expect(() => s3.bucket("b", { defaults }), JSON.stringify(defaults)).toThrow(ValidationError);
      expect(() => s3.bucket("b").prefix("p", { defaults }), JSON.stringify(defaults)).toThrow(
        ValidationError,
      );
    }
    expect(() => s3.bucket("b", { defaults: { partSize: MiB } })).toThrow(
      /bucket defaults: partSize/,
    );
    expect(mock.calls()).toEqual([]);
  });
});

describe("per-scope transfer defaults: upload's size hint", () => {
  it("fits the part size to 10,000 parts up front, as for a file: 100 GiB → 11 MiB parts", async () => {
    mockUploadStore(mock);
    const bytes = randomBytes(25 * MiB);
    // The stream ends short of its hint: the upload fails at the commit and is aborted.
    const error = await rejection(
      s3.bucket("b").upload(stream(bytes), "a", { size: 100 * 1024 * MiB, partSize: 5 * MiB }),
    );
    expect(partSizes()).toEqual([11 * MiB, 11 * MiB, 3 * MiB]);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "SourceSizeChanged" });
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toEqual([]);
    expect(mock.commandCalls(AbortMultipartUploadCommand).length).toBeGreaterThan(0);
  });

  it("a stream of exactly its hint uploads", async () => {
    const store = mockUploadStore(mock);
    const bytes = randomBytes(12 * MiB);
    const events: number[] = [];
    await s3.bucket("b").upload(stream(bytes), "a", {
      size: bytes.byteLength,
      partSize: 5 * MiB,
      onProgress: (progress) => events.push(progress.total ?? -1),
    });
    expect(sha256(store.objects.get("a")!)).toBe(sha256(bytes));
    expect(new Set(events)).toEqual(new Set([bytes.byteLength]));
  });

  it("a stream longer than its hint stops before the part beyond it: SourceSizeChanged, upload aborted", async () => {
    const store = mockUploadStore(mock);
    const error = await rejection(
      s3
        .bucket("b")
        .upload(stream(randomBytes(12 * MiB)), "a", { size: 6 * MiB, partSize: 5 * MiB }),
    );
    expect(error).toMatchObject({ code: "SourceSizeChanged" });
    expect(partSizes()).toEqual([5 * MiB]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toEqual([]);
    expect(store.uploads.size).toBe(0);
  });

  it("a stream longer than a one-part hint sends nothing", async () => {
    mockUploadStore(mock);
    const error = await rejection(
      s3.bucket("b").upload(stream(randomBytes(2 * MiB)), "a", { size: MiB }),
    );
    expect(error).toMatchObject({ code: "SourceSizeChanged" });
    expect(mock.calls()).toEqual([]);
  });

  it("a hint above S3's object limit, not a whole number, or not the size of bytes: ValidationError before any request", async () => {
    mockUploadStore(mock);
    const bucket = s3.bucket("b");
    for (const size of [50 * 1000 ** 4 + 1, 1.5, -1, "1" as unknown as number]) {
      expect(
        await rejection(bucket.upload(stream(new Uint8Array(1)), "a", { size })),
      ).toBeInstanceOf(ValidationError);
    }
    expect(await rejection(bucket.upload(new Uint8Array(10), "a", { size: 11 }))).toBeInstanceOf(
      ValidationError,
    );
    expect(mock.calls()).toEqual([]);
  });
});
