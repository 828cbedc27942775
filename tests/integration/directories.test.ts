import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  BucketNotFoundError,
  type Progress,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { errorXml, fakeS3Client, okText, startFakeS3 } from "../helpers/fake-s3.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

const work = useTempDir("dirs");

/** Every file below `root` as relative path → sha256. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path).split("\\").join("/")] = sha256(await readFile(path));
  }
  return files;
}

async function writeTree(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, ...name.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

function expectHonestProgress(events: Progress[], total: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
  }
  expect(events.at(-1)).toEqual({ loaded: total, total, percent: 100 });
}

describe("uploadDir / downloadDir", () => {
  it("round-trips a tree through a prefix", async () => {
    const source = join(work.path, "src");
    const tree = {
      "index.html": "<h1>hi</h1>",
      "css/site.css": "body{}",
      "img/logo.png": randomBytes(50_000),
      "deep/a/b/c/data.json": '{"x":1}',
      "empty.txt": "",
      "big/blob.bin": randomBytes(6 * MiB),
      "with space/ü+plus.txt": "unicode",
    };
    await writeTree(source, tree);
    const total = Object.values(tree).reduce((sum, v) => sum + Buffer.byteLength(v), 0);
    const site = t.bucket.prefix("site");

    const upEvents: Progress[] = [];
    const up = await site.uploadDir(source, {
      concurrency: 3,
      partSize: 5 * MiB,
      onProgress: (p) => upEvents.push(p),
    });
    expect(up.ok).toBe(true);
    expect(up.failed).toEqual([]);
    expect(up.transferred.map((f) => f.name).sort()).toEqual(Object.keys(tree).sort());
    expect(up.bytes).toBe(total);
    const css = up.transferred.find((f) => f.name === "css/site.css");
    expect(css).toMatchObject({
      key: "site/css/site.css",
      path: join(source, "css", "site.css"),
      size: 6,
    });
    expectHonestProgress(upEvents, total);
    expect((await site.head("css/site.css")).contentType).toMatch(/^text\/css/);
    expect((await site.head("img/logo.png")).contentType).toBe("image/png");

    const target = join(work.path, "out");
    const downEvents: Progress[] = [];
    const down = await site.downloadDir(target, {
      concurrency: 3,
      onProgress: (p) => downEvents.push(p),
    });
    expect(down.ok).toBe(true);
    expect(down.bytes).toBe(total);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    expectHonestProgress(downEvents, total);
  });

  it("uploadDir applies the filter and write options, and skips symbolic links", async (context) => {
    needs(context, "tagging");
    const source = join(work.path, "src");
    await writeTree(source, { "keep.txt": "k", "skip.log": "s", "sub/keep2.txt": "k2" });
    const outside = join(work.path, "outside");
    await writeTree(outside, { "secret.txt": "secret" });
    await symlink(join(outside, "secret.txt"), join(source, "link.txt"));
    await symlink(outside, join(source, "linkdir"));
    const result = await t.bucket.uploadDir(source, {
      filter: (name) => !name.endsWith(".log"),
      metadata: { batch: "7" },
      tags: { kind: "tree" },
    });
    expect(result.transferred.map((f) => f.key).sort()).toEqual(["keep.txt", "sub/keep2.txt"]);
    // The two links were skipped on purpose; the filtered-out file is not counted.
    expect(result.skipped).toBe(2);
    expect((await t.bucket.list()).map((o) => o.key).sort()).toEqual(["keep.txt", "sub/keep2.txt"]);
    const info = await t.bucket.head("sub/keep2.txt", { withTags: true });
    expect(info.metadata).toEqual({ batch: "7" });
    expect(info.tags).toEqual({ kind: "tree" });
  });

  it("uploadDir reports per-file failures without stopping the others", async (context) => {
    needs(context, "conditionalWrites");
    const source = join(work.path, "src");
    await writeTree(source, { "a.txt": "a", "b.txt": "b" });
    await t.bucket.put("b.txt", "exists");
    const result = await t.bucket.uploadDir(source, { ifNoneMatch: "*" });
    expect(result.ok).toBe(false);
    expect(result.transferred.map((f) => f.name)).toEqual(["a.txt"]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({
      name: "b.txt",
      key: "b.txt",
      path: join(source, "b.txt"),
    });
    expect(result.failed[0]!.error.name).toBe("PreconditionFailedError");
    expect(await t.bucket.getText("b.txt")).toBe("exists");
  });

  it("downloadDir refuses keys that would land outside the directory (as a store lists them)", async () => {
    // MinIO refuses to store most of these keys, but S3 and other stores accept them: a
    // scripted S3 lists them, then serves the one good object.
    const hostile = [
      "../x",
      "a/../../x",
      "/abs",
      "a\\..\\x",
      "a//b",
      "./c",
      "d/./e",
      "..",
      "x/..",
      "n\u0000ul",
    ];
    const listed = [...hostile, "fine/ok.txt", "folder/"];
    const contents = listed
      .map(
        (key) =>
          `<Contents><Key>${encodeURIComponent(key)}</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>${key === "folder/" ? 0 : 5}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    const fake = await startFakeS3((request) => {
      if (request.url.includes("list-type=2")) {
        return {
          status: 200,
          headers: { "content-type": "application/xml" },
          body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>${listed.length}</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        };
      }
      if (request.method === "GET" && request.url.startsWith("/b/fine/ok.txt"))
        return okText("hello");
      return {
        status: 500,
        body: errorXml("InternalError", `unexpected ${request.method} ${request.url}`),
      };
    });
    const s3 = fakeS3Client(fake);
    try {
      const target = join(work.path, "nested", "target");
      const result = await s3.bucket("b").downloadDir(target);
      expect(result.transferred.map((f) => f.key)).toEqual(["fine/ok.txt"]);
      expect(result.failed.map((f) => f.key).sort()).toEqual([...hostile].sort());
      for (const failed of result.failed) {
        expect(failed.error).toBeInstanceOf(ValidationError);
        expect(failed.path).toBeUndefined();
      }
      // Only the list and the one good GET were sent.
      expect(fake.requests.map((r) => r.method)).toEqual(["GET", "GET"]);
      // Nothing anywhere but the good file: not in the target, not beside it, not above it.
      expect(await snapshot(work.path)).toEqual({
        "nested/target/fine/ok.txt": sha256(Buffer.from("hello")),
      });
    } finally {
      s3.close();
      await fake.close();
    }
  });

  it("downloadDir refuses a backslash key from the store and skips folder markers", async () => {
    for (const Key of ["a\\b", "fine/ok.txt", "folder/"]) {
      await t.raw.send(
        new PutObjectCommand({ Bucket: t.bucket.name, Key, Body: Key.endsWith("/") ? "" : "data" }),
      );
    }
    const result = await t.bucket.downloadDir(join(work.path, "t"));
    expect(result.transferred.map((f) => f.key)).toEqual(["fine/ok.txt"]);
    expect(result.failed.map((f) => f.key)).toEqual(["a\\b"]);
    expect(result.failed[0]!.error).toBeInstanceOf(ValidationError);
    expect(await snapshot(work.path)).toEqual({ "t/fine/ok.txt": sha256(Buffer.from("data")) });
  });

  it('hardening 6: downloadDir reports a key ending in "/" that holds bytes; folder markers are skipped and counted', async () => {
    const objects: Array<[string, string]> = [
      ["backup/notes/", "fourteen bytes"],
      ["backup/empty/", ""],
      ["backup/", ""],
      ["backup/a.txt", "a"],
    ];
    for (const [Key, Body] of objects) {
      await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body }));
    }
    const result = await t.bucket.prefix("backup").downloadDir(join(work.path, "t"));
    expect(result.ok).toBe(false);
    expect(result.transferred.map((f) => f.key)).toEqual(["backup/a.txt"]);
    expect(result.failed.map((f) => f.key)).toEqual(["backup/notes/"]);
    const error = result.failed[0]!.error;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('a key ending in "/" cannot be a file');
    expect(error.message).toContain("14 bytes");
    // The two zero-byte markers: the scope's own and backup/empty/.
    expect(result.skipped).toBe(2);
    expect(await snapshot(work.path)).toEqual({ "t/a.txt": sha256(Buffer.from("a")) });
  });

  it("downloadDir does not follow a symbolic link out of the directory", async () => {
    const target = join(work.path, "target");
    const outside = join(work.path, "outside");
    await mkdir(target, { recursive: true });
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(target, "escape"));
    await t.bucket.put("escape/x.txt", "x");
    await t.bucket.put("escape/newdir/z.txt", "z");
    await t.bucket.put("y.txt", "y");
    const result = await t.bucket.downloadDir(target);
    expect(result.transferred.map((f) => f.key)).toEqual(["y.txt"]);
    expect(result.failed.map((f) => f.key).sort()).toEqual(["escape/newdir/z.txt", "escape/x.txt"]);
    for (const failed of result.failed) expect(failed.error).toBeInstanceOf(ValidationError);
    // Not even a directory was created through the link.
    expect(await readdir(outside)).toEqual([]);
  });

  it("downloadDir of a missing bucket throws BucketNotFoundError", async () => {
    const error = await t.s3
      .bucket(`${t.bucket.name}-missing`)
      .downloadDir(join(work.path, "t"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BucketNotFoundError);
  });

  it("refuses bad arguments and honours an abort", async () => {
    await expect(t.bucket.uploadDir(join(work.path, "missing"))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await writeFile(join(work.path, "file"), "x");
    await expect(t.bucket.uploadDir(join(work.path, "file"))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.downloadDir(join(work.path, "file"))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.downloadDir(work.path, { concurrency: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const error = await t.bucket
      .uploadDir(work.path, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("Aborted");
  });
});
