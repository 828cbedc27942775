import { randomBytes, randomInt } from "node:crypto";
import { chmod, link, open, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Bucket,
  PreconditionFailedError,
  type S3,
  S3OperationError,
} from "../../src/index.js";
import { getOf, type ProxiedRequest, useFaultProxy } from "../helpers/fault-proxy.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { testS3, useTestBucket } from "../helpers/s3.js";

const MiB = 1024 * 1024;
const t = useTestBucket();
const dir = useTempDir("faults");

const proxy = useFaultProxy();
let s3: S3;
let bucket: Bucket;
const resumes: Array<Record<string, unknown>> = [];

beforeEach(async () => {
  resumes.length = 0;
  s3 = testS3({
    endpoint: proxy.endpoint,
    retryDelay: 1,
    maxRetryDelay: 20,
    logger: {
      warn: (message, fields) => {
        if (message === "s3kit resume") resumes.push(fields);
      },
    },
  });
  bucket = s3.bucket(t.bucket.name);
});
afterEach(() => {
  s3.close();
});

/** Stores an object straight in MinIO, not through the proxy. */
async function store(Key: string, Body: Uint8Array | string): Promise<void> {
  await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body }));
}

async function uploadsIn(bucketName: string): Promise<string[]> {
  const page = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: bucketName }));
  return (page.Uploads ?? []).map((upload) => upload.Key ?? "");
}

function isPartUpload(request: ProxiedRequest): boolean {
  return request.method === "PUT" && request.query.has("partNumber");
}

