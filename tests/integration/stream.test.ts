import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  BucketNotFoundError,
  ObjectNotFoundError,
  PreconditionFailedError,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
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

async function store(key: string, body: Uint8Array | string): Promise<string | undefined> {
  const out = await t.raw.send(
    new PutObjectCommand({ Bucket: t.bucket.name, Key: key, Body: body }),
  );
  return out.ETag;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("reading", () => {
  it("delivers exactly the object's bytes, large and small", async () => {
    const big = randomBytes(12 * MiB + 123);
    await store("big.bin", big);
    const body = await readAll(await t.bucket.stream("big.bin"));
    expect(body.length).toBe(big.length);
    expect(sha256(body)).toBe(sha256(big));

    await store("dir/small.txt", "hello stream");
    expect((await readAll(await t.bucket.prefix("dir").stream("small.txt"))).toString()).toBe(
      "hello stream",
    );

    await store("empty", new Uint8Array(0));
    const empty = await t.bucket.stream("empty");
    expect((await readAll(empty)).length).toBe(0);
  });

  it("range: a slice, an open end, the last byte", async () => {
    const data = randomBytes(3 * MiB);
    await store("r.bin", data);
    const slice = await readAll(
      await t.bucket.stream("r.bin", { range: { offset: 1000, length: MiB } }),
    );
    expect(slice.equals(data.subarray(1000, 1000 + MiB))).toBe(true);
    const tail = await readAll(await t.bucket.stream("r.bin", { range: { offset: 2 * MiB + 5 } }));
    expect(tail.equals(data.subarray(2 * MiB + 5))).toBe(true);
    const last = await readAll(
      await t.bucket.stream("r.bin", { range: { offset: data.length - 1, length: 1 } }),
    );
    expect(last.equals(data.subarray(data.length - 1))).toBe(true);
    // A range running past the end yields what exists.
    const over = await readAll(
      await t.bucket.stream("r.bin", { range: { offset: data.length - 10, length: 100 } }),
    );
    expect(over.equals(data.subarray(data.length - 10))).toBe(true);
  });

  it("ifMatch and versionId pin the read", async (context) => {
    needs(context, "versioning", "conditionalReads");
    const etag = await store("v.txt", "version one");
    expect((await readAll(await t.bucket.stream("v.txt", { ifMatch: etag }))).toString()).toBe(
      "version one",
    );
    await expect(
      t.bucket.stream("v.txt", { ifMatch: '"0123456789abcdef0123456789abcdef"' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);

    await enableVersioning(t.raw, t.bucket.name);
    const first = await t.raw.send(
      new PutObjectCommand({ Bucket: t.bucket.name, Key: "w.txt", Body: "first" }),
    );
    await store("w.txt", "second");
    const old = await t.bucket.stream("w.txt", { versionId: first.VersionId as string });
    expect((await readAll(old)).toString()).toBe("first");
    expect((await readAll(await t.bucket.stream("w.txt"))).toString()).toBe("second");
  });
});

describe("failures at the await", () => {
  it("a missing key rejects the await with ObjectNotFoundError, a missing bucket with BucketNotFoundError", async () => {
    const error = await t.bucket.stream("nope/missing.bin").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({
      bucket: t.bucket.name,
      key: "nope/missing.bin",
      code: "NoSuchKey",
    });
    await expect(t.bucket.prefix("nope").stream("missing.bin")).rejects.toMatchObject({
      key: "nope/missing.bin",
    });
    await expect(t.s3.bucket(uniqueBucketName("missing")).stream("a")).rejects.toBeInstanceOf(
      BucketNotFoundError,
    );
  });

  it("bad keys and options are ValidationErrors before any request", async () => {
    const counts = countRequests(t.s3);
    await expect(t.bucket.stream("")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.stream("/abs")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.stream("k", { range: { offset: -1 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.stream("k", { range: { offset: 0, length: 0 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.stream("k", { idleTimeout: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });

  it("an already aborted signal rejects without a byte", async () => {
    await store("a.txt", "abc");
    const controller = new AbortController();
    controller.abort();
    const error = await t.bucket
      .stream("a.txt", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Aborted" });
  });

  it("aborting mid-stream errors the stream with an abort", async () => {
    await store("big.bin", randomBytes(8 * MiB));
    const controller = new AbortController();
    const stream = await t.bucket.stream("big.bin", { signal: controller.signal });
    let received = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(received).toBeLessThan(8 * MiB);
  });
});

describe("sockets", () => {
  // Each way of giving up early, more times than the SDK agent has sockets (50): a body left
  // holding its socket each time would make the next GET wait forever.
  const ways: Array<[string, (stream: Readable) => Promise<void>]> = [
    ["destroyed before reading", async (stream) => void stream.destroy()],
    [
      "broken out of after one chunk",
      async (stream) => {
        for await (const _ of stream) break;
      },
    ],
    [
      "destroyed after one read()",
      async (stream) => {
        await new Promise((resolve) => stream.once("readable", resolve));
        stream.read();
        stream.destroy();
      },
    ],
  ];
  for (const [how, giveUp] of ways) {
    it(`60 streams ${how} free their sockets; normal gets still work`, async () => {
      await store("big.bin", randomBytes(8 * MiB));
      await store("small.txt", "fine");
      const counts = countRequests(t.s3);
      for (let i = 0; i < 60; i++) await giveUp(await t.bucket.stream("big.bin"));
      const texts = await Promise.all(
        Array.from({ length: 60 }, () => t.bucket.getText("small.txt")),
      );
      expect(texts.every((text) => text === "fine")).toBe(true);
      expect(counts.get("GetObject")).toBe(120);
    }, 60_000);
  }
});

describe("backpressure", () => {
  it("a slow consumer keeps what is pulled from the socket far below the object size", async () => {
    const size = 32 * MiB;
    const data = randomBytes(size);
    await store("slow.bin", data);
    // A fresh S3, so the GET has a socket of its own whose byte count is its alone.
    const s3 = testS3();
    try {
      const bodies = captureBodies();
      const stream = await s3.bucket(t.bucket.name).stream("slow.bin");
      const hash = createHash("sha256");
      await new Promise((resolve) => stream.once("readable", resolve));
      const first = stream.read() as Buffer;
      hash.update(first);

      const socket = bodies[0]?.socket;
      expect(socket).toBeTruthy();
      // Wait until the transfer settles: the count stops moving (or has run through the object).
      let last = -1;
      let bytesRead = socket?.bytesRead ?? 0;
      for (let steady = 0; steady < 3 && bytesRead < size; ) {
        await delay(100);
        last = bytesRead;
        bytesRead = socket?.bytesRead ?? 0;
        steady = bytesRead === last ? steady + 1 : 0;
      }
      expect(bytesRead).toBeLessThan(4 * MiB);
      expect(stream.readableLength).toBeLessThan(MiB);

      // Reading on after the pause still yields exactly the object.
      let total = first.length;
      for await (const chunk of stream) {
        hash.update(chunk as Buffer);
        total += (chunk as Buffer).length;
      }
      expect(total).toBe(size);
      expect(hash.digest("hex")).toBe(sha256(data));
    } finally {
      s3.close();
    }
  });
});
