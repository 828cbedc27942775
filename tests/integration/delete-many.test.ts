import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

/** Creates empty objects with the raw SDK, so the setup does not depend on s3kit. */
async function createObjects(keys: readonly string[]): Promise<void> {
  const limit = pLimit(32);
  await Promise.all(
    keys.map((Key) =>
      limit(() => t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body: "" }))),
    ),
  );
}

/** Every key in the bucket, read with the raw SDK. */
async function rawKeys(): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await t.raw.send(
      new ListObjectsV2Command({ Bucket: t.bucket.name, ContinuationToken }),
    );
    for (const object of page.Contents ?? []) keys.push(object.Key ?? "");
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys.sort();
}

const numbered = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, "0")}.txt`);

describe("deleteMany", () => {
  it("deletes keys XML cannot carry one by one, without failing the rest of the batch", async () => {
    const keys = ["ctrl\u0001key", "tab\u0008back", "plain.txt", "other.txt"];
    await createObjects(keys);
    const counts = countRequests(t.s3);
    const result = await t.bucket.deleteMany(keys);
    expect(result.failed).toEqual([]);
    expect([...result.deleted].sort()).toEqual([...keys].sort());
    expect(await rawKeys()).toEqual([]);
    expect(counts.get("DeleteObjects")).toBe(1);
    expect(counts.get("DeleteObject")).toBe(2);
  });

  it("deletes 2,500 keys in exactly 3 DeleteObjects requests; missing keys count as deleted", async () => {
    const keys = numbered(2500, "batch/");
    // 100 of the keys never existed.
    await createObjects(keys.filter((_, i) => i % 25 !== 0));
    await createObjects(["other/survivor.txt"]);
    const counts = countRequests(t.s3, { retries: false });
    const result = await t.bucket.deleteMany(keys);
    expect(counts.get("DeleteObjects")).toBe(3);
    expect([...counts.keys()]).toEqual(["DeleteObjects"]);
    expect(result.ok).toBe(true);
    expect(result.failed).toEqual([]);
    expect(result.deleted.sort()).toEqual(keys);
    expect(await rawKeys()).toEqual(["other/survivor.txt"]);
  });

  it("deletes keys that need escaping in the XML body, from an async iterable under a prefix", async () => {
    const names = [
      "a&b<c>.txt",
      "quote\"'.txt",
      "space and+plus.txt",
      "ünï/日本語.txt",
      "percent%20.txt",
      "tab\there.txt",
    ];
    await createObjects(names.map((name) => `odd/${name}`));
    async function* source() {
      yield* names;
      yield names[0] ?? "";
    }
    const result = await t.bucket.prefix("odd").deleteMany(source());
    expect(result.failed).toEqual([]);
    expect(result.deleted.sort()).toEqual(names.map((name) => `odd/${name}`).sort());
    expect(await rawKeys()).toEqual([]);
  });

  it("reports an invalid key of a lazy iterable and deletes the rest", async () => {
    await createObjects(["x/1", "x/2"]);
    const result = await t.bucket.prefix("x").deleteMany(new Set(["1", "2"]).values());
    expect(result).toMatchObject({ ok: true, failed: [] });
    expect(await rawKeys()).toEqual([]);
    await createObjects(["x/3"]);
    const mixed = await t.bucket.prefix("x").deleteMany(["3", "/4"].values());
    expect(mixed.deleted).toEqual(["x/3"]);
    expect(mixed.failed).toMatchObject([{ name: "/4", code: "ValidationError" }]);
    expect(mixed.ok).toBe(false);
  });
});

describe("deleteAll", () => {
  it("on prefix('logs') leaves logs-archive/* and the object 'logs' in place", async () => {
    await createObjects([
      "logs/a.log",
      "logs/2025/b.log",
      "logs/2025/01/c.log",
      "logs-archive/old.log",
      "logsx",
    ]);
    const result = await t.bucket.prefix("logs").deleteAll();
    expect(result.ok).toBe(true);
    expect(result.deleted.sort()).toEqual(["logs/2025/01/c.log", "logs/2025/b.log", "logs/a.log"]);
    expect(await rawKeys()).toEqual(["logs-archive/old.log", "logsx"]);

    // The object "logs" itself is outside the folder "logs/". (Created on its own: MinIO hides
    // "logs/…" keys from listings while an object "logs" exists.)
    await createObjects(["logs"]);
    const counts = countRequests(t.s3);
    const again = await t.bucket.prefix("logs").deleteAll();
    expect(again).toMatchObject({ deleted: [], failed: [], ok: true });
    expect(counts.get("DeleteObjects")).toBeUndefined();
    expect(await rawKeys()).toEqual(["logs", "logs-archive/old.log", "logsx"]);
  });

  it("deletes more than one listing page and batch, leaving other scopes alone", async () => {
    const keys = numbered(1050, "many/");
    await createObjects([...keys, "keep/me.txt"]);
    const counts = countRequests(t.s3, { retries: false });
    const result = await t.bucket.prefix("many").deleteAll({ concurrency: 2 });
    expect(result.ok).toBe(true);
    expect(result.deleted).toHaveLength(1050);
    expect(counts.get("DeleteObjects")).toBe(2);
    expect(counts.get("ListObjectsV2")).toBeGreaterThanOrEqual(2);
    expect(await rawKeys()).toEqual(["keep/me.txt"]);
    // Nothing left: a second run deletes nothing and succeeds.
    const again = await t.bucket.prefix("many").deleteAll();
    expect(again).toMatchObject({ deleted: [], failed: [], ok: true });
  });

  it("deleteAll on a bucket that does not exist throws BucketNotFoundError", async () => {
    const missing = t.s3.bucket(`${t.bucket.name}-missing`);
    await expect(missing.deleteAll()).rejects.toMatchObject({ name: "BucketNotFoundError" });
  });
});
