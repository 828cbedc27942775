import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

async function rawText(key: string): Promise<string> {
  const response = await t.raw.send(new GetObjectCommand({ Bucket: t.bucket.name, Key: key }));
  return (await response.Body?.transformToString()) ?? "";
}

async function rawKeys(): Promise<string[]> {
  const page = await t.raw.send(new ListObjectsV2Command({ Bucket: t.bucket.name }));
  return (page.Contents ?? []).map((object) => object.Key ?? "").sort();
}

/**
 * A key of exactly `bytes` UTF-8 bytes built from `unit` (1 to 4 bytes), cut into path
 * segments of at most ~200 bytes since MinIO stores each segment as a directory name.
 */
function keyOfBytes(bytes: number, unit = "k"): string {
  const unitBytes = Buffer.byteLength(unit);
  const segments: string[] = [];
  let left = bytes;
  while (left > 0) {
    const last = left <= 200;
    // A segment that is not the last is followed by "/", one more byte.
    const size = last ? left : 199;
    const units = Math.floor(size / unitBytes);
    segments.push(unit.repeat(units) + "a".repeat(size - units * unitBytes));
    left -= last ? size : size + 1;
  }
  const key = segments.join("/");
  if (Buffer.byteLength(key) !== bytes)
    throw new Error(`keyOfBytes built ${Buffer.byteLength(key)} bytes`);
  return key;
}

describe("keys with special characters round-trip", () => {
  const keys = [
    "unicode/日本語/файл-ü.txt",
    "emoji/😀 smile.json",
    "with space/a b  c.txt",
    "plus/a+b+c.txt",
    "percent/100%.txt",
    "percent/already%20encoded.txt",
    "question/what?.txt",
    "hash/#1 #tag.txt",
    "mixed/ ?#%+&=;,@$!'()*[]~ .txt",
    "nfc/caf\u00e9.txt",
    "nfd/cafe\u0301.txt",
  ];

  it.each(keys)("%s", async (key) => {
    const body = `body of ${key}`;
    const put = await t.bucket.put(key, body);
    expect(put.key).toBe(key);
    expect(await rawText(key)).toBe(body);
    expect(await rawKeys()).toEqual([key]);
    expect(await t.bucket.getText(key)).toBe(body);
    const info = await t.bucket.head(key);
    expect(info.key).toBe(key);
    expect(info.contentLength).toBe(Buffer.byteLength(body));
    expect(await t.bucket.exists(key)).toBe(true);
    await t.bucket.setTags(key, { k: "v" });
    expect(await t.bucket.getTags(key)).toEqual({ k: "v" });
    await t.bucket.delete(key);
    expect(await t.bucket.exists(key)).toBe(false);
    expect(await rawKeys()).toEqual([]);
  });

  it("NFC and NFD spellings stay two different keys", async () => {
    await t.bucket.put("caf\u00e9", "nfc");
    await t.bucket.put("cafe\u0301", "nfd");
    expect(await t.bucket.getText("caf\u00e9")).toBe("nfc");
    expect(await t.bucket.getText("cafe\u0301")).toBe("nfd");
    expect(await rawKeys()).toHaveLength(2);
  });

  it("special characters in a prefix too", async () => {
    const folder = t.bucket.prefix("dossier spécial", "a+b?#%");
    await folder.put("x.txt", "x");
    expect(await rawKeys()).toEqual(["dossier spécial/a+b?#%/x.txt"]);
    expect(await folder.getText("x.txt")).toBe("x");
    expect(await folder.exists("x.txt")).toBe(true);
  });
});

