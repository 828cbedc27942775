import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  ObjectNotFoundError,
  PreconditionFailedError,
  type Progress,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

const dir = useTempDir("download");

async function rawPut(Key: string, Body: Uint8Array | string): Promise<void> {
  await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body }));
}

function expectHonestProgress(events: Progress[], total: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
    expect(events[i]!.loaded).toBeLessThanOrEqual(total);
  }
  expect(events.at(-1)).toEqual({ loaded: total, total, percent: 100 });
}

describe("download", () => {
  it("downloads a small object with one GET, creating missing directories", async () => {
    const counts = countRequests(t.s3);
    const bytes = randomBytes(200 * 1024);
    await rawPut("docs/a.bin", bytes);
    const events: Progress[] = [];
    const target = join(dir.path, "x", "y", "a.bin");
    const result = await t.bucket
      .prefix("docs")
      .download("a.bin", target, { onProgress: (p) => events.push(p) });
    expect(result).toMatchObject({
      key: "docs/a.bin",
      name: "a.bin",
      path: target,
      size: bytes.byteLength,
    });
    expect(result.etag).toMatch(/^".+"$/);
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
    expect(counts.get("HeadObject")).toBe(1);
    expect(counts.get("GetObject")).toBe(1);
    expectHonestProgress(events, bytes.byteLength);
    expect(await readdir(join(dir.path, "x", "y"))).toEqual(["a.bin"]);
  });

  it("downloads 40 MiB in parallel ranged GETs of 5 MiB, byte for byte", async () => {
    const bytes = randomBytes(40 * MiB + 17);
    await rawPut("big.bin", bytes);
    const counts = countRequests(t.s3);
    const events: Progress[] = [];
    const target = join(dir.path, "big.bin");
    const result = await t.bucket.download("big.bin", target, {
      partSize: 5 * MiB,
      concurrency: 4,
      onProgress: (p) => events.push(p),
    });
    expect(result.size).toBe(bytes.byteLength);
    expect(counts.get("GetObject")).toBe(9);
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
    expectHonestProgress(events, bytes.byteLength);
    expect(await readdir(dir.path)).toEqual(["big.bin"]);
  });

  it("downloads an empty object; progress ends 0 of 0", async () => {
    await rawPut("empty", new Uint8Array(0));
    const events: Progress[] = [];
    const target = join(dir.path, "empty");
    await t.bucket.download("empty", target, { onProgress: (p) => events.push(p) });
    expect((await readFile(target)).byteLength).toBe(0);
    expect(events.at(-1)).toEqual({ loaded: 0, total: 0, percent: 100 });
  });

  it("replaces an existing file only on success", async () => {
    const target = join(dir.path, "file.txt");
    await writeFile(target, "old content");
    await rawPut("file.txt", "new content");
    await t.bucket.download("file.txt", target);
    expect(await readFile(target, "utf8")).toBe("new content");

    await expect(t.bucket.download("missing.txt", target)).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
    expect(await readFile(target, "utf8")).toBe("new content");
    expect(await readdir(dir.path)).toEqual(["file.txt"]);
  });

  it("ifMatch pins the download to an ETag", async () => {
    await rawPut("v.txt", "v1");
    const target = join(dir.path, "v.txt");
    await expect(
      t.bucket.download("v.txt", target, { ifMatch: '"0123456789abcdef0123456789abcdef"' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(readFile(target)).rejects.toThrow();
    const { etag } = await t.bucket.head("v.txt");
    const result = await t.bucket.download("v.txt", target, { ifMatch: etag });
    expect(result.etag).toBe(etag);
  });

  it("an abort removes the temp file and leaves an existing file as it was", async () => {
    await rawPut("big.bin", randomBytes(12 * MiB));
    const target = join(dir.path, "big.bin");
    await writeFile(target, "precious");
    const controller = new AbortController();
    const error = await t.bucket
      .download("big.bin", target, {
        partSize: MiB,
        concurrency: 2,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.loaded > 3 * MiB) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("Aborted");
    expect(await readFile(target, "utf8")).toBe("precious");
    expect(await readdir(dir.path)).toEqual(["big.bin"]);
  });

  it("hardening 14: downloads to the longest legal file names (255 bytes, ASCII and multi-byte)", async () => {
    const bytes = randomBytes(3 * MiB);
    await rawPut("long.bin", bytes);
    // 255 bytes each, NAME_MAX on ext4, XFS, btrfs and tmpfs ("é" is 2 bytes, "😀" 4).
    const names = ["x".repeat(255), `${"é".repeat(127)}x`, `${"😀".repeat(63)}abc`];
    for (const name of names) {
      expect(Buffer.byteLength(name)).toBe(255);
      const target = join(dir.path, name);
      // In parts, so the temp file lives through several writes.
      const result = await t.bucket.download("long.bin", target, { partSize: MiB });
      expect(result.path).toBe(target);
      expect(sha256(await readFile(target))).toBe(sha256(bytes));
    }
    // No temp file left beside them.
    expect((await readdir(dir.path)).sort()).toEqual([...names].sort());
  });

  it("refuses bad input before any request", async () => {
    const counts = countRequests(t.s3);
    await expect(t.bucket.download("", join(dir.path, "a"))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.download("k", "")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.download("k", dir.path)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      t.bucket.download("k", join(dir.path, "a"), { partSize: 10 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      t.bucket.download("k", join(dir.path, "a"), { concurrency: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });
});