describe("download under faults", () => {
  it("survives connection resets at 20+ random offsets of a 64 MiB object, byte for byte", async () => {
    const bytes = randomBytes(64 * MiB);
    const expected = sha256(bytes);
    await store("big.bin", bytes);
    const runs = [
      { partSize: 8 * MiB, concurrency: 8 },
      { partSize: 16 * MiB, concurrency: 3 },
      { partSize: 64 * MiB, concurrency: 1 }, // one GET, resumed in place
    ];
    for (const [index, run] of runs.entries()) {
      // Each reset a MiB or more into its response: resets closer together would be a store
      // that dribbles, whose resumes share one budget of maxRetries.
      for (let i = 0; i < 8; i++) {
        proxy.addRule({
          match: getOf(t.bucket.name, "big.bin"),
          action: { kind: "reset", afterBytes: randomInt(MiB, 4 * MiB) },
        });
      }
      const target = join(dir.path, `copy-${index}.bin`);
      const result = await bucket.download("big.bin", target, run);
      expect(result.size).toBe(bytes.byteLength);
      expect(sha256(await readFile(target))).toBe(expected);
    }
    // Each reset cut a body that the stream then resumed from where it broke off.
    expect(resumes.length).toBeGreaterThanOrEqual(20);
    expect((await readdir(dir.path)).sort()).toEqual(["copy-0.bin", "copy-1.bin", "copy-2.bin"]);
  });

  it("an object overwritten during the download fails with PreconditionFailedError and changes nothing", async () => {
    await store("moving.bin", randomBytes(16 * MiB));
    const target = join(dir.path, "moving.bin");
    await writeFile(target, "precious old content");
    const match = getOf(t.bucket.name, "moving.bin");
    // The first GET breaks after 1 MiB; the object is replaced before the next GET goes out.
    proxy.addRule({ match, action: { kind: "reset", afterBytes: MiB } });
    proxy.addRule({
      match,
      action: { kind: "before", run: () => store("moving.bin", randomBytes(16 * MiB)) },
    });
    const error = await bucket
      .download("moving.bin", target, { partSize: 2 * MiB, concurrency: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await readFile(target, "utf8")).toBe("precious old content");
    expect(await readdir(dir.path)).toEqual(["moving.bin"]);
  });

  it("resets that never let a byte through give up after the retries, leaving no file", async () => {
    await store("cursed.bin", randomBytes(12 * MiB));
    proxy.addRule({
      match: getOf(t.bucket.name, "cursed.bin"),
      action: { kind: "reset", afterBytes: 0 },
      times: Number.POSITIVE_INFINITY,
    });
    const target = join(dir.path, "sub", "cursed.bin");
    const error = await bucket
      .download("cursed.bin", target, { partSize: 4 * MiB, concurrency: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).not.toBe("Aborted");
    expect(await readdir(join(dir.path, "sub"))).toEqual([]);
  });

  it("503 to every GET fails after the SDK's retries, leaving an existing file untouched", async () => {
    await store("busy.bin", randomBytes(3 * MiB));
    const target = join(dir.path, "busy.bin");
    await writeFile(target, "keep me");
    proxy.addRule({
      match: getOf(t.bucket.name, "busy.bin"),
      action: { kind: "status", status: 503, code: "SlowDown" },
      times: Number.POSITIVE_INFINITY,
    });
    const error = await bucket
      .download("busy.bin", target, { partSize: MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("SlowDown");
    expect(await readFile(target, "utf8")).toBe("keep me");
    expect(await readdir(dir.path)).toEqual(["busy.bin"]);
  });
});

describe("upload under faults", () => {
  it("an abort at about half of a 64 MiB upload leaves no upload and no object, even for parts held in flight", async () => {
    const bytes = randomBytes(64 * MiB);
    // Parts from the 5th on are held back by the proxy: they are in flight when the abort comes.
    proxy.addRule({
      match: (request) => isPartUpload(request) && Number(request.query.get("partNumber")) >= 5,
      action: { kind: "before", run: () => delay(1500) },
      times: Number.POSITIVE_INFINITY,
    });
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await bucket
      .upload(bytes, "half.bin", {
        partSize: 8 * MiB,
        concurrency: 4,
        signal: controller.signal,
        onProgress: ({ loaded }) => {
          if (loaded >= 32 * MiB && !controller.signal.aborted) {
            abortedAt = loaded;
            controller.abort();
          }
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("Aborted");
    expect(abortedAt).toBeGreaterThanOrEqual(32 * MiB);
    expect(abortedAt).toBeLessThan(64 * MiB);
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
    await expect(
      t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: "half.bin" })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    // Once the held parts have reached MinIO (or failed to), still nothing is left.
    await delay(2000);
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
  });

  it("a part that keeps failing aborts the upload: the error is the part's, no parts are left", async () => {
    proxy.addRule({
      match: (request) => isPartUpload(request) && request.query.get("partNumber") === "2",
      action: { kind: "status", status: 503, code: "SlowDown" },
      times: Number.POSITIVE_INFINITY,
    });
    const error = await bucket
      .upload(randomBytes(24 * MiB), "flaky.bin", { partSize: 5 * MiB, concurrency: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("SlowDown");
    expect((error as S3OperationError).operation).toBe("UploadPart");
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
    expect(await bucket.exists("flaky.bin")).toBe(false);
    const completes = proxy.requests.filter((r) => r.method === "POST" && r.query.has("uploadId"));
    expect(completes).toEqual([]);
  });

  it("transient part failures are retried by the SDK and the upload completes", async () => {
    proxy.addRule({
      match: isPartUpload,
      action: { kind: "status", status: 503, code: "SlowDown" },
      times: 3,
    });
    const bytes = randomBytes(16 * MiB);
    await bucket.upload(bytes, "retried.bin", { partSize: 5 * MiB });
    expect(sha256(await bucket.getBytes("retried.bin"))).toBe(sha256(bytes));
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
  });

  it("an abort that arrives while CompleteMultipartUpload is in flight is too late: the upload succeeds", async () => {
    const controller = new AbortController();
    proxy.addRule({
      match: (request) => request.method === "POST" && request.query.has("uploadId"),
      action: {
        kind: "before",
        run: async () => {
          controller.abort();
          await delay(300);
        },
      },
    });
    const bytes = randomBytes(11 * MiB);
    const result = await bucket.upload(bytes, "late.bin", {
      partSize: 5 * MiB,
      signal: controller.signal,
    });
    expect(controller.signal.aborted).toBe(true);
    expect(result.etag).toMatch(/-3"$/);
    expect(sha256(await bucket.getBytes("late.bin"))).toBe(sha256(bytes));
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
  });

  it("a file rewritten in place at the same size while it is read fails with SourceChanged, storing nothing", async () => {
    const path = join(dir.path, "rewritten.bin");
    await writeFile(path, Buffer.alloc(12 * MiB, 0x41));
    // Another program rewrites the whole file, same size, as the first part reaches the store.
    proxy.addRule({
      match: (request) => isPartUpload(request) && request.query.get("partNumber") === "1",
      action: {
        kind: "before",
        run: async () => {
          const handle = await open(path, "r+");
          await handle.write(Buffer.alloc(12 * MiB, 0x42), 0, 12 * MiB, 0);
          await handle.close();
        },
      },
    });
    const error = await bucket
      .upload(path, "rewritten.bin", { partSize: 5 * MiB, concurrency: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("SourceChanged");
    expect((error as S3OperationError).message).toMatch(/modification time changed/);
    expect(await uploadsIn(t.bucket.name)).toEqual([]);
    expect(await bucket.exists("rewritten.bin")).toBe(false);
  });

  it.each([
    ["its mode changed (chmod)", (path: string) => chmod(path, 0o600)],
    ["a hard link made to it (a backup tool)", (path: string) => link(path, `${path}.bak`)],
    ["renamed (log rotation)", (path: string) => rename(path, `${path}.1`)],
  ])("a file %s while it is read, its bytes untouched, uploads whole", async (label, act) => {
    const path = join(dir.path, `${label.replace(/\W+/g, "-")}.bin`);
    const bytes = randomBytes(11 * MiB);
    await writeFile(path, bytes);
    proxy.addRule({
      match: (request) => isPartUpload(request) && request.query.get("partNumber") === "2",
      action: { kind: "before", run: () => act(path) },
    });
    await bucket.upload(path, "same.bin", { partSize: 5 * MiB, concurrency: 1 });
    expect(sha256(await bucket.getBytes("same.bin"))).toBe(sha256(bytes));
  });
});