describe("the 1024-byte key limit", () => {
  it("a key of exactly 1024 ASCII bytes works, 1025 → ValidationError without a request", async () => {
    const key = keyOfBytes(1024);
    await t.bucket.put(key, "max");
    expect(await t.bucket.getText(key)).toBe("max");
    expect(await rawKeys()).toEqual([key]);
    const counts = countRequests(t.s3);
    await expect(t.bucket.put(keyOfBytes(1025), "x")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.getText(keyOfBytes(1025))).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });

  it("counts UTF-8 bytes, not characters", async () => {
    const twoByte = keyOfBytes(1024, "é");
    expect(twoByte.length).toBeLessThan(1024);
    await t.bucket.put(twoByte, "é");
    expect(await t.bucket.getText(twoByte)).toBe("é");
    const fourByte = keyOfBytes(1024, "😀");
    await t.bucket.put(fourByte, "😀");
    expect(await t.bucket.exists(fourByte)).toBe(true);
    await expect(t.bucket.put(keyOfBytes(1025, "é"), "x")).rejects.toBeInstanceOf(ValidationError);
    // One more 3-byte character where a 1-byte one fitted.
    await expect(t.bucket.put(`${keyOfBytes(1023)}€`, "x")).rejects.toBeInstanceOf(ValidationError);
  });

  it("counts the prefix", async () => {
    const folder = t.bucket.prefix("pre", "fix");
    const fits = keyOfBytes(1024 - "pre/fix/".length);
    const put = await folder.put(fits, "x");
    expect(Buffer.byteLength(put.key)).toBe(1024);
    expect(await folder.getText(fits)).toBe("x");
    const counts = countRequests(t.s3);
    const tooLong = keyOfBytes(1025 - "pre/fix/".length);
    for (const call of [
      () => folder.put(tooLong, "x"),
      () => folder.getText(tooLong),
      () => folder.head(tooLong),
      () => folder.exists(tooLong),
      () => folder.delete(tooLong),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(counts.size).toBe(0);
  });
});

describe("prefix isolation", () => {
  it('prefix("logs") never sees logs-archive/…, logsx or log', async () => {
    for (const key of [
      "logs/a.txt",
      "logs/2025/b.txt",
      "logs-archive/x",
      "logsx",
      "log",
      "other/logs/c",
    ]) {
      await t.bucket.put(key, key);
    }
    const logs = t.bucket.prefix("logs");
    const listed = await logs.list();
    expect(listed.map((o) => o.key).sort()).toEqual(["logs/2025/b.txt", "logs/a.txt"]);
    expect(listed.map((o) => o.name).sort()).toEqual(["2025/b.txt", "a.txt"]);
    const iterated: string[] = [];
    for await (const object of logs) iterated.push(object.key);
    expect(iterated.sort()).toEqual(["logs/2025/b.txt", "logs/a.txt"]);
    expect((await logs.list({ recursive: false })).map((o) => o.key)).toEqual(["logs/a.txt"]);
    const folders: string[] = [];
    for await (const folder of logs.folders()) folders.push(folder.path);
    expect(folders).toEqual(["logs/2025/"]);
    expect(await logs.exists("a.txt")).toBe(true);
    expect(await logs.exists("-archive/x")).toBe(false);
  });

  // A separate bucket's worth of objects: MinIO cannot hold the object "logs" next to keys
  // under "logs/" (the object hides them from listings and the bucket cannot be emptied).
  it('prefix("logs") never sees the object "logs"', async () => {
    for (const key of ["logs", "logs-archive/x", "logsx"]) await t.bucket.put(key, key);
    expect((await t.bucket.list()).map((o) => o.key).sort()).toEqual([
      "logs",
      "logs-archive/x",
      "logsx",
    ]);
    expect(await t.bucket.prefix("logs").list()).toEqual([]);
    const folders: string[] = [];
    for await (const folder of t.bucket.prefix("logs").folders()) folders.push(folder.path);
    expect(folders).toEqual([]);
    expect(await t.bucket.exists("logs")).toBe(true);
  });

  it("a deeper prefix is isolated from its siblings and parents", async () => {
    for (const key of ["a/b/c/1", "a/b/c2/2", "a/b/3", "a/bc/4"]) await t.bucket.put(key, key);
    const listed = await t.bucket.prefix("a", "b").list();
    expect(listed.map((o) => o.key).sort()).toEqual(["a/b/3", "a/b/c/1", "a/b/c2/2"]);
    const deeper = await t.bucket.prefix("a").prefix("b").prefix("c").list();
    expect(deeper.map((o) => [o.key, o.name])).toEqual([["a/b/c/1", "1"]]);
  });
});
